/**
 * The JSONPath subset that key extraction accepts: `$.a.b`, `$.a[0]`, `$['a b']`, `$["x"]`, or a
 * bare field name (`a.b` is `$.a.b`). No wildcards, filters or recursion: a key must be one value.
 */
export type PathSegment = string | number

export class JsonPathError extends Error {}

export function parseJsonPath(expr: string): PathSegment[] {
  const src = expr.trim()
  if (src === '') throw new JsonPathError('empty path')
  let i = 0
  const segs: PathSegment[] = []
  if (src.startsWith('$')) i = 1
  else {
    // Bare form: a field name, dots allowed.
    return src.split('.').map((s, n) => {
      if (s === '') throw new JsonPathError(`empty segment at ${n + 1} in '${expr}'`)
      return s
    })
  }
  while (i < src.length) {
    const c = src[i]
    if (c === '.') {
      const m = /^[A-Za-z_$][\w$-]*/.exec(src.slice(i + 1))
      if (!m) throw new JsonPathError(`expected a field name at column ${i + 2} of '${expr}'`)
      segs.push(m[0])
      i += 1 + m[0].length
    } else if (c === '[') {
      const rest = src.slice(i + 1)
      const num = /^(\d+)\]/.exec(rest)
      const quoted = /^(['"])((?:\\.|(?!\1).)*)\1\]/.exec(rest)
      if (num) {
        segs.push(Number(num[1]))
        i += 1 + num[0].length
      } else if (quoted) {
        segs.push(quoted[2]!.replace(/\\(.)/g, '$1'))
        i += 1 + quoted[0].length
      } else {
        throw new JsonPathError(`expected [index] or ['name'] at column ${i + 1} of '${expr}' (wildcards and filters are not supported)`)
      }
    } else {
      throw new JsonPathError(`unexpected '${c}' at column ${i + 1} of '${expr}'`)
    }
  }
  if (segs.length === 0) throw new JsonPathError(`'${expr}' selects the whole value; name a field`)
  return segs
}

export function evaluatePath(value: unknown, path: readonly PathSegment[]): unknown {
  let cur: unknown = value
  for (const seg of path) {
    // Own fields only: `$.constructor` is not a field of a JSON object, nor is the text inside a LosslessNumber.
    if (cur === null || typeof cur !== 'object' || (cur as {isLosslessNumber?: unknown}).isLosslessNumber === true) return undefined
    if (typeof seg === 'number') cur = Array.isArray(cur) ? cur[seg] : undefined
    else cur = Array.isArray(cur) || !Object.hasOwn(cur, seg) ? undefined : (cur as Record<string, unknown>)[seg]
  }
  return cur
}
