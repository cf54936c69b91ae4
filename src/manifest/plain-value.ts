/** How deep a manifest value may nest; real manifests use under ten levels. */
export const MAX_DEPTH = 64

export type Plain = {value: unknown} | {problem: string; hint: string}

/**
 * A parsed YAML value as JSON-like data: what the schema validator and every later stage can
 * walk without surprises. Refuses a value that refers to itself (`&a [*a]`) or nests beyond
 * MAX_DEPTH, turns YAML 1.1 extras (dates, binary, sets, ordered maps) into plain strings, lists
 * and mappings, and keeps keys such as `__proto__` as ordinary keys.
 */
export function plainValue(v: unknown): Plain {
  const onPath = new Set<object>()
  let problem: {problem: string; hint: string} | undefined
  const walk = (x: unknown, depth: number): unknown => {
    if (problem) return undefined
    if (x === null || typeof x === 'string' || typeof x === 'boolean') return x
    if (typeof x === 'number') return x
    if (typeof x === 'bigint') return String(x)
    if (typeof x !== 'object') return String(x)
    if (x instanceof Date) return Number.isNaN(x.getTime()) ? String(x) : x.toISOString()
    if (ArrayBuffer.isView(x)) return Buffer.from(x.buffer, x.byteOffset, x.byteLength).toString('base64')
    if (depth >= MAX_DEPTH) {
      problem = {problem: `the document nests more than ${MAX_DEPTH} levels deep`, hint: 'manifests need only a few levels of nesting'}
      return undefined
    }
    if (onPath.has(x)) {
      problem = {problem: 'an alias refers to the collection that contains it', hint: 'an anchor (&name) cannot be used inside its own value'}
      return undefined
    }
    onPath.add(x)
    let out: unknown
    if (Array.isArray(x) || x instanceof Set) out = [...x].map((i) => walk(i, depth + 1))
    else if (x instanceof Map) out = Object.fromEntries([...x.entries()].map(([k, i]) => [String(k), walk(i, depth + 1)]))
    else out = Object.fromEntries(Object.entries(x).map(([k, i]) => [k, walk(i, depth + 1)]))
    onPath.delete(x)
    return out
  }
  const value = walk(v, 0)
  return problem ? problem : {value}
}
