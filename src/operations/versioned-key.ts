/**
 * Versioned keys: `<service>-<entity>-<id>-v<version>` by default. The template is configurable
 * (`{service}`, `{entity}`, `{id}`, `{version}` placeholders). Parsing takes the version from the
 * trailing `-v<digits>` so ids may themselves contain dashes.
 */
export const DEFAULT_VERSIONED_KEY_TEMPLATE = '{service}-{entity}-{id}-v{version}'

export interface VersionedKeyParts {
  readonly service: string
  readonly entity: string
  readonly id: string
  readonly version: number
}

export function formatVersionedKey(parts: VersionedKeyParts, template = DEFAULT_VERSIONED_KEY_TEMPLATE): string {
  return template.replace(/\{(service|entity|id|version)\}/g, (_m, name: keyof VersionedKeyParts) => String(parts[name]))
}

/** The entity part of a versioned key (everything before `-v<version>`) and its version, or undefined. */
export function parseVersionedKey(key: string): {entityKey: string; version: number} | undefined {
  const m = /^(.+)-v(\d+)$/.exec(key)
  if (!m) return undefined
  const version = Number(m[2])
  if (!Number.isSafeInteger(version)) return undefined
  return {entityKey: m[1]!, version}
}
