import type {CompatibilityLevel} from '../model/state.js'
import {checkCompatibility, type PreviousVersion} from './compat/index.js'
import {REGISTRY_ERROR_CODES as E, RegistryHttpError, invalidSchema, schemaNotFound, subjectNotFound, versionNotFound} from './http-error.js'
import {parseSchema, type ParsedSchema} from './parse-schema.js'
import {serializedProto} from './proto-descriptor.js'
import {protoTextOfSerialized} from './proto-text.js'
import type {SchemaValue} from './records.js'
import type {SchemaRequest} from './request.js'
import type {RegistryMode, ResolvedReference, StoredSchema} from './schema-types.js'
import {identityOf, type RegistryStore, type VersionEntry} from './store.js'

export const DEFAULT_COMPATIBILITY: CompatibilityLevel = 'BACKWARD'

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
 * The registry's reads, answered from the store (the log as applied so far, so an instance may
 * lag another's writes by the replication delay, as Confluent's followers do), plus the parsing
 * and compatibility helpers the writer shares. Writes are in writer.ts.
 */
export class RegistryService {
  readonly parsedById = new Map<number, ParsedSchema>()

  constructor(private readonly store: RegistryStore) {}

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

  findVersion(subject: string, version: number | 'latest', deleted: boolean): VersionEntry {
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
    const match = this.sameSchemaIn(this.store.versions(subject, deleted).reverse(), stored)
    if (!match) throw schemaNotFound()
    return toResponse(match)
  }

  /**
   * The first of `versions` holding `schema`: the same canonical text, or for Protobuf the same
   * file descriptor (Confluent's serializers send the descriptor, the manifests the .proto source
   * with its comments and layout: Confluent's registry finds one for the other, so must this one).
   */
  sameSchemaIn<V extends VersionEntry>(versions: readonly V[], schema: StoredSchema): V | undefined {
    const identity = identityOf(schema)
    const exact = versions.find((v) => identityOf(v) === identity)
    if (exact || schema.schemaType !== 'PROTOBUF') return exact
    const refs = JSON.stringify(schema.references)
    let wanted: string | undefined
    for (const v of versions) {
      if (v.schemaType !== 'PROTOBUF' || JSON.stringify(v.references) !== refs) continue
      try {
        wanted ??= normalProto(schema.schema, this.resolveReferences(schema.references))
        if (normalProto(v.schema, this.resolveReferences(v.references)) === wanted) return v
      } catch {
        // A stored text the descriptor writer cannot handle matches by its text alone.
      }
    }
    return undefined
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
    // Confluent: one named version is the only previous schema, judged under the subject's level.
    const target = this.findVersion(subject, version, false)
    return checkCompatibility(level, parsed, [this.previous(target)])
  }

  /**
   * `?format=serialized`: a Protobuf schema as a base64 FileDescriptorProto, which Confluent's
   * clients ask for and parse; other types, and other formats, are answered as stored.
   */
  inFormat<T extends {schema: string; schemaType?: string; references?: VersionResponse['references']}>(r: T, format: string | null): T {
    if (format !== 'serialized' || r.schemaType !== 'PROTOBUF') return r
    return {...r, schema: serializedProto(r.schema, this.resolveReferences(r.references ?? []))}
  }

  // ---------- helpers ----------

  private toStored(req: SchemaRequest): StoredSchema {
    return {schemaType: req.schemaType, schema: this.parse(req).canonical, references: req.references}
  }

  parse(req: SchemaRequest): ParsedSchema {
    return parseSchema(req.schemaType, req.schema, this.resolveReferences(req.references))
  }

  previous(v: VersionEntry): PreviousVersion {
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

export function toValue(v: VersionEntry): SchemaValue {
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

/** The API's version object: the stored record without its tombstone flag. */
function toResponse(v: VersionEntry): VersionResponse {
  const {deleted: _deleted, ...response} = toValue(v)
  return response
}

/** A Protobuf schema's descriptor written back as .proto text: equal for equal schemas however they were written. */
function normalProto(text: string, refs: readonly ResolvedReference[]): string | undefined {
  return protoTextOfSerialized(serializedProto(text, refs))
}
