/**
 * User code in a job: a module exporting `transform(record)` and/or `filter(record)`, or a filter
 * expression. Both see a decoded view of the record: `value` is the parsed JSON (or the text when it
 * is not JSON), `key` a string or null. A transform returns the new record, null/undefined to drop
 * it, or an array to fan out. Expressions are JavaScript evaluated with `new Function`: they run
 * with the user's own privileges, exactly like a transform module they pass on the command line.
 */
import type {Headers, InputRecord} from './record.js'

export interface RecordView {
  topic: string
  partition: number
  offset: string
  timestamp: string
  key: string | null
  value: unknown
  headers: Record<string, string | undefined>
}

export type TransformFn = (record: RecordView) => RecordView | RecordView[] | null | undefined | Promise<RecordView | RecordView[] | null | undefined>
export type FilterFn = (record: RecordView) => boolean | Promise<boolean>

export function decodeValue(value: Buffer | null): unknown {
  if (value === null) return null
  const text = value.toString('utf8')
  try {
    return JSON.parse(text)
  } catch {
    return text
  }
}

export function encodeValue(value: unknown): string | null {
  if (value === null || value === undefined) return null
  return typeof value === 'string' ? value : JSON.stringify(value)
}

function headerText(h: Headers): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {}
  for (const [k, v] of Object.entries(h)) out[k] = v === undefined || v === null ? undefined : v.toString()
  return out
}

export function toView(r: InputRecord): RecordView {
  return {
    // Strings, as kafkajs gave them: what transform modules have always been handed.
    topic: r.topic, partition: r.partition, offset: String(r.offset), timestamp: String(r.timestamp),
    key: r.key === null ? null : r.key.toString('utf8'), value: decodeValue(r.value), headers: headerText(r.headers),
  }
}

export function normaliseTransformResult(result: RecordView | RecordView[] | null | undefined): RecordView[] {
  if (result === null || result === undefined) return []
  return Array.isArray(result) ? result : [result]
}

export function compileFilterExpression(expr: string): FilterFn {
  let fn: (...args: unknown[]) => unknown
  try {
    fn = new Function('record', 'value', 'key', 'headers', `"use strict"; return (${expr});`) as (...args: unknown[]) => unknown
  } catch (e) {
    throw new SyntaxError(`filter expression does not parse: ${(e as Error).message}`)
  }
  return (r) => Boolean(fn(r, r.value, r.key, r.headers))
}
