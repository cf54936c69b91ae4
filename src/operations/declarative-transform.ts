import {LosslessNumber, isLosslessNumber, isPlainJson, parseJsonText, stringifyJson} from './json-value.js'

/**
 * Declarative field transforms for migrate: rename, drop, default, cast — applied in that order to
 * a JSON object value. Field names may be dotted (`customer.id`) to reach nested objects.
 * Parsing the flag forms (`a=b`, `f=int`) is here too so that manifests and flags share one grammar.
 * Values come from the lossless JSON reader (json-value.ts): numbers that a double cannot hold
 * exactly are LosslessNumbers and stay exact through every rule.
 */
export const CAST_TYPES = ['int', 'float', 'string', 'bool', 'json'] as const
export type CastType = (typeof CAST_TYPES)[number]

export interface DeclarativeTransform {
  readonly rename: readonly (readonly [from: string, to: string])[]
  readonly drop: readonly string[]
  readonly defaults: readonly (readonly [field: string, value: unknown])[]
  readonly cast: readonly (readonly [field: string, type: CastType])[]
}

export class TransformError extends Error {}

export function isEmptyTransform(t: DeclarativeTransform): boolean {
  return t.rename.length + t.drop.length + t.defaults.length + t.cast.length === 0
}

function splitPair(flag: string, s: string): [string, string] {
  const i = s.indexOf('=')
  if (i <= 0 || i === s.length - 1 && flag !== 'default') throw new TransformError(`--${flag} expects name=value, got '${s}'`)
  return [s.slice(0, i), s.slice(i + 1)]
}

/** Default values are parsed as JSON when they parse (`n=0`, `tags=[]`), else kept as strings. */
function parseDefault(raw: string): unknown {
  try {
    return parseJsonText(raw)
  } catch {
    return raw
  }
}

/** A copy of plain objects and arrays; everything else (strings, numbers, LosslessNumbers) is immutable or shared as is. */
function copyJson(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(copyJson)
  if (v === null || typeof v !== 'object' || isLosslessNumber(v)) return v
  const out: Record<string, unknown> = {}
  for (const k of Object.keys(v)) {
    const x = copyJson((v as Record<string, unknown>)[k])
    // A "__proto__" field stays a field: assigning it would set the copy's prototype instead.
    setField(out, k, x)
  }
  return out
}

const JSON_NUMBER = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?$/

/** A JSON number for `text`: a plain number when the double prints back the same, else the exact text. */
function exactNumber(text: string): number | LosslessNumber {
  const n = Number(text)
  return String(n) === text ? n : new LosslessNumber(text)
}

export function parseDeclarativeFlags(flags: {rename?: string[]; drop?: string[]; default?: string[]; cast?: string[]}): DeclarativeTransform {
  return {
    rename: (flags.rename ?? []).map((s) => splitPair('rename', s)),
    drop: flags.drop ?? [],
    defaults: (flags.default ?? []).map((s) => {
      const [f, v] = splitPair('default', s)
      return [f, parseDefault(v)] as const
    }),
    cast: (flags.cast ?? []).map((s) => {
      const [f, t] = splitPair('cast', s)
      if (!(CAST_TYPES as readonly string[]).includes(t)) throw new TransformError(`--cast ${s}: unknown type '${t}' (one of ${CAST_TYPES.join(', ')})`)
      return [f, t as CastType] as const
    }),
  }
}

type Obj = Record<string, unknown>

/** A dotted field name split once per transform, not once per record. */
const splitPaths = new Map<string, readonly string[]>()
function pathOf(path: string): readonly string[] {
  let parts = splitPaths.get(path)
  if (!parts) splitPaths.set(path, (parts = path.split('.')))
  return parts
}

function parentOf(root: Obj, path: string, create: boolean): [Obj, string] | undefined {
  const parts = pathOf(path)
  let cur: Obj = root
  for (let i = 0; i < parts.length - 1; i++) {
    const p = parts[i]!
    const next = Object.hasOwn(cur, p) ? cur[p] : undefined
    if (next === undefined && create) cur = setField(cur, p, {}) as Obj
    else if (next !== null && typeof next === 'object' && !Array.isArray(next)) cur = next as Obj
    else return undefined
  }
  return [cur, parts[parts.length - 1]!]
}

/** Sets an own field, "__proto__" included (assigning that name would set the object's prototype). */
function setField(o: Obj, k: string, v: unknown): unknown {
  if (k === '__proto__') Object.defineProperty(o, k, {value: v, writable: true, enumerable: true, configurable: true})
  else o[k] = v
  return v
}

