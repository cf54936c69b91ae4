import {createHash} from 'node:crypto'

/**
 * Canonical JSON: object keys sorted, `undefined` dropped, so equal data hashes equally no matter
 * how it was built. Used for plan digests and the observed-state digest apply re-checks.
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value))
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys)
  if (value !== null && typeof value === 'object') {
    const obj = value as Record<string, unknown>
    if (typeof (obj as {toJSON?: unknown}).toJSON === 'function') return (obj as {toJSON(): unknown}).toJSON()
    const out: Record<string, unknown> = {}
    for (const k of Object.keys(obj).sort()) if (obj[k] !== undefined) out[k] = sortKeys(obj[k])
    return out
  }
  return value
}

export function sha256(text: string): string {
  return `sha256:${createHash('sha256').update(text).digest('hex')}`
}

export function digestOf(value: unknown): string {
  return sha256(canonicalJson(value))
}
