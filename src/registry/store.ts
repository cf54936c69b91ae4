import type {CompatibilityLevel, SchemaReference, SchemaType} from '../model/state.js'
import {schemaIdentity} from './parse-schema.js'
import type {ConfigValue, ModeValue, RecordKey, SchemaValue} from './records.js'
import type {RegistryMode, StoredSchema} from './schema-types.js'

export interface VersionEntry extends StoredSchema {
  readonly subject: string
  readonly version: number
  readonly id: number
  readonly deleted: boolean
}

/** Global config and mode are kept under this key (subject names are never empty). */
const GLOBAL = ''

/**
 * The registry's state, rebuilt by applying the `_schemas` log in order. Pure and deterministic:
 * every instance that applies the same log gets the same state, which is what makes concurrent
 * writers safe. A schema record that contradicts what the log already says — its subject version
 * holds another schema, its id names another schema, or its schema already has another id — is
 * rejected (ignored) by every instance alike; the writer that produced it sees the rejection and
 * retries (see writer.ts).
 */
export class RegistryStore {
  private readonly subjects = new Map<string, Map<number, VersionEntry>>()
  private readonly byId = new Map<number, StoredSchema>()
  private readonly idByIdentity = new Map<string, number>()
  private readonly configs = new Map<string, CompatibilityLevel>()
  private readonly modes = new Map<string, RegistryMode>()
  private maxIdSeen = 0

  /** Applies one log record; returns false when it was rejected as contradicting the log. */
  apply(key: RecordKey, value: unknown): boolean {
    switch (key.keytype) {
      case 'SCHEMA': return value == null ? this.removeVersion(key.subject, key.version) : this.applySchema(value as SchemaValue)
      case 'CONFIG': return this.setOrDelete(this.configs, key.subject, value == null ? undefined : (value as ConfigValue).compatibilityLevel)
      case 'MODE': return this.setOrDelete(this.modes, key.subject, value == null ? undefined : (value as ModeValue).mode)
      case 'NOOP': return true
    }
  }

  private setOrDelete<T>(map: Map<string, T>, subject: string | null, v: T | undefined): boolean {
    if (v === undefined) map.delete(subject ?? GLOBAL)
    else map.set(subject ?? GLOBAL, v)
    return true
  }

  private applySchema(v: SchemaValue): boolean {
    const schemaType: SchemaType = v.schemaType ?? 'AVRO'
    const stored: StoredSchema = {schemaType, schema: v.schema, references: v.references ?? []}
    const identity = identityOf(stored)
    const current = this.subjects.get(v.subject)?.get(v.version)
    if (current && (current.id !== v.id || identityOf(current) !== identity)) return false
    const byId = this.byId.get(v.id)
    if (byId && identityOf(byId) !== identity) return false
    const known = this.idByIdentity.get(identity)
    if (known !== undefined && known !== v.id) return false
    let versions = this.subjects.get(v.subject)
    if (!versions) this.subjects.set(v.subject, (versions = new Map()))
    versions.set(v.version, {...stored, subject: v.subject, version: v.version, id: v.id, deleted: v.deleted === true})
    this.byId.set(v.id, stored)
    this.idByIdentity.set(identity, v.id)
    this.maxIdSeen = Math.max(this.maxIdSeen, v.id)
    return true
  }

  private removeVersion(subject: string, version: number): boolean {
    const versions = this.subjects.get(subject)
    const entry = versions?.get(version)
    if (!versions || !entry) return true
    versions.delete(version)
    if (versions.size === 0) this.subjects.delete(subject)
    if (!this.versionsOfId(entry.id, true).length) {
      this.byId.delete(entry.id)
      this.idByIdentity.delete(identityOf(entry))
    }
    return true
  }

  // ---- queries ----

  nextId(): number {
    return this.maxIdSeen + 1
  }

  idOf(schema: StoredSchema): number | undefined {
    return this.idByIdentity.get(identityOf(schema))
  }

  schemaById(id: number): StoredSchema | undefined {
    return this.byId.get(id)
  }

  /** Subject names; with `deleted`, also those whose versions are all soft-deleted. */
  subjectNames(deleted = false): string[] {
    return [...this.subjects.entries()].filter(([, vs]) => deleted || [...vs.values()].some((v) => !v.deleted)).map(([s]) => s).sort()
  }

  /** Versions of a subject, oldest first. */
  versions(subject: string, deleted = false): VersionEntry[] {
    const vs = this.subjects.get(subject)
    if (!vs) return []
    return [...vs.values()].filter((v) => deleted || !v.deleted).sort((a, b) => a.version - b.version)
  }

  /** Highest version number ever used in the subject (soft-deleted ones included), 0 if none. */
  maxVersion(subject: string): number {
    return Math.max(0, ...[...(this.subjects.get(subject)?.keys() ?? [])])
  }

  version(subject: string, version: number): VersionEntry | undefined {
    return this.subjects.get(subject)?.get(version)
  }

  versionsOfId(id: number, deleted = false): VersionEntry[] {
    const out: VersionEntry[] = []
    for (const vs of this.subjects.values()) for (const v of vs.values()) if (v.id === id && (deleted || !v.deleted)) out.push(v)
    return out.sort((a, b) => a.subject.localeCompare(b.subject) || a.version - b.version)
  }

  /** Ids of the non-deleted versions whose references name `subject` `version`. */
  referencedBy(subject: string, version: number): number[] {
    const ids = new Set<number>()
    for (const vs of this.subjects.values()) {
      for (const v of vs.values()) {
        if (!v.deleted && v.references.some((r) => r.subject === subject && r.version === version)) ids.add(v.id)
      }
    }
    return [...ids].sort((a, b) => a - b)
  }

  config(subject: string | null): CompatibilityLevel | undefined {
    return this.configs.get(subject ?? GLOBAL)
  }

  mode(subject: string | null): RegistryMode | undefined {
    return this.modes.get(subject ?? GLOBAL)
  }
}

export function identityOf(s: StoredSchema): string {
  const refs: SchemaReference[] = [...s.references].map((r) => ({name: r.name, subject: r.subject, version: r.version}))
  return `${s.schemaType}\u0000${schemaIdentity(s.schemaType, s.schema)}\u0000${JSON.stringify(refs)}`
}
