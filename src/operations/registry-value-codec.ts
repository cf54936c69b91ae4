import type protobuf from 'protobufjs'
import {StreamctlError} from '../errors.js'
import type {SchemaType} from '../model/state.js'
import {RegistryResponseError, registryRequest, type RegistryConnection} from '../registry/client/http.js'
import {AvroResolution, decodeAvro, encodeAvro, parseAvroSchema, type AvroSchema} from './registry-formats/avro-format.js'
import type {FetchedSchema} from './registry-formats/format-schema.js'
import {decodeJson, encodeJson, parseJsonSchemaSchema, type JsonSchemaSchema} from './registry-formats/json-schema-format.js'
import {ProtoFieldError, checkProto, decodeProto, encodeProto, indexesOf, messageAt, parseProtoSchema, resolveProto, targetMessage, type ProtoSchema} from './registry-formats/protobuf-format.js'
import {WireFormatError, readHeader, readMessageIndexes, writeHeader} from './registry-formats/wire-format.js'

/**
 * Values in the Confluent wire format, decoded for a transform and encoded again: the job's record
 * stage calls `decode(bytes)` and hands `value` to the transform, then `encode(result, decoded)`
 * (the decoded record's context says which schema and message the value came from).
 *
 * - Each schema id is fetched from the registry once (one request per id and job, not per
 *   record); references are fetched once per subject version.
 * - With a target (`targetSchemaId`, or the latest version of `targetSubject`), every value is
 *   read into the target schema — Avro by reader/writer resolution (aliases rename, int → long and
 *   float → double widen, new fields take their defaults), Protobuf by field number with the same
 *   widenings — and written with the target's id. Without one, a value is written back with the
 *   schema it was written with.
 * - What cannot be decoded, or encoded with the target schema, is `{ok: false}` with the reason
 *   (and the field): the record is a dead letter. A registry that cannot be reached throws — an
 *   outage is not the record's fault.
 *
 * Why not @kafkajs/confluent-schema-registry's `decode`/`encode` (kept for the schema-upgrade
 * test's independent check): its Protobuf encoder writes no message indexes (Confluent's and
 * every other client's deserializers then misread the payload) and its decoder ignores them
 * (always the file's first message); with an Avro reader schema it parses that schema again and
 * builds a resolver for every record; and its long type rounds or throws beyond 2^53.
 */
export const REGISTRY_FORMATS = ['avro', 'protobuf', 'json-schema'] as const
export type RegistryFormat = (typeof REGISTRY_FORMATS)[number]

const SCHEMA_TYPE_OF: Record<RegistryFormat, SchemaType> = {avro: 'AVRO', protobuf: 'PROTOBUF', 'json-schema': 'JSON'}

export interface RegistryValueCodecOptions {
  readonly registry: RegistryConnection
  readonly format: RegistryFormat
  readonly targetSchemaId?: number
  readonly targetSubject?: string
}

/** Where a decoded value came from: its writer's schema id and, for Protobuf, the message's full name. */
export interface ValueContext {
  readonly schemaId: number
  readonly message?: string
}

export type Decoded = ({readonly ok: true; readonly value: unknown} & ValueContext) | {readonly ok: false; readonly reason: string}
export type Encoded = {readonly ok: true; readonly bytes: Buffer} | {readonly ok: false; readonly field: string; readonly reason: string}

export interface RegistryValueCodec {
  readonly format: RegistryFormat
  /** The schema id every value is written with, when a target is set. */
  readonly targetId: number | undefined
  decode(bytes: Buffer): Promise<Decoded>
  encode(value: unknown, from?: ValueContext): Promise<Encoded>
  /** Registry requests made so far (schemas by id, target, references). */
  readonly registryRequests: number
}

type Parsed = AvroSchema | ProtoSchema | JsonSchemaSchema
type Entry = {ok: true; schema: Parsed} | {ok: false; reason: string}

