import {isDeepStrictEqual} from 'node:util'
import type {JsonSchemaNode} from '../parse-schema.js'
import {type Direction, phrase} from './direction.js'

/**
 * JSON Schema compatibility, after Confluent's documented rule set ("JSON Schema compatibility
 * rules" and the open/closed/partially-open content models, in
 * https://docs.confluent.io/platform/current/schema-registry/fundamentals/serdes-develop/serdes-json.html).
 * The question each rule answers: is every document valid under the writer schema also valid
 * under the reader schema? Confluent's difference names are kept in brackets so a reason can be
 * looked up in their docs. Local `$ref`s (`#/definitions/…`, `#/$defs/…`) are followed.
 */
export function checkJsonSchema(reader: JsonSchemaNode, writer: JsonSchemaNode, direction: Direction): string[] {
  return new JsonDiff(reader, writer, direction).compare(writer, reader, '#')
}

type Node = JsonSchemaNode
type Obj = Record<string, unknown>
const MAX_KEYS = ['maxLength', 'maxItems', 'maxProperties', 'maximum', 'exclusiveMaximum'] as const
const MIN_KEYS = ['minLength', 'minItems', 'minProperties', 'minimum', 'exclusiveMinimum'] as const
const COMBINERS = ['oneOf', 'anyOf'] as const

const isObj = (n: unknown): n is Obj => typeof n === 'object' && n !== null && !Array.isArray(n)
/** `true`, `{}` and schemas with only annotations accept every document. */
const acceptsAll = (n: unknown): boolean =>
  n === true || (isObj(n) && Object.keys(n).every((k) => ['title', 'description', '$comment', 'default', 'examples', '$schema', '$id'].includes(k)))

class JsonDiff {
  private readonly depth = new Set<string>()
  constructor(
    private readonly readerRoot: Node,
    private readonly writerRoot: Node,
    private readonly direction: Direction,
  ) {}

  /** Reasons why some document valid under `w` may be rejected by `r`. */
  compare(w0: unknown, r0: unknown, path: string): string[] {
    const w = this.deref(w0, this.writerRoot)
    const r = this.deref(r0, this.readerRoot)
    const guard = `${path}|${JSON.stringify(w).length}|${JSON.stringify(r).length}`
    if (this.depth.has(guard) || this.depth.size > 200) return []
    if (acceptsAll(r) || w === false) return []
    if (r === false) return [`${path}: schema changed to reject every value [FALSE_SCHEMA]`]
    if (!isObj(r)) return []
    const wo: Obj = isObj(w) ? w : {}
    const rHasSum = COMBINERS.some((k) => Array.isArray(r[k]))
    const wSumKey = COMBINERS.find((k) => Array.isArray(wo[k]))
    if (wSumKey && !rHasSum) {
      // A writer union is readable when every alternative (with the shared keywords) is.
      const {[wSumKey]: alts, ...shared} = wo
      return (alts as unknown[]).flatMap((alt) => this.compare(isObj(alt) ? {...shared, ...alt} : alt, r, path))
    }
    this.depth.add(guard)
    try {
      return [
        ...this.types(wo, r, path),
        ...this.enums(wo, r, path),
        ...this.bounds(wo, r, path),
        ...this.object(wo, r, path),
        ...this.array(wo, r, path),
        ...this.combined(wo, r, path),
      ]
    } finally {
      this.depth.delete(guard)
    }
  }

  private deref(n: unknown, root: Node): unknown {
    for (let hops = 0; isObj(n) && typeof n['$ref'] === 'string' && n['$ref'].startsWith('#') && hops < 20; hops++) {
      const target = (n['$ref'] as string).slice(1).split('/').filter(Boolean)
        .reduce<unknown>((acc, seg) => (isObj(acc) ? acc[decodeURIComponent(seg.replace(/~1/g, '/').replace(/~0/g, '~'))] : undefined), root)
      if (target === undefined) return n
      const {$ref: _ignored, ...rest} = n
      n = Object.keys(rest).length === 0 ? target : {...(isObj(target) ? target : {}), ...rest}
    }
    return n
  }

  private types(w: Obj, r: Obj, path: string): string[] {
    const rt = typeSet(r['type'])
    if (!rt) return []
    const wt = typeSet(w['type'])
    if (!wt) return [`${path}: type restricted to ${[...rt].join('|')} [TYPE_NARROWED]`]
    const lost = [...wt].filter((t) => !rt.has(t) && !(t === 'integer' && rt.has('number')))
    if (lost.length === 0) return []
    const kept = [...wt].some((t) => rt.has(t) || (t === 'integer' && rt.has('number')))
    const [from, to] = this.direction === 'backward' ? [wt, rt] : [rt, wt]
    return kept
      ? [`${path}: type narrowed, ${lost.join('|')} no longer accepted [TYPE_NARROWED]`]
      : [`${path}: type changed from ${[...from].join('|')} to ${[...to].join('|')} [TYPE_CHANGED]`]
  }

