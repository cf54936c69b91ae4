import {StreamctlError} from '../errors.js'
import {registryRequest, type RegistryConnection} from '../registry/client/http.js'
import {RegistryClient} from '../registry/client/registry-client.js'
import {createRegistryValueCodec, type RegistryFormat, type RegistryValueCodec, type ValueContext} from './registry-value-codec.js'

/**
 * Registry-encoded values in migrate (`--value-format avro|protobuf|json-schema`, and the schema
 * upgrade `--to-subject` / `--to-schema-id`): each value (Confluent wire format) is decoded with
 * the schema it was written with — resolved into the target schema when there is one — handed to
 * the filter/transform as an object, and encoded again (with the target's id, or the writer's
 * when there is no target). Tombstones stay tombstones. A value that does not decode, or does not
 * fit the target, throws a record error naming the field: the record is a dead letter.
 * The codec itself is registry-value-codec.ts; this is migrate's view of it.
 */
export interface SchemaUpgradeOptions {
  readonly registry: RegistryConnection
  /** The values' format; without it, the target schema's type decides. */
  readonly format?: RegistryFormat
  /** The target: a schema id, or the latest version of a subject. */
  readonly toSchemaId?: number
  readonly toSubject?: string
}

export interface SchemaUpgrade {
  readonly format: RegistryFormat
  readonly targetId: number | undefined
  decode(value: Buffer | null): Promise<{value: unknown; from?: ValueContext}>
  encode(value: unknown, from?: ValueContext): Promise<Buffer | null>
  /** Registry requests made so far: one per schema id met, not one per record. */
  readonly registryRequests: number
}

/** A value this record's schema cannot read or the target cannot hold (dead letter, never retried). */
export class RegistryValueError extends Error {}

const FORMAT_OF_TYPE: Record<string, RegistryFormat> = {AVRO: 'avro', PROTOBUF: 'protobuf', JSON: 'json-schema'}

export async function createSchemaUpgrade(o: SchemaUpgradeOptions): Promise<SchemaUpgrade> {
  let format = o.format
  let toSchemaId = o.toSchemaId
  if (!format) {
    if (toSchemaId === undefined) {
      if (!o.toSubject) throw new StreamctlError('USAGE', 'registry values need a format or a target schema', {hint: 'pass --value-format avro|protobuf|json-schema, or --to-subject SUBJECT / --to-schema-id N'})
      const latest = await new RegistryClient(o.registry).latest(o.toSubject)
      if (!latest) throw new StreamctlError('REGISTRY_ERROR', `subject '${o.toSubject}' does not exist in the registry of ${o.registry.environment}`, {hint: 'register the new schema version first (streamctl apply)'})
      toSchemaId = latest.id
      format = FORMAT_OF_TYPE[latest.schemaType]!
    } else {
      const target = await registryRequest<{schemaType?: string}>(o.registry, 'GET', `/schemas/ids/${toSchemaId}`)
      format = FORMAT_OF_TYPE[target.schemaType ?? 'AVRO']!
    }
  }
  const codec: RegistryValueCodec = await createRegistryValueCodec({
    registry: o.registry, format, ...(toSchemaId !== undefined ? {targetSchemaId: toSchemaId} : o.toSubject ? {targetSubject: o.toSubject} : {}),
  })
  return {
    format,
    targetId: codec.targetId,
    get registryRequests() {
      return codec.registryRequests
    },
    async decode(value) {
      if (value === null) return {value: null}
      const d = await codec.decode(value)
      if (!d.ok) throw new RegistryValueError(d.reason)
      return {value: d.value, from: {schemaId: d.schemaId, ...(d.message ? {message: d.message} : {})}}
    },
    async encode(value, from) {
      if (value === null || value === undefined) return null
      const e = await codec.encode(value, from)
      if (!e.ok) throw new RegistryValueError(`value cannot be encoded with schema id ${codec.targetId ?? from?.schemaId}: field '${e.field}': ${e.reason}`)
      return e.bytes
    },
  }
}
