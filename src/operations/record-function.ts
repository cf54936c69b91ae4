/**
 * User code in a job: a module exporting `transform(record)` and/or `filter(record)`, or a filter
 * expression. Both see a view of the record whose key and value are decoded as the job's key and
 * value formats say (value-format.ts: a Buffer for `bytes`, the default; a string for `text`; the
 * parsed JSON for `json`), whose headers are the record's ordered list of `{key, value}` with
 * Buffer (or null) values, and whose offset and timestamp are decimal strings. A transform returns
 * the new record, null/undefined to drop it, or an array to fan out. Expressions are JavaScript
 * evaluated with `new Function`: they run with the user's own privileges, exactly like a transform
 * module they pass on the command line.
 */
import {isLosslessNumber} from './json-value.js'
import {decodeUtf8, parseJsonBytes} from './json-value.js'
import type {Headers, InputRecord, OutputHeader} from './record.js'
import {ValueDecodeError, type Codec} from './value-format.js'

export interface ViewHeader {
  key: string
  value: Buffer | Uint8Array | string | null
}

export interface RecordView {
  topic: string
  partition: number
  offset: string
  timestamp: string
  key: unknown
  value: unknown
  headers: ViewHeader[]
}

export type TransformFn = (record: RecordView) => RecordView | RecordView[] | null | undefined | Promise<RecordView | RecordView[] | null | undefined>
export type FilterFn = (record: RecordView) => boolean | Promise<boolean>

export interface RecordCodecs {
  readonly key: Codec
  readonly value: Codec
}

/** JSON without rounding (json-value.ts), or the text when the bytes are not JSON; kept for the derive jobs' version fields. */
export function decodeValue(value: Buffer | null): unknown {
  if (value === null) return null
  try {
    return parseJsonBytes(value)
  } catch {
    return value.toString('utf8')
  }
}

function viewHeaders(h: Headers): ViewHeader[] {
  const out: ViewHeader[] = new Array(h.length)
  for (let i = 0; i < h.length; i++) out[i] = {key: h[i]![0], value: h[i]![1]}
  return out
}

/** What the view was made from, so that fromView can tell an untouched key or value and write its original bytes. */
export interface DecodedRecord {
  readonly view: RecordView
  readonly key: unknown
  readonly value: unknown
}

export function toView(r: InputRecord, codecs: RecordCodecs, value: unknown = r.value === null ? null : codecs.value.decode(r.value)): DecodedRecord {
  const key = r.key === null ? null : codecs.key.decode(r.key)
  return {
    key, value,
    view: {topic: r.topic, partition: r.partition, offset: String(r.offset), timestamp: String(r.timestamp), key, value, headers: viewHeaders(r.headers)},
  }
}

/** Primitives and Buffers cannot have been changed behind an identical reference; objects (mutable JSON) can. */
function untouched(now: unknown, before: unknown): boolean {
  return now === before && (now === null || typeof now !== 'object' || Buffer.isBuffer(now) || isLosslessNumber(now))
}

function outputHeaders(h: unknown): OutputHeader[] {
  if (h === undefined || h === null) return []
  if (!Array.isArray(h)) throw new ValueDecodeError('the transform returned headers that are not an array of {key, value}')
  return h.map((e: unknown, i) => {
    const {key, value} = (e ?? {}) as {key?: unknown; value?: unknown}
    if (typeof key !== 'string') throw new ValueDecodeError(`header ${i} returned by the transform has no string key`)
    if (value === null || typeof value === 'string' || Buffer.isBuffer(value)) return [key, value] as const
    if (value instanceof Uint8Array) return [key, Buffer.from(value.buffer, value.byteOffset, value.byteLength)] as const
    throw new ValueDecodeError(`header '${key}' returned by the transform must be a Buffer, a string or null, not ${typeof value}`)
  })
}

function timestampOf(v: unknown, input: number): number {
  if (v === undefined || v === null) return input
  const n = typeof v === 'number' ? v : typeof v === 'string' && /^-?\d+$/.test(v) ? Number(v) : Number.NaN
  if (!Number.isSafeInteger(n) || n < -1) throw new ValueDecodeError(`the transform returned timestamp ${JSON.stringify(String(v))}, not milliseconds since the epoch`)
  return n
}

export interface EncodedRecord {
  readonly key: Buffer | null
  readonly value: Buffer | null
  readonly headers: readonly OutputHeader[]
  readonly timestamp: number
}

/**
 * A transform's record as bytes: an untouched key or value keeps the input's bytes (unless
 * `reencodeValue`: a schema upgrade writes every value with its new schema); the rest goes through
 * the codecs.
 */
export async function fromView(v: RecordView, from: DecodedRecord, r: InputRecord, codecs: RecordCodecs, reencodeValue = false): Promise<EncodedRecord> {
  const key = v.key === undefined || v.key === null ? null : untouched(v.key, from.key) ? r.key : await codecs.key.encode(v.key)
  const value = v.value === undefined || v.value === null ? null : !reencodeValue && untouched(v.value, from.value) ? r.value : await codecs.value.encode(v.value)
  const headers = v.headers === from.view.headers && sameHeaders(v.headers, r.headers) ? r.headers : outputHeaders(v.headers)
  return {key, value, headers, timestamp: timestampOf(v.timestamp, r.timestamp)}
}

function sameHeaders(view: readonly ViewHeader[], input: Headers): boolean {
  if (view.length !== input.length) return false
  for (let i = 0; i < view.length; i++) if (view[i]!.key !== input[i]![0] || view[i]!.value !== input[i]![1]) return false
  return true
}

export function normaliseTransformResult(result: RecordView | RecordView[] | null | undefined): RecordView[] {
  if (result === null || result === undefined) return []
  return Array.isArray(result) ? result : [result]
}

/** The text of the last header named `name` (strict UTF-8), null for a header without value, undefined when absent. */
export function headerText(headers: readonly ViewHeader[], name: string): string | null | undefined {
  for (let i = headers.length - 1; i >= 0; i--) {
    const h = headers[i]!
    if (h.key !== name) continue
    if (h.value === null || typeof h.value === 'string') return h.value
    return decodeUtf8(h.value, `header '${name}'`)
  }
  return undefined
}

export function compileFilterExpression(expr: string): FilterFn {
  let fn: (...args: unknown[]) => unknown
  try {
    fn = new Function('record', 'value', 'key', 'headers', 'header', `"use strict"; return (${expr});`) as (...args: unknown[]) => unknown
  } catch (e) {
    throw new SyntaxError(`filter expression does not parse: ${(e as Error).message}`)
  }
  return (r) => Boolean(fn(r, r.value, r.key, r.headers, (name: string) => headerText(r.headers, name)))
}
