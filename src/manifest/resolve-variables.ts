import {substitute, type LookupResult, type SubstitutionProblem} from './interpolate.js'

/**
 * An Environment's `variables` as a `${var:}` lookup. A variable's value is a template like any
 * other string, so it may use other variables (`prefix: ${var:org}.${var:domain}`); each value
 * is resolved once, and a cycle is a problem of every variable on it, never a half-substituted
 * value. Every variable is resolved (used or not), so each problem is reported at its definition.
 */
export function variableLookup(
  raw: Readonly<Record<string, unknown>>,
  onProblem: (variable: string, problem: SubstitutionProblem) => void,
): (name: string) => LookupResult {
  const done = new Map<string, LookupResult>()
  const stack: string[] = []
  const cyclic = new Set<string>()
  const lookup = (name: string): LookupResult => {
    if (done.has(name)) return done.get(name)
    if (!Object.hasOwn(raw, name) || typeof raw[name] !== 'string') return undefined
    const onStack = stack.indexOf(name)
    if (onStack >= 0) {
      // Each variable on the cycle gets the error at its own definition, the cycle told from it.
      const cycle = stack.slice(onStack)
      cycle.forEach((member, i) => {
        if (cyclic.has(member)) return
        cyclic.add(member)
        const path = [...cycle.slice(i), ...cycle.slice(0, i), member].join(' → ')
        onProblem(member, {scheme: 'var', name: member, detail: {message: `variable ${member} refers to itself (${path})`,
          hint: 'break the cycle: one of these variables must be written without the others'}})
      })
      return {message: `variable ${name} is part of a cycle`, hint: `see spec.variables.${name}`}
    }
    stack.push(name)
    const r = substitute(raw[name] as string, {var: lookup}, {final: true, handled: ['env', 'file']})
    stack.pop()
    let out: LookupResult = r.value
    if (r.problems.length > 0) {
      if (!cyclic.has(name)) for (const p of r.problems) onProblem(name, p)
      out = {message: `variable ${name} cannot be resolved (used as \${var:${name}})`, hint: `fix the problem reported at spec.variables.${name}`}
    }
    done.set(name, out)
    return out
  }
  for (const name of Object.keys(raw)) lookup(name)
  return lookup
}
