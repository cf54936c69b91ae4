import {LosslessNumber, isLosslessNumber, parse, stringify} from 'lossless-json'

/**
 * JSON for record data, without rounding: a number whose JavaScript value prints back as the same
 * text (`42`, `3.5`) becomes a plain number; any other (`12345678901234567891`, `1.10`, `1e3`, `-0`)
 * stays a LosslessNumber holding its exact text, which `stringify` writes back unchanged. Duplicate
 * object keys are an error (lossless-json refuses them) rather than a silent last-wins.
 */
export {LosslessNumber, isLosslessNumber}

const UTF8 = new TextDecoder('utf-8', {fatal: true, ignoreBOM: true})

export class ValueDecodeError extends Error {}

function parseNumber(text: string): number | LosslessNumber {
  const n = Number(text)
  return String(n) === text ? n : new LosslessNumber(text)
}

/** Strict UTF-8: a byte sequence that is not UTF-8 is an error, never replacement characters. */
export function decodeUtf8(bytes: Uint8Array, what = 'value'): string {
  try {
    return UTF8.decode(bytes)
  } catch {
    throw new ValueDecodeError(`${what} is not valid UTF-8 text`)
  }
}

export function parseJsonText(text: string, what = 'value'): unknown {
  try {
    return parse(text, null, parseNumber)
  } catch (err) {
    throw new ValueDecodeError(`${what} is not valid JSON: ${(err as Error).message}`)
  }
}

export function parseJsonBytes(bytes: Uint8Array, what = 'value'): unknown {
  return parseJsonText(decodeUtf8(bytes, what), what)
}

/** Compact JSON; LosslessNumbers and bigints as their exact digits. */
export function stringifyJson(value: unknown): string {
  const s = stringify(value)
  if (s === undefined) throw new ValueDecodeError(`cannot write ${typeof value} as JSON`)
  return s
}

/** A key taken from a JSON value: strings as they are, numbers (exact) and booleans as their text, objects and arrays as compact JSON. */
export function jsonScalarText(v: unknown): string {
  if (typeof v === 'string') return v
  if (isLosslessNumber(v)) return v.toString()
  if (v !== null && typeof v === 'object') return stringifyJson(v)
  return String(v)
}