export async function createRegistryValueCodec(o: RegistryValueCodecOptions): Promise<RegistryValueCodec> {
  let requests = 0
  const get = <T>(path: string): Promise<T> => {
    requests++
    return registryRequest<T>(o.registry, 'GET', path)
  }
  const expected = SCHEMA_TYPE_OF[o.format]
  const byId = new Map<number, Promise<Entry>>()
  const refs = new Map<string, Promise<{schema: string; references?: RawRef[]}>>()

  const refVersion = (r: RawRef) => {
    const key = `${r.subject}\u0000${r.version}`
    let p = refs.get(key)
    if (!p) {
      p = get<{schema: string; references?: RawRef[]}>(`/subjects/${encodeURIComponent(r.subject)}/versions/${r.version}`)
      refs.set(key, p)
      p.catch(() => refs.delete(key))
    }
    return p
  }
  /** Referenced schemas, transitively, dependencies first, each once. */
  const resolveRefs = async (list: readonly RawRef[], seen = new Set<string>()): Promise<{name: string; schema: string}[]> => {
    const out: {name: string; schema: string}[] = []
    for (const r of list) {
      const key = `${r.subject}\u0000${r.version}`
      if (seen.has(key)) continue
      seen.add(key)
      const v = await refVersion(r)
      out.push(...(await resolveRefs(v.references ?? [], seen)), {name: r.name, schema: v.schema})
    }
    return out
  }
  const parse = async (id: number, raw: RawSchema): Promise<Entry> => {
    const schemaType = (raw.schemaType ?? 'AVRO') as SchemaType
    if (schemaType !== expected) return {ok: false, reason: `schema id ${id} is a ${schemaType} schema, not ${expected} (--value-format ${o.format})`}
    const fetched: FetchedSchema = {id, schemaType, schema: raw.schema, references: await resolveRefs(raw.references ?? [])}
    try {
      const schema = o.format === 'avro' ? parseAvroSchema(fetched) : o.format === 'protobuf' ? parseProtoSchema(fetched) : parseJsonSchemaSchema(fetched)
      return {ok: true, schema}
    } catch (err) {
      return {ok: false, reason: `schema id ${id} does not parse as ${expected}: ${(err as Error).message}`}
    }
  }
  const schema = (id: number, known?: RawSchema): Promise<Entry> => {
    let p = byId.get(id)
    if (!p) {
      p = (known ? Promise.resolve(known) : get<RawSchema>(`/schemas/ids/${id}`)).then(
        (raw) => parse(id, raw),
        (err: unknown) => {
          if (err instanceof RegistryResponseError && err.status === 404) return {ok: false, reason: `schema id ${id} is not in the registry of ${o.registry.environment}`} as Entry
          throw err
        },
      )
      byId.set(id, p)
      // An outage is not remembered: the next record asks again (the job stops on the throw anyway).
      p.catch(() => byId.delete(id))
    }
    return p
  }

  let target: Parsed | undefined
  if (o.targetSchemaId !== undefined || o.targetSubject !== undefined) {
    let id = o.targetSchemaId
    let known: RawSchema | undefined
    if (id === undefined) {
      const latest = await get<RawSchema & {id: number}>(`/subjects/${encodeURIComponent(o.targetSubject!)}/versions/latest`).catch((err: unknown) => {
        if (err instanceof RegistryResponseError && err.status === 404) {
          throw new StreamctlError('REGISTRY_ERROR', `subject '${o.targetSubject}' does not exist in the registry of ${o.registry.environment}`, {hint: 'register the target schema first (streamctl apply)'})
        }
        throw err
      })
      id = latest.id
      known = latest
    }
    const entry = await schema(id, known)
    if (!entry.ok) throw new StreamctlError('USAGE', `the target schema cannot be used: ${entry.reason}`, {hint: `choose a ${expected} schema for --to-subject / --to-schema-id, or another --value-format`})
    target = entry.schema
  }
  const avroResolution = new AvroResolution()

  return {
    format: o.format,
    targetId: target?.id,
    get registryRequests() {
      return requests
    },

    async decode(bytes) {
      let header
      try {
        header = readHeader(bytes)
      } catch (err) {
        return {ok: false, reason: (err as Error).message}
      }
      const entry = await schema(header.schemaId)
      if (!entry.ok) return entry
      try {
        if (o.format === 'avro') {
          return {ok: true, value: decodeAvro(bytes.subarray(header.offset), entry.schema as AvroSchema, target as AvroSchema | undefined, avroResolution), schemaId: header.schemaId}
        }
        if (o.format === 'protobuf') {
          const writer = entry.schema as ProtoSchema
          const {indexes, offset} = readMessageIndexes(bytes, header.offset)
          const type = messageAt(writer, indexes)
          let value = decodeProto(bytes.subarray(offset), type)
          let message: protobuf.Type = type
          if (target && target.id !== writer.id) {
            message = targetMessage(target as ProtoSchema, type)
            value = resolveProto(type, message, value)
          }
          return {ok: true, value, schemaId: header.schemaId, message: message.fullName.slice(1)}
        }
        return {ok: true, value: decodeJson(bytes.subarray(header.offset)), schemaId: header.schemaId}
      } catch (err) {
        if (err instanceof ProtoFieldError) return {ok: false, reason: `cannot read schema id ${header.schemaId} into the target schema ${target?.id}: ${err.message}`}
        const why = err instanceof WireFormatError ? err.message : `does not decode with schema id ${header.schemaId}: ${(err as Error).message}`
        return {ok: false, reason: `${o.format} value ${why}`}
      }
    },

    async encode(value, from) {
      let s = target
      if (!s) {
        if (!from) return {ok: false, field: '(the value)', reason: 'no target schema and no source schema to encode with'}
        const entry = await schema(from.schemaId)
        if (!entry.ok) return {ok: false, field: '(the value)', reason: entry.reason}
        s = entry.schema
      }
      if (o.format === 'avro') {
        const r = encodeAvro(value, s as AvroSchema)
        return r.ok ? {ok: true, bytes: writeHeader(s.id, r.payload)} : r
      }
      if (o.format === 'protobuf') {
        const ps = s as ProtoSchema
        const type = (from?.message ? lookupMessage(ps, from.message) : undefined) ?? ps.top[0]!
        const problem = checkProto(type, value)
        if (problem) return {ok: false, ...problem}
        try {
          return {ok: true, bytes: writeHeader(s.id, encodeProto(type, value as Record<string, unknown>), indexesOf(ps, type))}
        } catch (err) {
          return {ok: false, field: '(the value)', reason: (err as Error).message}
        }
      }
      const r = encodeJson(value, s as JsonSchemaSchema)
      return r.ok ? {ok: true, bytes: writeHeader(s.id, r.payload)} : r
    },
  }
}

function lookupMessage(s: ProtoSchema, name: string): protobuf.Type | undefined {
  try {
    const t = s.root.lookupType(name)
    indexesOf(s, t)
    return t
  } catch {
    return undefined
  }
}

interface RawRef {
  name: string
  subject: string
  version: number
}
interface RawSchema {
  schema: string
  schemaType?: string
  references?: RawRef[]
}
