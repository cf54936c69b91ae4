import {SchemaRegistry, SchemaType} from '@kafkajs/confluent-schema-registry'
import {StreamctlError} from '../errors.js'
import {registryRequest, type RegistryConnection} from '../registry/client/http.js'
import {RegistryClient} from '../registry/client/registry-client.js'

/**
 * Schema upgrade for migrate: each value (Confluent wire format: magic 0, 4-byte schema id,
 * payload) is decoded with the schema it was written with and re-encoded with the target schema.
 * For Avro the old record is *resolved* into the new schema (avsc reader/writer resolution: new
 * fields take their defaults, removed fields are dropped), so a BACKWARD-compatible new version
 * always works; JSON Schema and Protobuf values are re-encoded as they decode (and validated).
 * A value that is not in wire format or does not fit the target is a record error (dead letter).
 */
export interface SchemaUpgradeOptions {
  readonly registry: RegistryConnection
  /** The target: a schema id, or the latest version of a subject. */
  readonly toSchemaId?: number
  readonly toSubject?: string
}

export interface SchemaUpgrade {
  readonly targetId: number
  decode(value: Buffer | null): Promise<unknown>
  encode(value: unknown): Promise<Buffer>
}

export async function createSchemaUpgrade(o: SchemaUpgradeOptions): Promise<SchemaUpgrade> {
  let targetId = o.toSchemaId
  if (targetId === undefined) {
    if (!o.toSubject) throw new StreamctlError('USAGE', 'schema upgrade needs a target schema id or subject', {hint: 'pass --to-schema-id N or --to-subject SUBJECT'})
    const latest = await new RegistryClient(o.registry).latest(o.toSubject)
    if (!latest) throw new StreamctlError('REGISTRY_ERROR', `subject '${o.toSubject}' does not exist in the registry of ${o.registry.environment}`, {hint: 'register the new schema version first (streamctl apply)'})
    targetId = latest.id
  }
  const target = await registryRequest<{schema: string; schemaType?: string}>(o.registry, 'GET', `/schemas/ids/${targetId}`)
  const type = target.schemaType ?? 'AVRO'
  const auth = o.registry.username && o.registry.password ? {username: o.registry.username, password: o.registry.password.reveal()} : undefined
  const registry = new SchemaRegistry({host: o.registry.url, ...(auth ? {auth} : {})})
  const readerSchema = type === 'AVRO' ? JSON.parse(target.schema) : undefined
  const id = targetId
  return {
    targetId: id,
    async decode(value) {
      if (value === null) return null
      if (value.length < 5 || value[0] !== 0) throw new Error('value is not in the schema registry wire format (magic byte 0 + schema id)')
      return registry.decode(value, readerSchema ? {[SchemaType.AVRO]: {readerSchema}} : undefined)
    },
    encode(value) {
      return registry.encode(id, value)
    },
  }
}
