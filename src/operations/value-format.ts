import {StreamctlError} from '../errors.js'
import type {SchemaSpec, TopicMeta} from '../model/desired.js'
import {ValueDecodeError, decodeUtf8, parseJsonBytes, stringifyJson} from './json-value.js'

/**
 * What a transform or filter is handed for a key or a value, and how what it returns is written
 * back: a small codec per format. `bytes` hands the record's own bytes (a Buffer); `text` strict
 * UTF-8; `json` UTF-8 JSON parsed without rounding (json-value.ts). Registry formats (avro, protobuf,
 * json-schema in the Confluent wire format) fit the same interface, asynchronously: the schema
 * upgrade (schema-upgrade.ts) is the first of them.
 *
 * Whatever the format, a Buffer or Uint8Array returned by a transform is written as it is, and
 * null is a null (a tombstone for a value).
 */
export const DATA_FORMATS = ['bytes', 'text', 'json'] as const
export type DataFormat = (typeof DATA_FORMATS)[number]

export interface Codec {
  readonly format: string
  /** Throws ValueDecodeError (the record's dead-letter reason) when the bytes are not in this format. */
  decode(bytes: Buffer): unknown
  encode(value: unknown): Buffer | Promise<Buffer>
}

export {ValueDecodeError}

function asBytes(v: unknown): Buffer | undefined {
  if (Buffer.isBuffer(v)) return v
  if (v instanceof Uint8Array) return Buffer.from(v.buffer, v.byteOffset, v.byteLength)
  return undefined
}

export function codecFor(format: DataFormat, what: 'key' | 'value'): Codec {
  switch (format) {
    case 'bytes':
      return {
        format,
        decode: (b) => b,
        encode(v) {
          const b = asBytes(v)
          if (b) return b
          throw new ValueDecodeError(`the transform returned a ${typeof v} ${what}, but --${what}-format bytes writes only a Buffer, a Uint8Array or null`)
        },
      }
    case 'text':
      return {
        format,
        decode: (b) => decodeUtf8(b, what),
        encode(v) {
          const b = asBytes(v)
          if (b) return b
          if (typeof v === 'string') return Buffer.from(v, 'utf8')
          throw new ValueDecodeError(`the transform returned a ${typeof v} ${what}, but --${what}-format text writes only a string, a Buffer or null`)
        },
      }
    case 'json':
      return {
        format,
        decode: (b) => parseJsonBytes(b, what),
        encode(v) {
          return asBytes(v) ?? Buffer.from(stringifyJson(v), 'utf8')
        },
      }
  }
}

export function parseDataFormat(s: string | undefined, flag: string): DataFormat | undefined {
  if (s === undefined) return undefined
  if ((DATA_FORMATS as readonly string[]).includes(s)) return s as DataFormat
  const later = ['avro', 'protobuf', 'json-schema'].includes(s)
  throw new StreamctlError('USAGE', `${flag} ${s}: ${later ? 'registry-decoded formats are not supported by this version' : 'unknown format'} (one of ${DATA_FORMATS.join(', ')})`, {
    hint: later ? 'use --to-subject/--to-schema-id for a schema upgrade of registry-encoded values, or --value-format bytes to handle the wire format yourself' : `e.g. ${flag} json`,
  })
}

/**
 * The format the topic's declared schema implies: JSON → json. Avro and Protobuf values are
 * registry-encoded, which this version does not decode for transforms: they are handed as bytes.
 */
export function declaredFormat(meta: TopicMeta | undefined, schemas: readonly SchemaSpec[], part: 'key' | 'value'): DataFormat | undefined {
  const ref = part === 'key' ? meta?.keySchema : meta?.valueSchema
  if (!ref) return undefined
  const schema = schemas.find((s) => s.name === ref.schema)
  return schema?.type === 'JSON' ? 'json' : undefined
}
