import avro from 'avsc'
import type {FetchedSchema, FormatSchema} from './format-schema.js'

const INT64_MIN = -(2n ** 63n)
const INT64_MAX = 2n ** 63n - 1n
const SAFE_MIN = BigInt(Number.MIN_SAFE_INTEGER)
const SAFE_MAX = BigInt(Number.MAX_SAFE_INTEGER)

/**
 * Avro `long`s as a JS number while exact, as a bigint beyond 2^53: never rounded. avsc's own long
 * type throws on such values, which would dead-letter records that are perfectly valid.
 */
const exactLong = avro.types.LongType.__with({
  fromBuffer: (buf: Buffer) => {
    const b = buf.readBigInt64LE()
    return b >= SAFE_MIN && b <= SAFE_MAX ? Number(b) : b
  },
  toBuffer: (n: number | bigint) => {
    const buf = Buffer.alloc(8)
    buf.writeBigInt64LE(BigInt(n))
    return buf
  },
  fromJSON: (x: unknown) => x,
  toJSON: (x: number | bigint) => (typeof x === 'bigint' ? Number(x) : x),
  isValid: (n: unknown) => (typeof n === 'number' && Number.isSafeInteger(n)) || (typeof n === 'bigint' && n >= INT64_MIN && n <= INT64_MAX),
  compare: (a: number | bigint, b: number | bigint) => (BigInt(a) < BigInt(b) ? -1 : BigInt(a) > BigInt(b) ? 1 : 0),
})

export interface AvroSchema extends FormatSchema {
  readonly type: avro.Type
}

export function parseAvroSchema(s: FetchedSchema): AvroSchema {
  const registry: Record<string, avro.Type> = {long: exactLong}
  // Referenced schemas define named types the main schema uses by name: parse them first.
  for (const ref of s.references) avro.Type.forSchema(JSON.parse(ref.schema) as avro.Schema, {registry})
  const type = avro.Type.forSchema(JSON.parse(s.schema) as avro.Schema, {registry})
  return {id: s.id, type}
}

/** Resolvers from a writer schema into the target one, made once per (writer, target) pair. */
export class AvroResolution {
  private readonly resolvers = new Map<number, avro.Resolver | 'same'>()

  resolver(writer: AvroSchema, target: AvroSchema): avro.Resolver | 'same' {
    let r = this.resolvers.get(writer.id)
    if (!r) {
      r = writer.id === target.id ? 'same' : target.type.createResolver(writer.type)
      this.resolvers.set(writer.id, r)
    }
    return r
  }
}

/** The payload read with the writer's schema, resolved into the target's (aliases, promotions, defaults). */
export function decodeAvro(payload: Buffer, writer: AvroSchema, target: AvroSchema | undefined, resolution: AvroResolution): unknown {
  if (!target || target.id === writer.id) return writer.type.fromBuffer(payload)
  const r = resolution.resolver(writer, target)
  return r === 'same' ? target.type.fromBuffer(payload) : target.type.fromBuffer(payload, r)
}

/** Encodes, or names the first field that does not fit the schema (and why). */
export function encodeAvro(value: unknown, schema: AvroSchema): {ok: true; payload: Buffer} | {ok: false; field: string; reason: string} {
  const problems: {path: string; value: unknown; type: string}[] = []
  schema.type.isValid(value, {errorHook: (path: string[], v: unknown, t: avro.Type) => problems.push({path: path.join('.'), value: v, type: typeName(t)})})
  if (problems.length > 0) {
    const p = problems[0]!
    return {ok: false, field: p.path || '(the value)', reason: `${describe(p.value)} is not a valid ${p.type}`}
  }
  return {ok: true, payload: schema.type.toBuffer(value)}
}

function typeName(t: avro.Type): string {
  const name = t.typeName.replace(/^abstract:/, '')
  return t.name ? `${name} ${t.name}` : name
}

function describe(v: unknown): string {
  if (v === undefined) return 'a missing value'
  if (typeof v === 'bigint') return `${v}`
  try {
    const s = JSON.stringify(v)
    return s === undefined ? String(v) : s.length > 60 ? `${s.slice(0, 60)}…` : s
  } catch {
    return String(v)
  }
}
