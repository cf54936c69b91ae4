import {Ajv, type ErrorObject, type ValidateFunction} from 'ajv'
import type {Diagnostic} from '../errors.js'
import {keysAt, locate, pointerToPath, type DocPath} from './parse-positions.js'
import type {ParsedDoc} from './parse-yaml.js'
import {didYouMean} from './suggest.js'

export interface DocValidator {
  (pd: ParsedDoc): Diagnostic[]
  /**
   * What is left of a schema-invalid document once the parts in error are cut away (so the later
   * checks can still report their problems), or undefined when too little is left to be a
   * resource. The result is schema-valid.
   */
  salvage(value: unknown): {value: unknown; cut: string[]} | undefined
}

/**
 * Compiles the published JSON Schema (passed in: this module does no I/O) into a validator that
 * reports every error of a document at once, each at the file:line:col of the offending node.
 */
export function createDocValidator(schema: object): DocValidator {
  const ajv = new Ajv({allErrors: true, verbose: true, strict: false})
  const validate: ValidateFunction = ajv.compile(schema)
  const check = (pd: ParsedDoc): Diagnostic[] => {
    const v = pd.value as Record<string, unknown> | null
    // A document that is not even shaped like a manifest gets one clear error instead of a dozen.
    if (v === null || typeof v !== 'object' || Array.isArray(v) || (!('apiVersion' in v) && !('kind' in v))) {
      return [{severity: 'error', rule: 'schema', location: locate(pd, []), message: 'not a streamctl manifest: the document has no apiVersion and kind',
        hint: 'start each document with apiVersion: streamctl/v1 and kind: Environment | Topic | Schema | Service | Job | Policy | Acl'}]
    }
    if (validate(pd.value)) return []
    const seen = new Set<string>()
    const out: Diagnostic[] = []
    const errors = validate.errors ?? []
    // A choice between plain values (`1 or more, or latest`) is one error, not one per branch.
    const choices = errors.filter((e) => (e.keyword === 'oneOf' || e.keyword === 'anyOf') && scalarChoices(e) !== undefined)
    const inChoice = (e: ErrorObject) => choices.some((c) => c !== e && c.instancePath === e.instancePath && e.schemaPath.startsWith(`${c.schemaPath}/`))
    for (const e of errors) {
      if (inChoice(e)) continue
      const d = choices.includes(e) ? choiceDiagnostic(pd, e) : toDiagnostic(pd, e)
      if (!d) continue
      const key = `${d.location?.line}:${d.location?.column}:${d.message}`
      if (seen.has(key)) continue
      seen.add(key)
      out.push(d)
    }
    return out
  }
  return Object.assign(check, {salvage: (value: unknown) => salvage(validate, value)})
}

/** Paths whose loss leaves no resource: the envelope itself. */
const ESSENTIAL = new Set(['', 'apiVersion', 'kind', 'metadata', 'metadata/name', 'spec'])

function salvage(validate: ValidateFunction, value: unknown): {value: unknown; cut: string[]} | undefined {
  const v = structuredClone(value)
  const cut: string[] = []
  // Each round cuts what is in error; cutting can expose a missing required key one level up.
  for (let round = 0; round < 8; round++) {
    if (validate(v)) return {value: v, cut}
    const errors = validate.errors ?? []
    // A failed if/anyOf/oneOf comes with its branches' own errors further in: those say what to cut.
    const combinator = (e: ErrorObject) => ['if', 'anyOf', 'oneOf', 'allOf'].includes(e.keyword)
    const leaves = errors.filter((e) => !combinator(e) || !errors.some((o) => !combinator(o) && o.instancePath.startsWith(e.instancePath)))
    for (const e of leaves) {
      const path = pointerToPath(e.instancePath)
      if (e.keyword === 'additionalProperties') path.push(String((e.params as {additionalProperty: string}).additionalProperty))
      // Array items are never spliced out (later items would shift off their source positions):
      // the whole list goes, up to the nearest mapping key.
      let depth = path.length
      while (depth > 0 && Array.isArray(parentAt(v, path.slice(0, depth - 1)))) depth--
      const target = path.slice(0, depth)
      if (ESSENTIAL.has(target.join('/'))) return undefined
      const parent = parentAt(v, target.slice(0, -1)) as Record<string, unknown> | undefined
      if (parent && typeof parent === 'object') delete parent[target[target.length - 1]!]
      cut.push(target.join('/'))
    }
  }
  return validate(v) ? {value: v, cut} : undefined
}

function parentAt(v: unknown, path: readonly string[]): unknown {
  let node = v
  for (const seg of path) node = node !== null && typeof node === 'object' ? (node as Record<string, unknown>)[seg] : undefined
  return node
}

/** `spec.kafka.sasl`, `spec.produces[1]`: how a path is shown in messages. */
export function showPath(path: DocPath): string {
  let s = ''
  for (const seg of path) s += typeof seg === 'number' || /^\d+$/.test(String(seg)) ? `[${seg}]` : s === '' ? String(seg) : `.${seg}`
  return s === '' ? 'the document' : s
}

const TYPE_NAMES: Readonly<Record<string, string>> = {
  object: 'a mapping', array: 'a list', string: 'a string', integer: 'an integer', number: 'a number', boolean: 'true or false', null: 'null',
}

