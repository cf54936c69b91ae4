import {formatLocation, type Diagnostic, type SourceLocation} from '../errors.js'
import type {ScramMechanismName, UserSpec} from '../model/desired.js'
import {isSecret, Secret} from '../model/secret.js'
import {quotaEntityKey, type QuotaEntityRef, type QuotaState, type UserState} from '../model/state.js'
import {where, type Resource} from './resource.js'
import {didYouMean} from './suggest.js'

/** Kafka's own name for the default entity (kafka-configs `--entity-default`, DescribeClientQuotas). */
export const DEFAULT_ENTITY = '<default>'
export const DEFAULT_SCRAM_MECHANISM: ScramMechanismName = 'SCRAM-SHA-512'
/** Above Kafka's floor of 4096 (ScramMechanism.minIterations), as the SCRAM RFCs advise for new credentials. */
export const DEFAULT_SCRAM_ITERATIONS = 8192

export interface ResolvedIdentities {
  readonly users: UserSpec[]
  /** The desired credential state (no passwords): what the planner compares. */
  readonly userStates: UserState[]
  readonly quotas: QuotaState[]
}

/** Whether a User or Quota resource applies to the environment (`spec.environments`, default all). */
export function appliesTo(r: Resource, environment: string): boolean {
  const only = (r.spec as {environments?: string[]}).environments
  return only === undefined || only.includes(environment)
}

function entityName(v: string | undefined): string | null | undefined {
  return v === undefined ? undefined : v === DEFAULT_ENTITY ? null : v
}

/**
 * The Users and Quotas of one environment: unknown environment names are errors (a typo would
 * silently leave a credential out of prod), a quota entity declared twice is an error, and a
 * User's missing password counts only where the User applies (a warning offline).
 */
export function resolveIdentities(
  resources: readonly Resource[], environment: string, environmentNames: readonly string[], offline: boolean, diags: Diagnostic[],
): ResolvedIdentities {
  const declaredEnvs = new Set(environmentNames)
  for (const r of resources) {
    const only = (r.spec as {environments?: string[]}).environments ?? []
    only.forEach((name, i) => {
      if (declaredEnvs.has(name)) return
      diags.push({severity: 'error', rule: 'reference', resource: `${r.kind}/${r.name}`, location: where(r, ['spec', 'environments', i]),
        message: `environment "${name}" is not declared`, hint: didYouMean(name, environmentNames) ?? `declared environments: ${environmentNames.join(', ') || 'none'}`})
    })
  }
  const applying = resources.filter((r) => appliesTo(r, environment))
  const users: UserSpec[] = []
  const userStates: UserState[] = []
  const quotas = new Map<string, {state: QuotaState; location: SourceLocation}>()
  const addQuota = (r: Resource, entity: QuotaEntityRef, values: Record<string, number>, path: readonly string[]) => {
    const key = quotaEntityKey(entity)
    const location = where(r, [...path])
    const prev = quotas.get(key)
    if (prev) {
      diags.push({severity: 'error', rule: 'duplicate', resource: `${r.kind}/${r.name}`, location,
        message: `the quotas of ${key} are declared twice; first declared at ${formatLocation(prev.location)}`,
        hint: 'declare each entity\'s quotas once: on its User, or in one Quota resource'})
      return
    }
    quotas.set(key, {state: {entity, values: {...values}}, location})
  }
  for (const r of applying) {
    if (r.kind === 'User') {
      for (const d of r.deferred) {
        const {secret, ...rest} = d
        diags.push(secret && offline ? {...rest, severity: 'warning', hint: `${rest.hint}; needed only to connect`} : rest)
      }
      const spec = r.spec as {credentials?: {mechanism: ScramMechanismName; iterations?: number}[]; password: unknown; quotas?: Record<string, number>}
      const credentials = (spec.credentials ?? [{mechanism: DEFAULT_SCRAM_MECHANISM}]).map((c) => ({mechanism: c.mechanism, iterations: c.iterations ?? DEFAULT_SCRAM_ITERATIONS}))
      const seen = new Set<string>()
      credentials.forEach((c, i) => {
        if (seen.has(c.mechanism)) {
          diags.push({severity: 'error', rule: 'duplicate', resource: `User/${r.name}`, location: where(r, ['spec', 'credentials', i, 'mechanism']),
            message: `${c.mechanism} is declared twice for user ${r.name}`, hint: 'Kafka keeps one credential per mechanism: remove one'})
        }
        seen.add(c.mechanism)
      })
      const password = isSecret(spec.password) ? spec.password : new Secret(String(spec.password), 'inline')
      const sorted = [...credentials].sort((a, b) => (a.mechanism < b.mechanism ? -1 : 1))
      users.push({name: r.name, credentials: sorted, password, location: where(r)})
      userStates.push({name: r.name, credentials: sorted})
      if (spec.quotas) addQuota(r, {user: r.name}, spec.quotas, ['spec', 'quotas'])
    } else if (r.kind === 'Quota') {
      const spec = r.spec as {user?: string; clientId?: string; quotas: Record<string, number>}
      const entity: QuotaEntityRef = {
        ...(spec.user === undefined ? {} : {user: entityName(spec.user)}),
        ...(spec.clientId === undefined ? {} : {clientId: entityName(spec.clientId)}),
      }
      addQuota(r, entity, spec.quotas, ['spec'])
    }
  }
  const byName = <T extends {name: string}>(a: T, b: T) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)
  return {
    users: users.sort(byName),
    userStates: userStates.sort(byName),
    quotas: [...quotas.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, q]) => q.state),
  }
}
