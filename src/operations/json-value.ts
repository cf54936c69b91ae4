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
  return readJsonText(text, what).value
}

/**
 * The value, and whether it is plain JSON data (no LosslessNumber anywhere: the native parser
 * read it), which lets the writer skip its own check (stringifyJson's `knownPlain`).
 */
export function readJsonText(text: string, what = 'value'): {value: unknown; plain: boolean} {
  const fast = nativeWhenExact(text)
  if (fast !== NOT_EXACT) return {value: fast, plain: true}
  try {
    return {value: parse(text, null, parseNumber), plain: false}
  } catch (err) {
    throw new ValueDecodeError(`${what} is not valid JSON: ${(err as Error).message}`)
  }
}

export function readJsonBytes(bytes: Uint8Array, what = 'value'): {value: unknown; plain: boolean} {
  return readJsonText(decodeUtf8(bytes, what), what)
}

const NOT_EXACT = Symbol('not exact')

/**
 * The native parser's value when it is the lossless reader's too: the text is JSON, every number
 * in it prints back as its own text (so none becomes a LosslessNumber), and no object repeats a
 * key (the native parser would keep the last one silently; the lossless reader refuses). Native
 * parsing is several times faster; anything else (an error included) goes the lossless way.
 */
function nativeWhenExact(text: string): unknown {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    return NOT_EXACT
  }
  const keys = keyTokensIfNumbersExact(text)
  if (keys < 0) return NOT_EXACT
  return typeof value !== 'object' || value === null || keys === countKeys(value) ? value : NOT_EXACT
}

function isJsonSpace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09
}

/**
 * In valid JSON text: the number of object keys (strings followed by a colon), or -1 when a
 * number's text is not what its double prints. Outside strings only numbers start with a digit or '-'.
 */
function keyTokensIfNumbersExact(text: string): number {
  let keys = 0
  const n = text.length
  for (let i = 0; i < n;) {
    const c = text.charCodeAt(i)
    if (c === 0x22) {
      // The closing quote: the next one not escaped (preceded by an even number of backslashes).
      let j = text.indexOf('"', i + 1)
      for (;;) {
        let b = j - 1
        while (text.charCodeAt(b) === 0x5c) b--
        if ((j - 1 - b) % 2 === 0) break
        j = text.indexOf('"', j + 1)
      }
      i = j + 1
      while (isJsonSpace(text.charCodeAt(i))) i++
      if (text.charCodeAt(i) === 0x3a) {
        keys++
        i++
      }
    } else if (c === 0x2d || (c >= 0x30 && c <= 0x39)) {
      let j = i + 1
      // Whether every character after the first ('-' or a digit) is a digit.
      let digitsOnly = true
      for (; j < n; j++) {
        const d = text.charCodeAt(j)
        if (d >= 0x30 && d <= 0x39) continue
        if (!(d === 0x2e || d === 0x65 || d === 0x45 || d === 0x2b || d === 0x2d)) break
        digitsOnly = false
      }
      // Most numbers are small whole ones: up to 15 digits without a leading zero print back as
      // themselves (below 2^53), with no string made. The rest are compared as text.
      const start = c === 0x2d ? i + 1 : i
      const simple = digitsOnly && j > start && j - start <= 15 && (text.charCodeAt(start) !== 0x30 || (j - start === 1 && c !== 0x2d))
      if (!simple) {
        const token = text.slice(i, j)
        if (String(Number(token)) !== token) return -1
      }
      i = j
    } else {
      i++
    }
  }
  return keys
}

/**
 * Keys of every object in a parsed value: fewer than the text's key tokens means a repeated key.
 * Values nested deeper than MAX_NATIVE_DEPTH count as NaN, which matches nothing: the lossless reader takes them.
 */
function countKeys(v: unknown, depth = 0): number {
  if (depth > MAX_NATIVE_DEPTH) return Number.NaN
  if (Array.isArray(v)) {
    let n = 0
    for (const x of v) if (typeof x === 'object' && x !== null) n += countKeys(x, depth + 1)
    return n
  }
  if (typeof v !== 'object' || v === null) return 0
  let n = 0
  for (const k of Object.keys(v)) {
    n++
    const x = (v as Record<string, unknown>)[k]
    if (typeof x === 'object' && x !== null) n += countKeys(x, depth + 1)
  }
  return n
}

const MAX_NATIVE_DEPTH = 64

export function parseJsonBytes(bytes: Uint8Array, what = 'value'): unknown {
  return parseJsonText(decodeUtf8(bytes, what), what)
}

/**
 * Compact JSON; LosslessNumbers and bigints as their exact digits. `knownPlain` is the caller's
 * word that the value is plain data (readJsonText said so and nothing else went in): not checked again.
 */
export function stringifyJson(value: unknown, knownPlain = false): string {
  // Plain data writes the same either way; the native writer is several times faster.
  if (knownPlain || isPlainJson(value)) return JSON.stringify(value)
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

/**
 * Strings, finite numbers, booleans, null, and arrays and objects of them without toJSON: what
 * JSON.stringify writes exactly as lossless-json does. LosslessNumbers, bigints, NaN, dates,
 * buffers and any object that is not a plain one are left to lossless-json.
 */
export function isPlainJson(v: unknown, depth = 0): boolean {
  switch (typeof v) {
    case 'string':
    case 'boolean':
      return true
    case 'number':
      return Number.isFinite(v)
    case 'object': {
      if (v === null) return true
      // Deeply nested values take the lossless writer (no native stack overflow at a depth it handles).
      if (depth > MAX_NATIVE_DEPTH || typeof (v as {toJSON?: unknown}).toJSON === 'function') return false
      if (Array.isArray(v)) {
        for (const x of v) if (!isPlainJson(x, depth + 1)) return false
        return true
      }
      const proto = Object.getPrototypeOf(v) as unknown
      if (proto !== Object.prototype && proto !== null) return false
      const o = v as Record<string, unknown>
      for (const k of Object.keys(o)) if (!isPlainJson(o[k], depth + 1)) return false
      return true
    }
    default:
      return false
  }
}
