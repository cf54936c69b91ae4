import type {CompatibilityLevel, SchemaReference, SchemaType} from '../../model/state.js'
import {RegistryResponseError, registryRequest, splitUserInfo, type RegistryConnection} from './http.js'

/**
 * A small typed client for the Confluent Schema Registry REST API (also served by Karapace,
 * Apicurio's ccompat API, Redpanda and our dev registry). Plain fetch rather than
 * @kafkajs/confluent-schema-registry: that library covers register/encode/decode, but not the
 * admin endpoints reconcile needs (per-subject config without falling back to the global level,
 * lookup with the version, `verbose` compatibility checks, mode).
 */

export interface RegisteredSchema {
  readonly subject: string
  readonly id: number
  readonly version: number
  readonly schemaType: SchemaType
  readonly schema: string
  readonly references: readonly SchemaReference[]
}

export interface SchemaInput {
  readonly schemaType: SchemaType
  readonly schema: string
  readonly references: readonly SchemaReference[]
}

export interface CompatibilityVerdict {
  readonly compatible: boolean
  readonly messages: readonly string[]
}

/** Confluent error codes the client turns into "absent" answers. */
export const SUBJECT_NOT_FOUND = 40401
export const VERSION_NOT_FOUND = 40402
export const SCHEMA_NOT_FOUND = 40403
export const SUBJECT_LEVEL_COMPATIBILITY_NOT_CONFIGURED = 40408
export const INVALID_SCHEMA = 42201

const seg = (s: string) => encodeURIComponent(s)

/** Registries leave `schemaType` out for AVRO and `references` out when empty. */
function body(s: SchemaInput): Record<string, unknown> {
  return {
    schema: s.schema,
    ...(s.schemaType === 'AVRO' ? {} : {schemaType: s.schemaType}),
    ...(s.references.length ? {references: s.references.map((r) => ({name: r.name, subject: r.subject, version: r.version}))} : {}),
  }
}

interface RawSchema {subject: string; id: number; version: number; schemaType?: SchemaType; schema: string; references?: SchemaReference[]}
const toRegistered = (r: RawSchema): RegisteredSchema => ({
  subject: r.subject, id: r.id, version: r.version, schemaType: r.schemaType ?? 'AVRO', schema: r.schema, references: r.references ?? [],
})

async function orAbsent<T>(p: Promise<T>, codes: readonly number[]): Promise<T | undefined> {
  try {
    return await p
  } catch (error) {
    if (error instanceof RegistryResponseError && codes.includes(error.errorCode)) return undefined
    throw error
  }
}

export class RegistryClient {
  constructor(readonly connection: RegistryConnection) {}

  /** The url without any credentials in it: safe to show. */
  get url(): string {
    return splitUserInfo(this.connection.url).base
  }

  subjects(): Promise<string[]> {
    return registryRequest<string[]>(this.connection, 'GET', '/subjects')
  }

  /** The latest live version, or undefined when the subject does not exist. */
  async latest(subject: string): Promise<RegisteredSchema | undefined> {
    const r = await orAbsent(registryRequest<RawSchema>(this.connection, 'GET', `/subjects/${seg(subject)}/versions/latest`), [SUBJECT_NOT_FOUND, VERSION_NOT_FOUND])
    return r && toRegistered(r)
  }

  /** Live version numbers, oldest first. */
  versions(subject: string): Promise<number[]> {
    return registryRequest<number[]>(this.connection, 'GET', `/subjects/${seg(subject)}/versions`)
  }

  async version(subject: string, version: number): Promise<RegisteredSchema> {
    return toRegistered(await registryRequest<RawSchema>(this.connection, 'GET', `/subjects/${seg(subject)}/versions/${version}`))
  }

  /** Registers (or finds, when identical) a version; returns the schema id. */
  async register(subject: string, schema: SchemaInput): Promise<number> {
    const r = await registryRequest<{id: number}>(this.connection, 'POST', `/subjects/${seg(subject)}/versions`, body(schema))
    return r.id
  }

  /** The version of `subject` holding exactly this schema, or undefined. */
  async lookup(subject: string, schema: SchemaInput): Promise<RegisteredSchema | undefined> {
    const r = await orAbsent(registryRequest<RawSchema>(this.connection, 'POST', `/subjects/${seg(subject)}`, body(schema)), [SUBJECT_NOT_FOUND, SCHEMA_NOT_FOUND])
    return r && toRegistered(r)
  }

  /** The subject's own compatibility level; undefined when it has none (40408: the global level applies). */
  async subjectCompatibility(subject: string): Promise<CompatibilityLevel | undefined> {
    const r = await orAbsent(
      registryRequest<{compatibilityLevel?: CompatibilityLevel; compatibility?: CompatibilityLevel}>(this.connection, 'GET', `/config/${seg(subject)}`),
      [SUBJECT_LEVEL_COMPATIBILITY_NOT_CONFIGURED, SUBJECT_NOT_FOUND],
    )
    // Confluent answers GET with `compatibilityLevel`, PUT with `compatibility`.
    return r?.compatibilityLevel ?? r?.compatibility
  }

  async setSubjectCompatibility(subject: string, level: CompatibilityLevel): Promise<void> {
    await registryRequest(this.connection, 'PUT', `/config/${seg(subject)}`, {compatibility: level})
  }

  async globalCompatibility(): Promise<CompatibilityLevel> {
    const r = await registryRequest<{compatibilityLevel: CompatibilityLevel}>(this.connection, 'GET', '/config')
    return r.compatibilityLevel
  }

  /**
   * Checks `schema` under the subject's level, with the registry's reasons (`verbose=true`):
   * against the latest version (`latest`), one numbered version, or every live version (`all`,
   * `POST /compatibility/subjects/{s}/versions`: the check registration makes, so `*_TRANSITIVE`
   * levels look at each version). An empty or missing subject is compatible; invalid schema text
   * fails with error 42201 (a RegistryResponseError).
   */
  async checkCompatibility(subject: string, schema: SchemaInput, against: 'latest' | 'all' | number = 'latest'): Promise<CompatibilityVerdict> {
    const path = against === 'all' ? `/compatibility/subjects/${seg(subject)}/versions` : `/compatibility/subjects/${seg(subject)}/versions/${against}`
    const r = await orAbsent(
      registryRequest<{is_compatible: boolean; messages?: string[]}>(this.connection, 'POST', `${path}?verbose=true`, body(schema)),
      [SUBJECT_NOT_FOUND, VERSION_NOT_FOUND],
    )
    return r === undefined ? {compatible: true, messages: []} : {compatible: r.is_compatible, messages: r.messages ?? []}
  }

  async mode(subject?: string): Promise<string> {
    const r = await registryRequest<{mode: string}>(this.connection, 'GET', subject === undefined ? '/mode' : `/mode/${seg(subject)}?defaultToGlobal=true`)
    return r.mode
  }
}
