/**
 * Declarative field transforms for migrate: rename, drop, default, cast — applied in that order to
 * a JSON object value. Field names may be dotted (`customer.id`) to reach nested objects.
 * Parsing the flag forms (`a=b`, `f=int`) is here too so that manifests and flags share one grammar.
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
    return JSON.parse(raw)
  } catch {
    return raw
  }
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

function parentOf(root: Obj, path: string, create: boolean): [Obj, string] | undefined {
  const parts = path.split('.')
  let cur: Obj = root
  for (const p of parts.slice(0, -1)) {
    const next = cur[p]
    if (next === undefined && create) cur = cur[p] = {}
    else if (next !== null && typeof next === 'object' && !Array.isArray(next)) cur = next as Obj
    else return undefined
  }
  return [cur, parts[parts.length - 1]!]
}

export function castValue(v: unknown, type: CastType, field: string): unknown {
  if (v === null || v === undefined) return v
  switch (type) {
    case 'string':
      return typeof v === 'string' ? v : JSON.stringify(v)
    case 'json':
      if (typeof v !== 'string') return v
      try {
        return JSON.parse(v)
      } catch {
        throw new TransformError(`cannot cast field '${field}' to json: not valid JSON text`)
      }
    case 'bool':
      if (typeof v === 'boolean') return v
      if (v === 'true' || v === 1 || v === '1') return true
      if (v === 'false' || v === 0 || v === '0') return false
      throw new TransformError(`cannot cast field '${field}' value ${JSON.stringify(v)} to bool`)
    case 'int':
    case 'float': {
      const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : Number.NaN
      if (!Number.isFinite(n)) throw new TransformError(`cannot cast field '${field}' value ${JSON.stringify(v)} to ${type}`)
      if (type === 'int') {
        if (!Number.isInteger(n)) throw new TransformError(`cannot cast field '${field}' value ${JSON.stringify(v)} to int: not a whole number`)
        return n
      }
      return n
    }
  }
}

/** Returns a new object; the input is not modified. Throws TransformError on a value that cannot be cast. */
export function applyDeclarative(value: unknown, t: DeclarativeTransform): unknown {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new TransformError('value is not a JSON object')
  }
  const out = structuredClone(value) as Obj
  for (const [from, to] of t.rename) {
    const src = parentOf(out, from, false)
    if (!src || !(src[1] in src[0])) continue
    const v = src[0][src[1]]
    delete src[0][src[1]]
    const dst = parentOf(out, to, true)
    if (!dst) throw new TransformError(`cannot rename '${from}' to '${to}': '${to}' is inside a non-object`)
    dst[0][dst[1]] = v
  }
  for (const f of t.drop) {
    const p = parentOf(out, f, false)
    if (p) delete p[0][p[1]]
  }
  for (const [f, v] of t.defaults) {
    const p = parentOf(out, f, true)
    if (p && (p[0][p[1]] === undefined || p[0][p[1]] === null)) p[0][p[1]] = structuredClone(v)
  }
  for (const [f, type] of t.cast) {
    const p = parentOf(out, f, false)
    if (p && p[1] in p[0]) p[0][p[1]] = castValue(p[0][p[1]], type, f)
  }
  return out
}
