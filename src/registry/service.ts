import type {CompatibilityLevel} from '../model/state.js'
import {checkCompatibility, type PreviousVersion} from './compat/index.js'
import {REGISTRY_ERROR_CODES as E, RegistryHttpError, invalidSchema, notPermitted, schemaNotFound, subjectNotFound, versionNotFound} from './http-error.js'
import {parseSchema, type ParsedSchema} from './parse-schema.js'
import {configKey, modeKey, schemaKey, type RecordKey, type SchemaValue} from './records.js'
import type {SchemaRequest} from './request.js'
import type {SchemaLog} from './schema-log.js'
import type {RegistryMode, ResolvedReference, StoredSchema} from './schema-types.js'
import {identityOf, type RegistryStore, type VersionEntry} from './store.js'

export const DEFAULT_COMPATIBILITY: CompatibilityLevel = 'BACKWARD'
const MAX_WRITE_ATTEMPTS = 10

/** The JSON shape Confluent returns for a subject version (schemaType left out for AVRO). */
export interface VersionResponse {
  subject: string
  version: number
  id: number
  schema: string
  schemaType?: string
  references?: {name: string; subject: string; version: number}[]
}

/**
 * The registry's operations over the store (reads) and the log (writes). Writes of one instance
 * are serialised; across instances the log order decides (see store.ts). Id allocation is
 * optimistic: catch up with the log, pick max id + 1 (or the id the same schema already has),
 * write, read back to the written offset, and if the store rejected the record because another
 * instance won the race, retry. When the lost race was over a subject version (same key), the
 * winner's record is written again under that key so log compaction — which keeps the last record
 * per key — keeps the winner.
 */
export class RegistryService {
  private writeChain: Promise<unknown> = Promise.resolve()
  private readonly parsedById = new Map<number, ParsedSchema>()

