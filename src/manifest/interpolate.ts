import type {DocPath} from './parse-positions.js'

/**
 * `${env:VAR}`, `${file:path}` and `${var:NAME}` substitution in manifest strings. Pure: the
 * caller supplies the lookups. `$${` writes a literal `${`. A reference whose lookup returns
 * undefined is a problem naming it; a scheme without a lookup is left as written (so `${var:…}`
 * survives loading and is resolved once the environment is known).
 */
export const INTERPOLATION_SCHEMES = ['env', 'file', 'var'] as const
export type InterpolationScheme = (typeof INTERPOLATION_SCHEMES)[number]

export type Lookups = Partial<Record<InterpolationScheme, (name: string) => string | undefined>>

export interface InterpolationProblem {
  readonly path: DocPath
  readonly scheme: InterpolationScheme | 'syntax'
  readonly name: string
}

const REF = /\$\$\{|\$\{([a-z]+):([^}]*)\}|\$\{/g

export interface Substituted {
  readonly value: string
  /** `env:NAME` / `file:path` when the whole string was one reference, else `inline`. */
  readonly origin: string
  readonly problems: readonly {scheme: InterpolationScheme | 'syntax'; name: string}[]
}

export function substitute(text: string, lookups: Lookups): Substituted {
  const problems: {scheme: InterpolationScheme | 'syntax'; name: string}[] = []
  const whole = /^\$\{(env|file):([^}]*)\}$/.exec(text)
  const value = text.replace(REF, (m, scheme: string | undefined, name: string | undefined) => {
    if (m === '$${') return '${'
    if (scheme === undefined || name === undefined) {
      problems.push({scheme: 'syntax', name: m})
      return m
    }
    if (!(INTERPOLATION_SCHEMES as readonly string[]).includes(scheme) || name.trim() === '') {
      problems.push({scheme: 'syntax', name: m})
      return m
    }
    const lookup = lookups[scheme as InterpolationScheme]
    if (!lookup) return m
    const v = lookup(name.trim())
    if (v === undefined) {
      problems.push({scheme: scheme as InterpolationScheme, name: name.trim()})
      return m
    }
    return v
  })
  return {value, origin: whole ? `${whole[1]}:${whole[2]}` : 'inline', problems}
}

/**
 * Substitutes every string in a JSON-like value (keys stay as written). `onString` sees each
 * string with its path, so callers can wrap secrets or attach positions to problems.
 */
export function interpolateTree(
  value: unknown,
  lookups: Lookups,
  onString: (path: DocPath, result: Substituted) => unknown = (_p, r) => r.value,
  path: DocPath = [],
): unknown {
  if (typeof value === 'string') return onString(path, substitute(value, lookups))
  if (Array.isArray(value)) return value.map((v, i) => interpolateTree(v, lookups, onString, [...path, i]))
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {}
    for (const [k, v] of Object.entries(value)) out[k] = interpolateTree(v, lookups, onString, [...path, k])
    return out
  }
  return value
}

export function describeProblem(p: {scheme: InterpolationScheme | 'syntax'; name: string}, environment?: string): {message: string; hint: string} {
  switch (p.scheme) {
    case 'env':
      return {message: `environment variable ${p.name} is not set (used as \${env:${p.name}})`, hint: `export ${p.name}=… before running streamctl, or change the manifest`}
    case 'file':
      return {message: `file ${p.name} not found (used as \${file:${p.name}})`, hint: 'paths in ${file:…} are relative to the manifest that uses them'}
    case 'var':
      return {message: `variable ${p.name} is not defined in ${environment ? `environment ${environment}` : 'the environment'} (used as \${var:${p.name}})`,
        hint: `add it under spec.variables of ${environment ? `Environment ${environment}` : 'the Environment'}`}
    case 'syntax':
      return {message: `malformed reference in "${p.name}"`, hint: 'write ${env:NAME}, ${file:path} or ${var:NAME}; $${ gives a literal ${'}
  }
}
