import {isSecret} from '../model/secret.js'
import type {DocPath} from './parse-positions.js'

/**
 * `${env:VAR}`, `${file:path}` and `${var:NAME}` substitution in manifest strings. Pure: the
 * caller supplies the lookups. `$${` writes a literal `${`.
 *
 * Substitution runs in two stages, and a string is read as a template exactly once:
 *  - partial (loading: env and file): references with a lookup are replaced by their value
 *    *escaped* (`${` → `$${`), everything else — `$${`, `${var:…}`, malformed references — stays
 *    as written, so the final stage sees the original template;
 *  - final (per environment: var): references are replaced by their value verbatim, `$${` becomes
 *    `${`, and any other `${` is a problem. So a substituted value or an escaped literal is never
 *    read as a reference again, and nothing unresolved survives without an error.
 */
export const INTERPOLATION_SCHEMES = ['env', 'file', 'var'] as const
export type InterpolationScheme = (typeof INTERPOLATION_SCHEMES)[number]

/** A lookup's answer: the value, undefined (not defined), or why it cannot be had. */
export type LookupResult = string | undefined | {readonly message: string; readonly hint: string}
export type Lookups = Partial<Record<InterpolationScheme, (name: string) => LookupResult>>

export interface SubstitutionProblem {
  /** `syntax`: a malformed reference; `unavailable`: a scheme that cannot be used at this place. */
  readonly scheme: InterpolationScheme | 'syntax' | 'unavailable'
  readonly name: string
  /** The lookup's own explanation (a cyclic variable, say). */
  readonly detail?: {readonly message: string; readonly hint: string}
}

export interface InterpolationProblem extends SubstitutionProblem {
  readonly path: DocPath
}

export interface SubstituteOptions {
  /** Final stage: unescape `$${` and report every reference left. Default: partial. */
  readonly final?: boolean
  /**
   * Final stage: schemes an earlier stage already handled (and reported when they failed), left
   * as written without a second report.
   */
  readonly handled?: readonly InterpolationScheme[]
}

const REF = /\$\$\{|\$\{([a-z]+):([^}]*)\}|\$\{/g

export interface Substituted {
  readonly value: string
  /** `env:NAME` / `file:path` when the whole string was one reference, else `inline`. */
  readonly origin: string
  readonly problems: readonly SubstitutionProblem[]
}

/** A literal as template text: the final stage turns it back into exactly `text`. */
export function escapeLiteral(text: string): string {
  return text.replaceAll('${', () => '$${')
}

export function substitute(text: string, lookups: Lookups, opts: SubstituteOptions = {}): Substituted {
  const final = opts.final ?? false
  const problems: SubstitutionProblem[] = []
  const whole = /^\$\{(env|file):([^}]*)\}$/.exec(text)
  const value = text.replace(REF, (m, scheme: string | undefined, name: string | undefined) => {
    if (m === '$${') return final ? '${' : m
    const known = scheme !== undefined && (INTERPOLATION_SCHEMES as readonly string[]).includes(scheme) && name !== undefined && name.trim() !== ''
    if (!known) {
      // Reported once, by the final stage (which every string reaches).
      if (final) problems.push({scheme: 'syntax', name: m})
      return m
    }
    const s = scheme as InterpolationScheme
    const lookup = lookups[s]
    if (!lookup) {
      if (final && !(opts.handled ?? []).includes(s)) problems.push({scheme: 'unavailable', name: m})
      return m
    }
    const v = lookup(name!.trim())
    if (typeof v === 'string') return final ? v : escapeLiteral(v)
    problems.push(v === undefined ? {scheme: s, name: name!.trim()} : {scheme: s, name: name!.trim(), detail: v})
    return m
  })
  return {value, origin: whole ? `${whole[1]}:${whole[2]}` : 'inline', problems}
}

/**
 * Substitutes every string in a JSON-like value (keys stay as written; Secrets are final and
 * pass through). `onString` sees each string with its path, so callers can wrap secrets or
 * attach positions to problems.
 */
export function interpolateTree(
  value: unknown,
  lookups: Lookups,
  onString: (path: DocPath, result: Substituted) => unknown = (_p, r) => r.value,
  path: DocPath = [],
  opts: SubstituteOptions | ((path: DocPath) => SubstituteOptions) = {},
): unknown {
  if (typeof value === 'string') return onString(path, substitute(value, lookups, typeof opts === 'function' ? opts(path) : opts))
  if (Array.isArray(value)) return value.map((v, i) => interpolateTree(v, lookups, onString, [...path, i], opts))
  if (value !== null && typeof value === 'object' && !isSecret(value)) {
    // fromEntries defines own properties, so a `__proto__` key stays a key.
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, interpolateTree(v, lookups, onString, [...path, k], opts)]))
  }
  return value
}

export function describeProblem(p: SubstitutionProblem, environment?: string): {message: string; hint: string} {
  if (p.detail) return p.detail
  switch (p.scheme) {
    case 'env':
      return {message: `environment variable ${p.name} is not set (used as \${env:${p.name}})`, hint: `export ${p.name}=… before running streamctl, or change the manifest`}
    case 'file':
      return {message: `file ${p.name} not found (used as \${file:${p.name}})`, hint: 'paths in ${file:…} are relative to the manifest that uses them'}
    case 'var':
      return {message: `variable ${p.name} is not defined in ${environment ? `environment ${environment}` : 'the environment'} (used as \${var:${p.name}})`,
        hint: `add it under spec.variables of ${environment ? `Environment ${environment}` : 'the Environment'}`}
    case 'unavailable':
      return {message: `${p.name} cannot be used here`, hint: 'secrets take ${env:NAME} or ${file:path}; write $${ for a literal ${'}
    case 'syntax':
      return {message: `malformed reference in "${p.name}"`, hint: 'write ${env:NAME}, ${file:path} or ${var:NAME}; $${ gives a literal ${'}
  }
}
