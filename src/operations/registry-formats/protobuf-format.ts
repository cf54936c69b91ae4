import protobuf from 'protobufjs'
import {parseSchema} from '../../registry/parse-schema.js'
import type {FetchedSchema, FormatSchema} from './format-schema.js'

/**
 * Protobuf values of the registry: the message type is named by the message-index path through
 * the schema file's messages (declaration order, nested messages under their parent), the payload
 * is the plain Protobuf encoding. A transform sees `toObject` of the message with every field
 * (defaults included), 64-bit integers as numbers while exact and bigints beyond 2^53, enums by
 * name, bytes as Buffers. Encoding writes what Protobuf's own encoders write: fields in number
 * order, proto3 fields without presence left out at their default.
 */
export interface ProtoSchema extends FormatSchema {
  readonly root: protobuf.Root
  /** The main file's top-level messages, in declaration order (message index [i]). */
  readonly top: readonly protobuf.Type[]
}

export type ProtoProblem = {field: string; reason: string}

export function parseProtoSchema(s: FetchedSchema): ProtoSchema {
  // The registry's parser: the same reading of imports, well-known types and references as registration.
  const parsed = parseSchema('PROTOBUF', s.schema, s.references.map((r) => ({name: r.name, schemaType: 'PROTOBUF' as const, schema: r.schema})))
  if (parsed.schemaType !== 'PROTOBUF') throw new Error('not a Protobuf schema')
  const mainTypes = new Set(parsed.main.typeNames)
  const top: protobuf.Type[] = []
  for (const name of parsed.main.typeNames) {
    const t = parsed.root.lookup(name)
    if (t instanceof protobuf.Type && !(t.parent instanceof protobuf.Type) && mainTypes.has(name)) top.push(t)
  }
  if (top.length === 0) throw new Error('the Protobuf schema declares no message')
  return {id: s.id, root: parsed.root, top}
}

export function messageAt(schema: ProtoSchema, indexes: readonly number[]): protobuf.Type {
  let list: readonly protobuf.Type[] = schema.top
  let type: protobuf.Type | undefined
  for (const i of indexes) {
    type = list[i]
    if (!type) throw new Error(`message index ${indexes.join('.')} names no message of schema ${schema.id} (it has ${list.length} at that level)`)
    list = nestedMessages(type)
  }
  if (!type) throw new Error('empty message-index path')
  return type
}

export function indexesOf(schema: ProtoSchema, type: protobuf.Type): number[] {
  const path: number[] = []
  for (let t: protobuf.Type = type; ; t = t.parent as protobuf.Type) {
    const siblings = t.parent instanceof protobuf.Type ? nestedMessages(t.parent) : schema.top
    const i = siblings.indexOf(t)
    if (i < 0) throw new Error(`message ${t.fullName.slice(1)} is not declared by schema ${schema.id}`)
    path.unshift(i)
    if (!(t.parent instanceof protobuf.Type)) return path
  }
}

function nestedMessages(t: protobuf.Type): protobuf.Type[] {
  return t.nestedArray.filter((n): n is protobuf.Type => n instanceof protobuf.Type)
}

/** The target message for a writer's message: the one of the same name, else the first (as Confluent's deserializers pick). */
export function targetMessage(target: ProtoSchema, writerType: protobuf.Type): protobuf.Type {
  return target.top.find((t) => t.name === writerType.name) ?? target.top[0]!
}

export function decodeProto(payload: Buffer, type: protobuf.Type): Record<string, unknown> {
  const msg = type.decode(payload)
  const obj = type.toObject(msg, {longs: String, enums: String, defaults: true, arrays: true, objects: true})
  return exactLongs(type, obj)
}

function exactLongs(type: protobuf.Type, obj: Record<string, unknown>): Record<string, unknown> {
  for (const f of type.fieldsArray) {
    const v = obj[f.name]
    if (v === undefined || v === null) continue
    const one = (x: unknown): unknown => (f.long ? toExact(x) : f.resolvedType instanceof protobuf.Type ? exactLongs(f.resolvedType, x as Record<string, unknown>) : x)
    if (f.map) obj[f.name] = Object.fromEntries(Object.entries(v as object).map(([k, x]) => [k, one(x)]))
    else if (f.repeated) obj[f.name] = (v as unknown[]).map(one)
    else obj[f.name] = one(v)
  }
  return obj
}

function toExact(x: unknown): unknown {
  if (typeof x !== 'string') return x
  const b = BigInt(x)
  return b >= BigInt(Number.MIN_SAFE_INTEGER) && b <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(b) : b
}

/** A field that does not fit: thrown while walking a message, turned into a dead letter naming it. */
export class ProtoFieldError extends Error {
  constructor(readonly field: string, readonly reason: string) {
    super(`field '${field}': ${reason}`)
  }
}

