import type {EnvironmentSpec} from '../model/environment.js'
import {quotaEntityKey, type QuotaState, type UserState} from '../model/state.js'
import {maxRisk, quotaChangeRisk, type Action, type QuotaChange, type Risk, type UserCredentialDeleteAction} from './actions.js'
import {compareStrings} from './compare.js'
import {matchesAnyGlob} from './topic-scope.js'

export const UNMANAGED_IDENTITY_REASONS = ['protected', 'outside-prune-scope', 'connected-user'] as const
export type UnmanagedIdentityReason = (typeof UNMANAGED_IDENTITY_REASONS)[number]

export interface IdentityScope {
  readonly environment: EnvironmentSpec
  /** Users / quota entities this environment set before (the ledger): still owned once undeclared. */
  readonly appliedUsers: ReadonlySet<string>
  readonly appliedQuotaEntities: ReadonlySet<string>
  /** The user streamctl itself connects as: its credential is never deleted by its own plan. */
  readonly connectedUser?: string
  /** `diff`: every observed user and quota is compared, nothing is out of scope. */
  readonly manageAll: boolean
}

export interface IdentityPlan {
  readonly actions: Action[]
  readonly unmanagedUsers: {readonly name: string; readonly reason: UnmanagedIdentityReason}[]
  readonly unmanagedQuotas: {readonly entity: string; readonly reason: UnmanagedIdentityReason}[]
}

/**
 * Why an undeclared user's credentials (or a user entity's quotas) may go, or why not. A user is
 * owned when its principal matches `prune.principals` or this environment set its credentials
 * before; `protect` globs (`User:admin*`) and the connected user always win.
 */
function undeclaredUserScope(user: string, scope: IdentityScope, appliedBefore: boolean): UserCredentialDeleteAction['allowedBy'] | UnmanagedIdentityReason {
  const principal = `User:${user}`
  if (matchesAnyGlob(principal, scope.environment.protect)) return 'protected'
  if (user === scope.connectedUser) return 'connected-user'
  if (scope.manageAll) return 'diff'
  if (matchesAnyGlob(principal, scope.environment.prune?.principals ?? [])) return 'prune-scope'
  if (appliedBefore) return 'applied-before'
  return 'outside-prune-scope'
}

const OWNED = new Set(['diff', 'prune-scope', 'applied-before'])

/**
 * Desired users vs observed SCRAM credentials. Kafka never returns a password: the observe step
 * marks each credential's password `matches`, `differs` or `unknown` against the fingerprint
 * streamctl recorded when it last set it. A credential without a verdict (diff) is compared by
 * mechanism and iterations only.
 */