export function castValue(v: unknown, type: CastType, field: string): unknown {
  if (v === null || v === undefined) return v
  const fail = (why = ''): never => { throw new TransformError(`cannot cast field '${field}' value ${typeof v === 'string' ? JSON.stringify(v) : stringifyJson(v)} to ${type}${why}`) }
  switch (type) {
    case 'string':
      return typeof v === 'string' ? v : isLosslessNumber(v) ? v.toString() : stringifyJson(v)
    case 'json':
      if (typeof v !== 'string') return v
      try {
        return parseJsonText(v)
      } catch {
        throw new TransformError(`cannot cast field '${field}' to json: not valid JSON text`)
      }
    case 'bool': {
      if (typeof v === 'boolean') return v
      const t = isLosslessNumber(v) ? v.toString() : v
      if (t === 'true' || t === 1 || t === '1') return true
      if (t === 'false' || t === 0 || t === '0') return false
      return fail()
    }
    case 'int': {
      if (typeof v === 'number') return Number.isInteger(v) ? v : fail(': not a whole number')
      const text = isLosslessNumber(v) ? v.toString() : typeof v === 'string' ? v.trim() : fail()
      // Whole numbers of any size stay exact: beyond 2^53 they are written as their digits.
      const whole = /^(-?)0*(\d+?)(?:\.0*)?$/.exec(text)
      if (whole) return exactNumber(`${whole[2] === '0' ? '' : whole[1]}${whole[2]}`)
      const n = Number(text)
      if (text === '' || !Number.isFinite(n)) return fail()
      if (!Number.isInteger(n)) return fail(': not a whole number')
      return Number.isSafeInteger(n) ? n : fail(': not exact in this notation (write the digits)')
    }
    case 'float': {
      if (typeof v === 'number' || isLosslessNumber(v)) return v
      if (typeof v !== 'string') return fail()
      const text = v.trim()
      // The number's own text when it is one (so `1.10` stays `1.10`), else what Number makes of it.
      if (JSON_NUMBER.test(text)) return exactNumber(text)
      const n = text === '' ? Number.NaN : Number(text)
      return Number.isFinite(n) ? n : fail()
    }
  }
}

/** Returns a new object; the input is not modified. Throws TransformError on a value that cannot be cast. */
export function applyDeclarative(value: unknown, t: DeclarativeTransform): unknown {
  return applyDeclarativeRules(value, t).value
}

export interface RuleInput {
  /** The value is the caller's to change (just parsed, shared with nobody): no copy is made. */
  readonly owned?: boolean
  /** The value is plain JSON data (json-value.ts readJsonText): then the result says whether it still is. */
  readonly plain?: boolean
}

/**
 * The rules applied, whether any of them changed the value (a record no rule touches is written
 * with its original bytes), and whether the result is plain JSON data (given a plain input; the
 * writer then skips its check). A tombstone (null) passes through: it is a delete, not a value.
 */
export function applyDeclarativeRules(value: unknown, t: DeclarativeTransform, input: RuleInput = {}): {value: unknown; changed: boolean; plain: boolean} {
  if (value === null) return {value, changed: false, plain: true}
  if (typeof value !== 'object' || Array.isArray(value) || isLosslessNumber(value)) {
    throw new TransformError('value is not a JSON object')
  }
  const out = (input.owned ? value : copyJson(value)) as Obj
  let changed = false
  let plain = input.plain === true
  for (const [from, to] of t.rename) {
    const src = parentOf(out, from, false)
    if (!src || !Object.hasOwn(src[0], src[1])) continue
    const v = src[0][src[1]]
    delete src[0][src[1]]
    const dst = parentOf(out, to, true)
    if (!dst) throw new TransformError(`cannot rename '${from}' to '${to}': '${to}' is inside a non-object`)
    setField(dst[0], dst[1], v)
    changed = true
  }
  for (const f of t.drop) {
    const p = parentOf(out, f, false)
    if (p && Object.hasOwn(p[0], p[1])) {
      delete p[0][p[1]]
      changed = true
    }
  }
  for (const [f, v] of t.defaults) {
    const p = parentOf(out, f, true)
    if (p && (!Object.hasOwn(p[0], p[1]) || p[0][p[1]] === undefined || p[0][p[1]] === null)) {
      setField(p[0], p[1], copyJson(v))
      changed = true
      if (plain) plain = isPlainJson(v)
    }
  }
  for (const [f, type] of t.cast) {
    const p = parentOf(out, f, false)
    if (p && Object.hasOwn(p[0], p[1])) {
      const before = p[0][p[1]]
      const after = castValue(before, type, f)
      if (!sameJson(before, after)) changed = true
      setField(p[0], p[1], after)
      if (plain) plain = isPlainJson(after)
    }
  }
  return {value: out, changed, plain}
}

function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true
  if (isLosslessNumber(a) && isLosslessNumber(b)) return a.toString() === b.toString()
  return false
}