/**
 * A writer's object moved into the target message by field number: a renamed field keeps its
 * number; int32 → int64 and float → double widen; a field the target lacks is dropped (as an
 * unknown field would be by a reader of the target type); an incompatible kind throws
 * ProtoFieldError.
 */
export function resolveProto(writer: protobuf.Type, target: protobuf.Type, obj: Record<string, unknown>, path = ''): Record<string, unknown> {
  if (writer === target) return obj
  const out: Record<string, unknown> = {}
  for (const wf of writer.fieldsArray) {
    const v = obj[wf.name]
    const tf = target.fieldsById[wf.id]
    if (!tf || v === undefined || v === null) continue
    const where = `${path}${tf.name}`
    if (Boolean(wf.map) !== Boolean(tf.map) || wf.repeated !== tf.repeated) throw new ProtoFieldError(where, `field ${wf.id} is ${kind(wf)} in the writer's schema but ${kind(tf)} in the target's`)
    const one = (x: unknown): unknown => {
      if (wf.resolvedType instanceof protobuf.Type) {
        if (!(tf.resolvedType instanceof protobuf.Type)) throw new ProtoFieldError(where, `field ${wf.id} is a message in the writer's schema but ${tf.type} in the target's`)
        return resolveProto(wf.resolvedType, tf.resolvedType, x as Record<string, unknown>, `${where}.`)
      }
      if (wf.resolvedType instanceof protobuf.Enum || tf.resolvedType instanceof protobuf.Enum) {
        if (!(wf.resolvedType instanceof protobuf.Enum && tf.resolvedType instanceof protobuf.Enum)) throw new ProtoFieldError(where, `field ${wf.id} is ${wf.type} in the writer's schema and ${tf.type} in the target's`)
        return x
      }
      if (!widens(wf.type, tf.type)) throw new ProtoFieldError(where, `field ${wf.id} is ${wf.type} in the writer's schema and ${tf.type} in the target's, which cannot hold it`)
      return x
    }
    if (wf.map) out[tf.name] = Object.fromEntries(Object.entries(v as object).map(([k, x]) => [k, one(x)]))
    else if (wf.repeated) out[tf.name] = (v as unknown[]).map(one)
    else out[tf.name] = one(v)
  }
  return out
}

const kind = (f: protobuf.Field): string => (f.map ? 'a map' : f.repeated ? 'repeated' : 'singular')

const WIDENINGS: Record<string, readonly string[]> = {
  int32: ['int64'], uint32: ['uint64', 'int64'], sint32: ['sint64'], float: ['double'], fixed32: ['fixed64'], sfixed32: ['sfixed64'],
}
function widens(from: string, to: string): boolean {
  return from === to || (WIDENINGS[from]?.includes(to) ?? false)
}

const RANGES: Record<string, readonly [bigint, bigint]> = {
  int32: [-(2n ** 31n), 2n ** 31n - 1n], sint32: [-(2n ** 31n), 2n ** 31n - 1n], sfixed32: [-(2n ** 31n), 2n ** 31n - 1n],
  uint32: [0n, 2n ** 32n - 1n], fixed32: [0n, 2n ** 32n - 1n],
  int64: [-(2n ** 63n), 2n ** 63n - 1n], sint64: [-(2n ** 63n), 2n ** 63n - 1n], sfixed64: [-(2n ** 63n), 2n ** 63n - 1n],
  uint64: [0n, 2n ** 64n - 1n], fixed64: [0n, 2n ** 64n - 1n],
}

/** The first field of `obj` that the message cannot hold, named by its path. */
export function checkProto(type: protobuf.Type, obj: unknown, path = ''): ProtoProblem | undefined {
  if (typeof obj !== 'object' || obj === null || Array.isArray(obj)) return {field: path.replace(/\.$/, '') || '(the value)', reason: `expected an object for message ${type.fullName.slice(1)}, got ${describe(obj)}`}
  for (const [key, v] of Object.entries(obj)) {
    const f = type.fields[key]
    const where = `${path}${key}`
    if (!f) return {field: where, reason: `message ${type.fullName.slice(1)} has no field '${key}'`}
    if (v === undefined || v === null) continue
    if (f.map) {
      if (typeof v !== 'object' || Array.isArray(v)) return {field: where, reason: `expected an object (a map), got ${describe(v)}`}
      for (const [k, x] of Object.entries(v)) {
        const p = checkScalar(f, x, `${where}.${k}`)
        if (p) return p
      }
    } else if (f.repeated) {
      if (!Array.isArray(v)) return {field: where, reason: `expected an array (repeated ${f.type}), got ${describe(v)}`}
      for (let i = 0; i < v.length; i++) {
        const p = checkScalar(f, v[i], `${where}[${i}]`)
        if (p) return p
      }
    } else {
      const p = checkScalar(f, v, where)
      if (p) return p
    }
  }
  for (const o of type.oneofsArray) {
    const set = o.oneof.filter((n) => (obj as Record<string, unknown>)[n] !== undefined && (obj as Record<string, unknown>)[n] !== null)
    if (set.length > 1) return {field: `${path}${set[1]}`, reason: `oneof ${o.name} can hold one of ${set.join(', ')}, not both`}
  }
  return undefined
}