  private enums(w: Obj, r: Obj, path: string): string[] {
    const out: string[] = []
    if (Array.isArray(r['enum'])) {
      const re = r['enum'] as unknown[]
      if (!Array.isArray(w['enum']) && !('const' in w)) out.push(`${path}: enum added [ENUM_ARRAY_NARROWED]`)
      else {
        const we = Array.isArray(w['enum']) ? (w['enum'] as unknown[]) : [w['const']]
        const missing = we.filter((v) => !re.some((x) => isDeepStrictEqual(x, v)))
        if (missing.length > 0) {
          out.push(phrase(this.direction,
            `${path}: enum value(s) ${missing.map((v) => JSON.stringify(v)).join(', ')} removed [ENUM_ARRAY_NARROWED]`,
            `${path}: enum value(s) ${missing.map((v) => JSON.stringify(v)).join(', ')} added [ENUM_ARRAY_EXTENDED]`))
        }
      }
    }
    if ('const' in r && !('const' in w && isDeepStrictEqual(w['const'], r['const']))) {
      if (!(Array.isArray(w['enum']) && (w['enum'] as unknown[]).every((v) => isDeepStrictEqual(v, r['const'])))) {
        out.push(`${path}: const added or changed [CONST_CHANGED]`)
      }
    }
    return out
  }

  private bounds(w: Obj, r: Obj, path: string): string[] {
    const out: string[] = []
    for (const k of MAX_KEYS) {
      const rv = r[k], wv = w[k]
      if (typeof rv !== 'number') continue
      if (typeof wv !== 'number') out.push(`${path}: ${k} ${rv} added [${snake(k)}_ADDED]`)
      else if (rv < wv) out.push(`${path}: ${k} ${phrase(this.direction, `decreased from ${wv} to ${rv}`, `increased from ${rv} to ${wv}`)} [${snake(k)}_DECREASED]`)
    }
    for (const k of MIN_KEYS) {
      const rv = r[k], wv = w[k]
      if (typeof rv !== 'number') continue
      if (typeof wv !== 'number') out.push(`${path}: ${k} ${rv} added [${snake(k)}_ADDED]`)
      else if (rv > wv) out.push(`${path}: ${k} ${phrase(this.direction, `increased from ${wv} to ${rv}`, `decreased from ${rv} to ${wv}`)} [${snake(k)}_INCREASED]`)
    }
    if (typeof r['pattern'] === 'string' && r['pattern'] !== w['pattern']) {
      out.push(`${path}: pattern ${w['pattern'] === undefined ? 'added' : 'changed'} [PATTERN_${w['pattern'] === undefined ? 'ADDED' : 'CHANGED'}]`)
    }
    if (typeof r['multipleOf'] === 'number' && !(typeof w['multipleOf'] === 'number' && Number.isInteger(w['multipleOf'] / r['multipleOf']))) {
      out.push(`${path}: multipleOf ${r['multipleOf']} added or changed [MULTIPLE_OF_CHANGED]`)
    }
    if (r['uniqueItems'] === true && w['uniqueItems'] !== true) out.push(`${path}: uniqueItems added [UNIQUE_ITEMS_ADDED]`)
    if (r['not'] !== undefined && !isDeepStrictEqual(r['not'], w['not'])) out.push(`${path}: 'not' constraint added or changed [NOT_TYPE_EXTENDED]`)
    for (const k of ['dependencies', 'dependentRequired', 'dependentSchemas']) {
      if (r[k] !== undefined && !isDeepStrictEqual(r[k], w[k])) out.push(`${path}: ${k} added or changed [DEPENDENCY_ADDED]`)
    }
    return out
  }