  constructor(
    private readonly store: RegistryStore,
    private readonly log: SchemaLog,
  ) {}

  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.writeChain.then(fn, fn)
    this.writeChain = run.catch(() => undefined)
    return run
  }

  private async write(key: RecordKey, value: unknown): Promise<void> {
    await this.log.waitFor(await this.log.append(key, value))
  }

  // ---------- reads ----------

  subjects(deleted: boolean, prefix?: string): string[] {
    return this.store.subjectNames(deleted).filter((s) => !prefix || s.startsWith(prefix))
  }

  versions(subject: string, deleted: boolean): number[] {
    const vs = this.store.versions(subject, deleted)
    if (vs.length === 0) throw subjectNotFound(subject)
    return vs.map((v) => v.version)
  }

  getVersion(subject: string, version: number | 'latest', deleted: boolean): VersionResponse {
    return toResponse(this.findVersion(subject, version, deleted))
  }

  private findVersion(subject: string, version: number | 'latest', deleted: boolean): VersionEntry {
    const all = this.store.versions(subject, true)
    if (all.length === 0) throw subjectNotFound(subject)
    const visible = all.filter((v) => deleted || !v.deleted)
    const entry = version === 'latest' ? visible.at(-1) : visible.find((v) => v.version === version)
    if (!entry) {
      if (visible.length === 0) throw subjectNotFound(subject)
      throw versionNotFound(version)
    }
    return entry
  }

  schemaById(id: number, subject?: string): {schema: string; schemaType?: string; references?: VersionResponse['references']} {
    const s = this.store.schemaById(id)
    if (!s || (subject && !this.store.versionsOfId(id, true).some((v) => v.subject === subject))) throw schemaNotFound()
    const {schema, schemaType, references} = toResponse({...s, subject: '', version: 0, id, deleted: false})
    return {schema, ...(schemaType ? {schemaType} : {}), ...(references ? {references} : {})}
  }

  idSubjects(id: number, deleted: boolean): string[] {
    if (!this.store.schemaById(id)) throw schemaNotFound()
    return [...new Set(this.store.versionsOfId(id, deleted).map((v) => v.subject))]
  }

  idVersions(id: number, deleted: boolean): {subject: string; version: number}[] {
    if (!this.store.schemaById(id)) throw schemaNotFound()
    return this.store.versionsOfId(id, deleted).map((v) => ({subject: v.subject, version: v.version}))
  }

  referencedBy(subject: string, version: number | 'latest'): number[] {
    const entry = this.findVersion(subject, version, false)
    return this.store.referencedBy(subject, entry.version)
  }

  /** `POST /subjects/{s}`: the version of this subject that holds this schema. */
  lookup(subject: string, req: SchemaRequest, deleted: boolean): VersionResponse {
    if (this.store.versions(subject, deleted).length === 0) throw subjectNotFound(subject)
    const stored = this.toStored(req)
    const identity = identityOf(stored)
    const match = this.store.versions(subject, deleted).reverse().find((v) => identityOf(v) === identity)
    if (!match) throw schemaNotFound()
    return toResponse(match)
  }

  compatibilityLevel(subject: string | null): CompatibilityLevel {
    return (subject ? this.store.config(subject) : undefined) ?? this.store.config(null) ?? DEFAULT_COMPATIBILITY
  }

  getConfig(subject: string | null, defaultToGlobal: boolean): {compatibilityLevel: CompatibilityLevel} {
    if (subject === null) return {compatibilityLevel: this.compatibilityLevel(null)}
    const own = this.store.config(subject)
    if (own) return {compatibilityLevel: own}
    if (defaultToGlobal) return {compatibilityLevel: this.compatibilityLevel(null)}
    throw new RegistryHttpError(E.SUBJECT_LEVEL_COMPATIBILITY_NOT_CONFIGURED, `Subject '${subject}' does not have subject-level compatibility configured`)
  }

  mode(subject: string | null): RegistryMode {
    return (subject ? this.store.mode(subject) : undefined) ?? this.store.mode(null) ?? 'READWRITE'
  }

  getMode(subject: string | null, defaultToGlobal: boolean): {mode: RegistryMode} {
    if (subject === null || defaultToGlobal) return {mode: this.mode(subject)}
    const own = this.store.mode(subject)
    if (own) return {mode: own}
    throw new RegistryHttpError(E.SUBJECT_LEVEL_MODE_NOT_CONFIGURED, `Subject '${subject}' does not have subject-level mode configured`)
  }

  /** `POST /compatibility/subjects/{s}/versions[/{v}]`: reasons, empty when compatible. */
  checkCompatibility(subject: string, version: number | 'latest' | 'all', req: SchemaRequest): string[] {
    const parsed = this.parse(req)
    const level = this.compatibilityLevel(subject)
    const live = this.store.versions(subject, false)
    if (version === 'all') return checkCompatibility(level, parsed, live.map((v) => this.previous(v)))
    if (live.length === 0) {
      // Confluent: checking against "latest" of an empty subject passes; a numbered version must exist.
      if (version === 'latest') return []
      throw subjectNotFound(subject)
    }
    const target = this.findVersion(subject, version, false)
    const nonTransitive = level.replace('_TRANSITIVE', '') as CompatibilityLevel
    return checkCompatibility(nonTransitive, parsed, [this.previous(target)])
  }

  // ---------- writes ----------

  register(subject: string, req: SchemaRequest): Promise<{id: number}> {
    return this.exclusive(async () => {
      for (let attempt = 0; attempt < MAX_WRITE_ATTEMPTS; attempt++) {
        await this.log.catchUp()
        const mode = this.mode(subject)
        if (mode === 'READONLY') throw notPermitted(`Subject ${subject} is in read-only mode`)
        if (req.id !== undefined && mode !== 'IMPORT') throw notPermitted(`Overwrite new schema with id ${req.id} is not permitted.`)
        const parsed = this.parse(req)
        const stored: StoredSchema = {schemaType: req.schemaType, schema: parsed.canonical, references: req.references}
        const identity = identityOf(stored)
        const live = this.store.versions(subject, false)
        const same = live.find((v) => identityOf(v) === identity)
        if (same) return {id: same.id}
        let id = this.store.idOf(stored) ?? this.store.nextId()
        let version = this.store.maxVersion(subject) + 1
        if (mode === 'IMPORT') {
          if (req.id !== undefined) {
            const taken = this.store.schemaById(req.id)
            if (taken && identityOf(taken) !== identity) throw new RegistryHttpError(E.ID_DOES_NOT_MATCH, `Schema id ${req.id} is already used by another schema`)
            id = req.id
          }
          if (req.version !== undefined) {
            if (this.store.version(subject, req.version)) throw notPermitted(`Version ${req.version} of subject ${subject} already exists`)
            version = req.version
          }
        } else {
          const reasons = checkCompatibility(this.compatibilityLevel(subject), parsed, live.map((v) => this.previous(v)))
          if (reasons.length > 0) {
            throw new RegistryHttpError(E.INCOMPATIBLE_SCHEMA,
              `Schema being registered is incompatible with an earlier schema for subject "${subject}", details: [${reasons.join('; ')}]`)
          }
        }
        const value: SchemaValue = toValue({...stored, subject, version, id, deleted: false})
        await this.write(schemaKey(subject, version), value)
        const now = this.store.version(subject, version)
        if (now && now.id === id && identityOf(now) === identity) {
          this.parsedById.set(id, parsed)
          return {id}
        }
        // Lost a race with another instance: keep the winner under this key for compaction.
        if (now) await this.write(schemaKey(subject, version), toValue(now))
      }
      throw new RegistryHttpError(E.STORE_ERROR, `Could not register a schema under ${subject}: too many concurrent writers`)
    })
  }

  deleteVersion(subject: string, versionParam: number | 'latest', permanent: boolean): Promise<number> {
    return this.exclusive(async () => {
      await this.log.catchUp()
      if (this.mode(subject) === 'READONLY') throw notPermitted(`Subject ${subject} is in read-only mode`)
      const entry = this.findVersion(subject, versionParam, permanent)
      const refs = this.store.referencedBy(subject, entry.version)
      if (refs.length > 0) throw new RegistryHttpError(E.REFERENCE_EXISTS, `One or more references exist to the schema {subject=${subject}, version=${entry.version}}: ids ${refs.join(', ')}`)
      if (permanent) {
        if (!entry.deleted) throw new RegistryHttpError(E.VERSION_NOT_SOFT_DELETED, `Subject '${subject}' Version ${entry.version} was not deleted first before being permanently deleted`)
        await this.write(schemaKey(subject, entry.version), null)
      } else {
        if (entry.deleted) throw new RegistryHttpError(E.VERSION_SOFT_DELETED, `Subject '${subject}' Version ${entry.version} was soft deleted. Set permanent=true to delete permanently`)
        await this.write(schemaKey(subject, entry.version), toValue({...entry, deleted: true}))
      }
      return entry.version
    })
  }

  deleteSubject(subject: string, permanent: boolean): Promise<number[]> {
    return this.exclusive(async () => {
      await this.log.catchUp()
      if (this.mode(subject) === 'READONLY') throw notPermitted(`Subject ${subject} is in read-only mode`)
      const all = this.store.versions(subject, true)
      if (all.length === 0) throw subjectNotFound(subject)
      const live = all.filter((v) => !v.deleted)
      for (const v of live) {
        const refs = this.store.referencedBy(subject, v.version)
        if (refs.length > 0) throw new RegistryHttpError(E.REFERENCE_EXISTS, `One or more references exist to the schema {subject=${subject}, version=${v.version}}: ids ${refs.join(', ')}`)
      }
      if (permanent) {
        if (live.length > 0) throw new RegistryHttpError(E.SUBJECT_NOT_SOFT_DELETED, `Subject '${subject}' was not deleted first before being permanently deleted`)
        for (const v of all) await this.write(schemaKey(subject, v.version), null)
        if (this.store.config(subject)) await this.write(configKey(subject), null)
        if (this.store.mode(subject)) await this.write(modeKey(subject), null)
        return all.map((v) => v.version)
      }
      if (live.length === 0) throw new RegistryHttpError(E.SUBJECT_SOFT_DELETED, `Subject '${subject}' was soft deleted. Set permanent=true to delete permanently`)
      for (const v of live) await this.write(schemaKey(subject, v.version), toValue({...v, deleted: true}))
      return live.map((v) => v.version)
    })
  }

  setConfig(subject: string | null, level: CompatibilityLevel): Promise<{compatibility: CompatibilityLevel}> {
    return this.exclusive(async () => {
      if (subject && this.mode(subject) === 'READONLY') throw notPermitted(`Subject ${subject} is in read-only mode`)
      await this.write(configKey(subject), {compatibilityLevel: level})
      return {compatibility: level}
    })
  }

  deleteConfig(subject: string | null): Promise<{compatibilityLevel: CompatibilityLevel}> {
    return this.exclusive(async () => {
      await this.log.catchUp()
      if (subject && !this.store.config(subject) && this.store.versions(subject, true).length === 0) throw subjectNotFound(subject)
      const previous = this.compatibilityLevel(subject)
      await this.write(configKey(subject), null)
      return {compatibilityLevel: previous}
    })
  }

  setMode(subject: string | null, mode: RegistryMode, force: boolean): Promise<{mode: RegistryMode}> {
    return this.exclusive(async () => {
      await this.log.catchUp()
      if (mode === 'IMPORT' && !force) {
        const existing = subject ? this.store.versions(subject, true) : this.store.subjectNames(true)
        if (existing.length > 0) throw notPermitted(`Cannot import since found existing subjects`)
      }
      await this.write(modeKey(subject), {mode})
      return {mode}
    })
  }

  deleteMode(subject: string): Promise<{mode: RegistryMode}> {
    return this.exclusive(async () => {
      await this.log.catchUp()
      const previous = this.mode(subject)
      await this.write(modeKey(subject), null)
      return {mode: previous}
    })
  }

  // ---------- helpers ----------

  private toStored(req: SchemaRequest): StoredSchema {
    return {schemaType: req.schemaType, schema: this.parse(req).canonical, references: req.references}
  }

  private parse(req: SchemaRequest): ParsedSchema {
    return parseSchema(req.schemaType, req.schema, this.resolveReferences(req.references))
  }

  private previous(v: VersionEntry): PreviousVersion {
    let parsed = this.parsedById.get(v.id)
    if (!parsed) {
      parsed = parseSchema(v.schemaType, v.schema, this.resolveReferences(v.references))
      this.parsedById.set(v.id, parsed)
    }
    return {version: v.version, parsed}
  }

  /** Referenced schemas, transitively, dependencies first (each once). */
  private resolveReferences(refs: readonly {name: string; subject: string; version: number}[], seen = new Set<string>()): ResolvedReference[] {
    const out: ResolvedReference[] = []
    for (const ref of refs) {
      const key = `${ref.subject}\u0000${ref.version}`
      if (seen.has(key)) continue
      seen.add(key)
      const entry = ref.version === -1 ? this.store.versions(ref.subject).at(-1) : this.store.version(ref.subject, ref.version)
      if (!entry) throw invalidSchema(`reference '${ref.name}' names subject '${ref.subject}' version ${ref.version}, which does not exist`)
      out.push(...this.resolveReferences(entry.references, seen), {name: ref.name, schemaType: entry.schemaType, schema: entry.schema})
    }
    return out
  }
}

function toValue(v: VersionEntry): SchemaValue {
  return {
    subject: v.subject,
    version: v.version,
    id: v.id,
    schema: v.schema,
    ...(v.schemaType === 'AVRO' ? {} : {schemaType: v.schemaType}),
    ...(v.references.length > 0 ? {references: [...v.references]} : {}),
    deleted: v.deleted,
  }
}

function toResponse(v: VersionEntry): VersionResponse {
  return {
    subject: v.subject,
    version: v.version,
    id: v.id,
    schema: v.schema,
    ...(v.schemaType === 'AVRO' ? {} : {schemaType: v.schemaType}),
    ...(v.references.length > 0 ? {references: v.references.map((r) => ({...r}))} : {}),
  }
}
