import {Ajv2020} from 'ajv/dist/2020.js'
import AjvDraft7, {type ErrorObject, type ValidateFunction} from 'ajv'
import {isInteger, isSafeNumber, parse, stringify} from 'lossless-json'
import type {FetchedSchema, FormatSchema} from './format-schema.js'

/**
 * JSON Schema values of the registry: the payload is UTF-8 JSON. It is read losslessly (an
 * integer beyond 2^53 becomes a bigint, never a rounded number) and written back with the same
 * reader's stringify; a value is checked against the target schema before it is written.
 */
export interface JsonSchemaSchema extends FormatSchema {
  readonly validate: ValidateFunction
}

export function parseJsonSchemaSchema(s: FetchedSchema): JsonSchemaSchema {
  const json = JSON.parse(s.schema) as unknown
  const draft = typeof json === 'object' && json !== null ? String((json as Record<string, unknown>)['$schema'] ?? '') : ''
  // The same draft choice as the dev registry's parser: 2020-12/2019-09 with ajv's 2020 validator, else draft-07.
  const ajv = /2020-12|2019-09/.test(draft) ? new Ajv2020({strict: false, allErrors: false}) : new AjvDraft7.default({strict: false, allErrors: false})
  for (const ref of s.references) ajv.addSchema(JSON.parse(ref.schema) as object, ref.name)
  return {id: s.id, validate: ajv.compile(json as object)}
}

export function decodeJson(payload: Buffer): unknown {
  return parse(payload.toString('utf8'), null, (text: string) => (isInteger(text) && !isSafeNumber(text) ? BigInt(text) : Number(text)))
}

export function encodeJson(value: unknown, schema: JsonSchemaSchema): {ok: true; payload: Buffer} | {ok: false; field: string; reason: string} {
  // ajv knows no bigint: it validates a copy where they are numbers (their type and rough range are what it checks).
  if (!schema.validate(withoutBigints(value))) {
    const e = schema.validate.errors![0]!
    return {ok: false, field: fieldOf(e), reason: e.message ?? 'does not match the schema'}
  }
  const text = stringify(value)
  if (text === undefined) return {ok: false, field: '(the value)', reason: 'is not JSON (undefined)'}
  return {ok: true, payload: Buffer.from(text, 'utf8')}
}

function fieldOf(e: ErrorObject): string {
  const base = e.instancePath.split('/').slice(1).map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~')).join('.')
  const extra = (e.params as {missingProperty?: string; additionalProperty?: string}).missingProperty ?? (e.params as {additionalProperty?: string}).additionalProperty
  const path = extra ? (base ? `${base}.${extra}` : extra) : base
  return path || '(the value)'
}

function withoutBigints(v: unknown): unknown {
  if (typeof v === 'bigint') return Number(v)
  if (Array.isArray(v)) return v.map(withoutBigints)
  if (v && typeof v === 'object' && !(v instanceof Uint8Array)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, withoutBigints(x)]))
  return v
}