export function planUsers(
  desired: readonly UserState[], observed: readonly UserState[], passwordFrom: ReadonlyMap<string, string>, scope: IdentityScope,
): Pick<IdentityPlan, 'actions' | 'unmanagedUsers'> {
  const actions: Action[] = []
  const unmanagedUsers: IdentityPlan['unmanagedUsers'] = []
  const observedByName = new Map(observed.map((u) => [u.name, u]))
  const declared = new Set(desired.map((u) => u.name))
  for (const want of [...desired].sort((a, b) => compareStrings(a.name, b.name))) {
    const have = observedByName.get(want.name)
    for (const c of want.credentials) {
      const seen = have?.credentials.find((h) => h.mechanism === c.mechanism)
      const change = seen === undefined ? 'create'
        : seen.password === 'differs' ? 'rotate'
          : seen.password === 'unknown' ? 'unverified'
            : seen.iterations !== c.iterations ? 'iterations' : undefined
      if (change === undefined) continue
      const risk: Risk = change === 'rotate' || change === 'unverified' ? 'disruptive' : 'safe'
      const reason = {
        create: `new ${c.mechanism} credential for user ${want.name}`,
        rotate: `the declared password differs from the one streamctl set: rotating it (clients with the old password can no longer log in)`,
        iterations: `iterations ${seen?.iterations} → ${c.iterations} (same password, new salt)`,
        unverified: `the credential exists but streamctl has no record of its password: it is set to the declared one`,
      }[change]
      actions.push({
        kind: 'user.credential.upsert', id: `user.credential.upsert:${want.name}/${c.mechanism}`, risk, dependsOn: [], reason,
        user: want.name, mechanism: c.mechanism, iterations: c.iterations, change, beforeIterations: seen?.iterations ?? null,
        passwordFrom: passwordFrom.get(want.name) ?? 'unknown',
      })
    }
    for (const h of have?.credentials ?? []) {
      if (want.credentials.some((c) => c.mechanism === h.mechanism)) continue
      actions.push({kind: 'user.credential.delete', id: `user.credential.delete:${want.name}/${h.mechanism}`, risk: 'destructive', dependsOn: [],
        reason: `user ${want.name} no longer declares ${h.mechanism}`, user: want.name, mechanism: h.mechanism, allowedBy: 'declared'})
    }
  }
  for (const have of [...observed].sort((a, b) => compareStrings(a.name, b.name))) {
    if (declared.has(have.name)) continue
    const verdict = undeclaredUserScope(have.name, scope, scope.appliedUsers.has(have.name))
    if (!OWNED.has(verdict)) {
      unmanagedUsers.push({name: have.name, reason: verdict as UnmanagedIdentityReason})
      continue
    }
    const why = {
      'diff': 'only on the first side',
      'prune-scope': `not declared; User:${have.name} is inside the environment's prune.principals`,
      'applied-before': 'not declared; this environment set its credentials before',
    }[verdict as 'diff' | 'prune-scope' | 'applied-before']
    for (const h of have.credentials) {
      actions.push({kind: 'user.credential.delete', id: `user.credential.delete:${have.name}/${h.mechanism}`, risk: 'destructive', dependsOn: [],
        reason: `${why}: user ${have.name} can no longer log in with ${h.mechanism}`, user: have.name, mechanism: h.mechanism,
        allowedBy: verdict as UserCredentialDeleteAction['allowedBy']})
    }
  }
  return {actions, unmanagedUsers}
}

/**
 * Desired quotas vs observed, per entity and key. A key that is no longer declared is removed
 * (Kafka then applies the next entity's value, or no limit), never set to 0. Undeclared entities
 * are in scope like users: a user entity of an owned user, or any entity this environment set.
 */
export function planQuotas(desired: readonly QuotaState[], observed: readonly QuotaState[], scope: IdentityScope): Pick<IdentityPlan, 'actions' | 'unmanagedQuotas'> {
  const actions: Action[] = []
  const unmanagedQuotas: IdentityPlan['unmanagedQuotas'] = []
  const observedByKey = new Map(observed.map((q) => [quotaEntityKey(q.entity), q]))
  const desiredByKey = new Map(desired.map((q) => [quotaEntityKey(q.entity), q]))
  const keys = [...new Set([...desiredByKey.keys(), ...observedByKey.keys()])].sort(compareStrings)
  for (const key of keys) {
    const want = desiredByKey.get(key)
    const have = observedByKey.get(key)
    const entity = (want ?? have)!.entity
    if (want === undefined) {
      const user = typeof entity.user === 'string' ? entity.user : undefined
      const applied = scope.appliedQuotaEntities.has(key)
      const verdict = user === undefined
        ? (scope.manageAll ? 'diff' : applied ? 'applied-before' : 'outside-prune-scope')
        : undeclaredUserScope(user, scope, applied)
      if (!OWNED.has(verdict)) {
        unmanagedQuotas.push({entity: key, reason: verdict as UnmanagedIdentityReason})
        continue
      }
    }
    const changes: QuotaChange[] = []
    for (const k of [...new Set([...Object.keys(want?.values ?? {}), ...Object.keys(have?.values ?? {})])].sort(compareStrings)) {
      const before = have?.values[k] ?? null
      const after = want?.values[k] ?? null
      if (before !== after) changes.push({key: k, before, after})
    }
    if (changes.length === 0) continue
    actions.push({
      kind: 'quota.alter', id: `quota.alter:${key}`, risk: maxRisk(changes.map(quotaChangeRisk)), dependsOn: [], entity, changes,
      reason: want === undefined ? `quotas of ${key} are no longer declared: removed` : `declared quotas of ${key}`,
    })
  }
  return {actions, unmanagedQuotas}
}