function checkScalar(f: protobuf.Field, v: unknown, where: string): ProtoProblem | undefined {
  const rt = f.resolvedType
  if (rt instanceof protobuf.Type) return checkProto(rt, v, `${where}.`)
  if (rt instanceof protobuf.Enum) {
    if (typeof v === 'string' && v in rt.values) return undefined
    if (typeof v === 'number' && Number.isInteger(v) && v >= -(2 ** 31) && v < 2 ** 31) return undefined
    return {field: where, reason: `${describe(v)} is not a value of enum ${rt.fullName.slice(1)} (${Object.keys(rt.values).join(', ')})`}
  }
  const range = RANGES[f.type]
  if (range) {
    let b: bigint | undefined
    if (typeof v === 'number' && Number.isInteger(v)) b = BigInt(v)
    else if (typeof v === 'bigint') b = v
    else if (typeof v === 'string' && f.long && /^-?\d+$/.test(v)) b = BigInt(v)
    if (b === undefined || (typeof v === 'number' && !Number.isSafeInteger(v))) return {field: where, reason: `${describe(v)} is not an exact integer (${f.type})`}
    if (b < range[0] || b > range[1]) return {field: where, reason: `${describe(v)} is out of the range of ${f.type}`}
    return undefined
  }
  const ok = {double: typeof v === 'number', float: typeof v === 'number', bool: typeof v === 'boolean', string: typeof v === 'string', bytes: v instanceof Uint8Array || typeof v === 'string'}[f.type as 'double']
  return ok ? undefined : {field: where, reason: `${describe(v)} is not a valid ${f.type}`}
}

export function encodeProto(type: protobuf.Type, obj: Record<string, unknown>): Uint8Array {
  const msg = type.fromObject(longsForProtobufjs(type, obj))
  stripImplicitDefaults(type, msg as unknown as Record<string, unknown>)
  return type.encode(msg).finish()
}

/** bigints as decimal strings, which protobufjs reads into its Long exactly. */
function longsForProtobufjs(type: protobuf.Type, obj: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {...obj}
  for (const f of type.fieldsArray) {
    const v = out[f.name]
    if (v === undefined || v === null) continue
    const one = (x: unknown): unknown => (typeof x === 'bigint' ? x.toString() : f.resolvedType instanceof protobuf.Type && x && typeof x === 'object' ? longsForProtobufjs(f.resolvedType, x as Record<string, unknown>) : x)
    if (f.map) out[f.name] = Object.fromEntries(Object.entries(v as object).map(([k, x]) => [k, one(x)]))
    else if (f.repeated) out[f.name] = (v as unknown[]).map(one)
    else out[f.name] = one(v)
  }
  return out
}

/** Proto3 fields without presence are not written at their default, by Protobuf's own encoders. */
function stripImplicitDefaults(type: protobuf.Type, msg: Record<string, unknown>): void {
  for (const f of type.fieldsArray) {
    const v = msg[f.name]
    if (v === undefined || v === null) continue
    if (f.resolvedType instanceof protobuf.Type) {
      const nested = f.resolvedType
      if (f.map) for (const x of Object.values(v as object)) stripImplicitDefaults(nested, x as Record<string, unknown>)
      else if (f.repeated) for (const x of v as unknown[]) stripImplicitDefaults(nested, x as Record<string, unknown>)
      else stripImplicitDefaults(nested, v as Record<string, unknown>)
      continue
    }
    if (f.repeated || f.map || f.hasPresence) continue
    if (isDefault(v)) delete msg[f.name]
  }
}

function isDefault(v: unknown): boolean {
  if (v === 0 || v === '' || v === false) return true
  if (v instanceof Uint8Array) return v.length === 0
  if (typeof v === 'object' && v !== null && 'low' in v && 'high' in v) return (v as {low: number}).low === 0 && (v as {high: number}).high === 0
  return false
}

function describe(v: unknown): string {
  if (v === undefined) return 'a missing value'
  if (typeof v === 'bigint') return `${v}`
  if (v instanceof Uint8Array) return `${v.length} bytes`
  const s = JSON.stringify(v)
  return s === undefined ? String(v) : s.length > 60 ? `${s.slice(0, 60)}…` : s
}