  private object(w: Obj, r: Obj, path: string): string[] {
    const out: string[] = []
    const rp = (isObj(r['properties']) ? r['properties'] : {}) as Obj
    const wp = (isObj(w['properties']) ? w['properties'] : {}) as Obj
    const wReq = new Set(Array.isArray(w['required']) ? (w['required'] as string[]) : [])
    for (const name of Array.isArray(r['required']) ? (r['required'] as string[]) : []) {
      if (wReq.has(name)) continue
      out.push(name in wp
        ? phrase(this.direction, `${path}/properties/${name}: property became required [REQUIRED_ATTRIBUTE_ADDED]`, `${path}/properties/${name}: property is no longer required [REQUIRED_ATTRIBUTE_REMOVED]`)
        : phrase(this.direction, `${path}/properties/${name}: required property added [REQUIRED_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL]`, `${path}/properties/${name}: required property removed [REQUIRED_PROPERTY_REMOVED]`))
    }
    const wAdd = w['additionalProperties'] ?? true
    const rAdd = r['additionalProperties'] ?? true
    for (const [name, schema] of Object.entries(rp)) {
      const p = `${path}/properties/${name}`
      if (name in wp) out.push(...this.compare(wp[name], schema, p))
      else if (wAdd === false) continue // [PROPERTY_ADDED_TO_CLOSED_CONTENT_MODEL] is compatible
      else if (acceptsAll(wAdd)) {
        if (!acceptsAll(schema)) out.push(phrase(this.direction, `${p}: property added to an open content model [PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL]`, `${p}: property removed from an open content model the old schema constrains [PROPERTY_REMOVED_FROM_OPEN_CONTENT_MODEL]`))
      } else if (this.compare(wAdd, schema, p).length > 0) {
        out.push(`${p}: property not covered by the partially open content model [PROPERTY_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL]`)
      }
    }
    for (const [name, schema] of Object.entries(wp)) {
      if (name in rp) continue
      const p = `${path}/properties/${name}`
      if (rAdd === false) out.push(phrase(this.direction, `${p}: property removed from a closed content model [PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL]`, `${p}: property added while the old schema is closed [PROPERTY_ADDED_TO_CLOSED_CONTENT_MODEL]`))
      else if (!acceptsAll(rAdd) && this.compare(schema, rAdd, p).length > 0) {
        out.push(`${p}: removed property not covered by the partially open content model [PROPERTY_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL]`)
      }
    }
    if (wAdd !== false && !acceptsAll(rAdd)) {
      if (rAdd === false) out.push(phrase(this.direction, `${path}: additionalProperties removed, content model closed [ADDITIONAL_PROPERTIES_REMOVED]`, `${path}: additionalProperties added, the old schema is closed [ADDITIONAL_PROPERTIES_ADDED]`))
      else if (acceptsAll(wAdd)) out.push(`${path}: additionalProperties narrowed [ADDITIONAL_PROPERTIES_NARROWED]`)
      else out.push(...this.compare(wAdd, rAdd, `${path}/additionalProperties`))
    }
    return out
  }

  private array(w: Obj, r: Obj, path: string): string[] {
    const ri = r['items'], wi = w['items']
    if (ri === undefined || Array.isArray(ri)) return []
    if (Array.isArray(wi)) return wi.flatMap((s, i) => this.compare(s, ri, `${path}/items/${i}`))
    return this.compare(wi ?? true, ri, `${path}/items`)
  }

  private combined(w: Obj, r: Obj, path: string): string[] {
    const out: string[] = []
    const rSum = COMBINERS.flatMap((k) => (Array.isArray(r[k]) ? (r[k] as unknown[]) : []))
    const wSum = COMBINERS.flatMap((k) => (Array.isArray(w[k]) ? (w[k] as unknown[]) : []))
    if (rSum.length > 0) {
      const wAlts = wSum.length > 0 ? wSum : [w]
      wAlts.forEach((alt, i) => {
        if (!rSum.some((ra) => this.compare(alt, ra, path).length === 0)) {
          out.push(phrase(this.direction, `${path}: alternative ${i} of oneOf/anyOf is no longer accepted [SUM_TYPE_NARROWED]`, `${path}: alternative added to oneOf/anyOf [SUM_TYPE_EXTENDED]`))
        }
      })
    }
    const rAll = Array.isArray(r['allOf']) ? (r['allOf'] as unknown[]) : []
    const wAll = Array.isArray(w['allOf']) ? (w['allOf'] as unknown[]) : []
    rAll.forEach((ra, i) => {
      if (!wAll.some((wa) => this.compare(wa, ra, path).length === 0) && this.compare(w, ra, path).length > 0) {
        out.push(phrase(this.direction, `${path}/allOf/${i}: allOf constraint added [PRODUCT_TYPE_EXTENDED]`, `${path}/allOf/${i}: allOf constraint removed [PRODUCT_TYPE_NARROWED]`))
      }
    })
    return out
  }
}

function typeSet(t: unknown): Set<string> | undefined {
  if (typeof t === 'string') return new Set([t])
  if (Array.isArray(t)) return new Set(t as string[])
  return undefined
}

const snake = (k: string) => k.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase()