function typeOf(v: unknown): string {
  if (v === null) return 'null'
  if (Array.isArray(v)) return 'a list'
  if (typeof v === 'object') return 'a mapping'
  if (typeof v === 'number') return Number.isInteger(v) ? 'an integer' : 'a number'
  if (typeof v === 'boolean') return 'a boolean'
  return `a ${typeof v}`
}

/** The branches of a oneOf/anyOf in words, when each is a plain value (a const, an enum, a bounded scalar type). */
function scalarChoices(e: ErrorObject): string[] | undefined {
  const branches = (e.schema as unknown[] | undefined) ?? []
  const words = branches.map((b) => {
    const branch = b as {const?: unknown; enum?: unknown[]; type?: string; minimum?: number; maximum?: number; properties?: unknown}
    if (branch.const !== undefined) return String(branch.const)
    if (branch.enum) return branch.enum.map(String).join(', ')
    if (branch.type === undefined || branch.type === 'object' || branch.type === 'array' || branch.properties) return undefined
    const bounds = [branch.minimum === undefined ? '' : ` >= ${branch.minimum}`, branch.maximum === undefined ? '' : ` <= ${branch.maximum}`].join('')
    return `${TYPE_NAMES[branch.type] ?? branch.type}${bounds}`
  })
  return words.length > 0 && words.every((w) => w !== undefined) ? (words as string[]) : undefined
}

function choiceDiagnostic(pd: ParsedDoc, e: ErrorObject): Diagnostic {
  const path = pointerToPath(e.instancePath)
  const words = scalarChoices(e)!
  const got = typeof e.data === 'string' ? `"${e.data}"` : JSON.stringify(e.data)
  return {severity: 'error', rule: 'schema', resource: resourceOf(pd), location: locate(pd, path),
    message: `${showPath(path)} must be ${words.join(' or ')}, got ${got}`, hint: `write ${words.join(' or ')}`}
}

function toDiagnostic(pd: ParsedDoc, e: ErrorObject): Diagnostic | undefined {
  const path = pointerToPath(e.instancePath)
  const where = showPath(path)
  const base = {severity: 'error' as const, rule: 'schema', resource: resourceOf(pd)}
  const p = e.params as Record<string, any>
  switch (e.keyword) {
    case 'if': case 'anyOf': case 'oneOf': case 'allOf':
      return undefined // the branch's own errors say what is wrong
    case 'additionalProperties': {
      const key = String(p.additionalProperty)
      const allowed = Object.keys((e.parentSchema as any)?.properties ?? {})
      const mean = didYouMean(key, allowed)
      return {...base, location: locate(pd, [...path, key], {key: true}), message: `unknown key "${key}" in ${where}`,
        hint: mean ?? (allowed.length > 0 ? `allowed keys here: ${allowed.join(', ')}` : 'remove this key')}
    }
    case 'required': {
      const key = String(p.missingProperty)
      return {...base, location: locate(pd, path, {key: true}), message: `${where} is missing required key "${key}"`,
        hint: `add "${key}:"${path.length > 0 ? ` under ${where}` : ''}`}
    }
    case 'type': {
      const types = String(p.type).split(',').map((t) => TYPE_NAMES[t] ?? t)
      return {...base, location: locate(pd, path), message: `${where} must be ${types.join(' or ')}, got ${typeOf(e.data)}`,
        hint: types.includes('an integer') ? 'write a whole number without quotes' : `write ${types.join(' or ')} here`}
    }
    case 'enum': case 'const': {
      const allowed: unknown[] = e.keyword === 'enum' ? p.allowedValues : [p.allowedValue]
      const got = typeof e.data === 'string' ? `"${e.data}"` : JSON.stringify(e.data)
      const mean = typeof e.data === 'string' ? didYouMean(e.data, allowed.map(String)) : undefined
      return {...base, location: locate(pd, path), message: `${where} must be one of ${allowed.join(', ')}, got ${got}`,
        hint: mean ?? `use one of: ${allowed.join(', ')}`}
    }
    case 'minimum': case 'maximum': case 'exclusiveMinimum': case 'exclusiveMaximum': {
      return {...base, location: locate(pd, path), message: `${where} must be ${p.comparison} ${p.limit}, got ${JSON.stringify(e.data)}`,
        hint: `use a value ${p.comparison} ${p.limit}`}
    }
    case 'minLength': case 'minItems':
      return {...base, location: locate(pd, path), message: `${where} must not be empty`, hint: 'give it a value or remove the key'}
    case 'pattern': {
      const desc = (e.parentSchema as any)?.description
      return {...base, location: locate(pd, path), message: `${where} is not a valid ${desc ?? 'value'}`,
        hint: desc ? `expected ${desc}` : `must match ${p.pattern}`}
    }
    default:
      return {...base, location: locate(pd, path), message: `${where} ${e.message ?? 'is invalid'}`, hint: 'see the manifest reference in the README'}
  }
}

function resourceOf(pd: ParsedDoc): string | undefined {
  const v = pd.value as any
  const kind = typeof v?.kind === 'string' ? v.kind : undefined
  const name = typeof v?.metadata?.name === 'string' ? v.metadata.name : undefined
  return kind && name ? `${kind}/${name}` : undefined
}

export {keysAt}
