import type {Diagnostic, SourceLocation} from '../errors.js'
import {locate, type DocPath} from './parse-positions.js'
import type {ParsedDoc} from './parse-yaml.js'

export const RESOURCE_KINDS = ['Environment', 'Topic', 'Schema', 'Service', 'Job', 'Policy', 'Acl', 'User', 'Quota', 'Connector', 'Replica'] as const
export type ResourceKind = (typeof RESOURCE_KINDS)[number]

/** Secret fields of an Environment: wrapped in `Secret`, never printed. */
export const SECRET_PATHS: readonly (readonly string[])[] = [
  ['spec', 'kafka', 'sasl', 'password'],
  ['spec', 'registry', 'password'],
  ['spec', 'registry', 'token'],
  ['spec', 'connect', 'auth', 'password'],
]

/** Secret fields of a User. */
export const USER_SECRET_PATHS: readonly (readonly string[])[] = [['spec', 'password']]

/**
 * One schema-valid manifest document after `${env:}`/`${file:}` substitution. `${var:}` is still
 * unresolved (it depends on the environment). The spec is plain data as the JSON Schema shapes
 * it; secret fields already hold `Secret` objects.
 */
export interface Resource {
  readonly kind: ResourceKind
  /** metadata.name as written (may still contain `${var:…}`). */
  readonly name: string
  readonly description?: string
  readonly labels: Readonly<Record<string, string>>
  readonly spec: any
  readonly doc: ParsedDoc
  /**
   * Problems that only matter when this resource is used: interpolation failures inside an
   * Environment (validating `local` must not need prod's variables), a User's missing password. Secret-field problems
   * are flagged so offline commands can downgrade them.
   */
  readonly deferred: readonly (Diagnostic & {secret?: boolean})[]
  /** Schema resources: the schema text (inline or read from `file`). */
  readonly schemaText?: string
  /**
   * Schema resources whose `file` names variables: the manifest's directory, where the file is
   * read once an environment completes the path (schemaText is unset until then).
   */
  readonly schemaDir?: string
}

export interface ManifestSet {
  /** The manifest files read, relative to cwd, sorted. */
  readonly files: readonly string[]
  readonly resources: readonly Resource[]
  /** Non-fatal findings of loading (e.g. inline secrets). */
  readonly warnings: readonly Diagnostic[]
  /** Documents too broken to load (only from lenient loading for checks): declared, but not resources. */
  readonly invalid?: readonly {readonly kind: ResourceKind; readonly name: string}[]
}

export function where(r: Resource, path: DocPath = ['metadata', 'name'], key = false): SourceLocation {
  return locate(r.doc, path, {key})
}
