import type {CompatibilityLevel} from '../model/state.js'
import {checkCompatibility} from './compat/index.js'
import {REGISTRY_ERROR_CODES as E, RegistryHttpError, notPermitted, subjectNotFound} from './http-error.js'
import {configKey, modeKey, schemaKey, type RecordKey, type SchemaValue} from './records.js'
import type {SchemaRequest} from './request.js'
import type {SchemaLog} from './schema-log.js'
import type {RegistryMode, StoredSchema} from './schema-types.js'
import {toValue, type RegistryService} from './service.js'
import {identityOf, type RegistryStore} from './store.js'

const MAX_WRITE_ATTEMPTS = 10

/**
 * The registry's writes: each is a record appended to the log, answered only once the log has
 * been read back past it. Writes of one instance are serialised; across instances the log order
 * decides (see store.ts). Id allocation is optimistic: catch up with the log, pick max id + 1 (or
 * the id the same schema already has), write, read back to the written offset, and if the store
 * rejected the record because another instance won the race, retry. When the lost race was over
 * a subject version (same key), the winner's record is written again under that key, so log
 * compaction — which keeps the last record per key — keeps the winner.
 */
export class RegistryWriter {
  private writeChain: Promise<unknown> = Promise.resolve()

  constructor(
    private readonly store: RegistryStore,
    private readonly log: SchemaLog,
    private readonly reads: RegistryService,
  ) {}

  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.writeChain.then(fn, fn)
    this.writeChain = run.catch(() => undefined)
    return run
  }

  private async write(key: RecordKey, value: unknown): Promise<void> {
    await this.log.waitFor(await this.log.append(key, value))
  }

  private mode(subject: string | null): RegistryMode {
    return this.reads.mode(subject)
  }

  register(subject: string, req: SchemaRequest): Promise<{id: number}> {
    return this.exclusive(async () => {
      for (let attempt = 0; attempt < MAX_WRITE_ATTEMPTS; attempt++) {
        await this.log.catchUp()
        const mode = this.mode(subject)
        if (mode === 'READONLY') throw notPermitted(`Subject ${subject} is in read-only mode`)
        if (req.id !== undefined && mode !== 'IMPORT') throw notPermitted(`Overwrite new schema with id ${req.id} is not permitted.`)
        const parsed = this.reads.parse(req)
        const stored: StoredSchema = {schemaType: req.schemaType, schema: parsed.canonical, references: req.references}
        const identity = identityOf(stored)
        const live = this.store.versions(subject, false)
        const same = this.reads.sameSchemaIn(live, stored)
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
          const reasons = checkCompatibility(this.reads.compatibilityLevel(subject), parsed, live.map((v) => this.reads.previous(v)))
          if (reasons.length > 0) {
            throw new RegistryHttpError(E.INCOMPATIBLE_SCHEMA,
              `Schema being registered is incompatible with an earlier schema for subject "${subject}", details: [${reasons.join('; ')}]`)
          }
        }
        const value: SchemaValue = toValue({...stored, subject, version, id, deleted: false})
        await this.write(schemaKey(subject, version), value)
        const now = this.store.version(subject, version)
        if (now && now.id === id && identityOf(now) === identity) {
          this.reads.parsedById.set(id, parsed)
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
      const entry = this.reads.findVersion(subject, versionParam, permanent)
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
      const previous = this.reads.compatibilityLevel(subject)
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

}
