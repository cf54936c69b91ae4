import type {AclEntry} from '../model/state.js'
import {aclKey} from '../model/state.js'
import type {Action} from './actions.js'
import {compareAcls} from './compare.js'
import {globToRegExp} from './topic-scope.js'

export interface AclPlan {
  readonly actions: Action[]
  readonly unmanaged: AclEntry[]
}

/**
 * Which observed ACLs this plan may delete. A principal is in scope when the manifests declare it,
 * it matches the Environment's `prune.principals`, or this environment applied ACLs for it before
 * (the principal ledger); every other principal's ACLs are left alone. Independently, a topic's
 * LITERAL ACLs never outlive the topic: when it is deleted by this plan, or is gone and its name
 * is one this environment may delete, they go whatever their principal.
 */
export interface AclScope {
  readonly declared: ReadonlySet<string>
  readonly principalGlobs: readonly string[]
  readonly applied: ReadonlySet<string>
  /** `diff`: every principal is compared. */
  readonly manageAll: boolean
  /** Topic name → why its LITERAL ACLs go. */
  readonly goneTopics: ReadonlyMap<string, 'deleted' | 'gone'>
}

function describe(a: AclEntry): string {
  return `${a.permission} ${a.operation} on ${a.resourceType} ${a.resourceName} (${a.patternType}) for ${a.principal}@${a.host}`
}

/** Why `principal`'s undeclared ACLs may be deleted, or undefined when it is out of scope. */
function principalScope(principal: string, scope: AclScope, globs: readonly RegExp[]): string | undefined {
  if (scope.declared.has(principal) || scope.manageAll) return 'is not derived from any Service declaration'
  if (globs.some((g) => g.test(principal))) return `no longer declared; ${principal} is inside the environment's prune.principals`
  if (scope.applied.has(principal)) return `no longer declared; this environment applied ACLs for ${principal} before`
  return undefined
}

/** Set difference on ACL keys within the scope; out-of-scope ACLs are reported as unmanaged. */
export function planAcls(desired: readonly AclEntry[], observed: readonly AclEntry[], scope: AclScope): AclPlan {
  const have = new Set(observed.map(aclKey))
  const want = new Set(desired.map(aclKey))
  const globs = scope.principalGlobs.map(globToRegExp)
  const actions: Action[] = []
  for (const acl of desired) {
    if (have.has(aclKey(acl))) continue
    actions.push({kind: 'acl.create', id: `acl.create:${aclKey(acl)}`, risk: 'safe', dependsOn: [],
      reason: `derived from the Service declaring ${acl.principal}`, acl})
  }
  const unmanaged: AclEntry[] = []
  const seen = new Set<string>()
  for (const acl of [...observed].sort(compareAcls)) {
    const key = aclKey(acl)
    if (want.has(key) || seen.has(key)) continue
    seen.add(key)
    const gone = acl.resourceType === 'TOPIC' && acl.patternType === 'LITERAL' ? scope.goneTopics.get(acl.resourceName) : undefined
    const why = gone === 'deleted'
      ? `topic ${acl.resourceName} is deleted by this plan: its ACLs go with it`
      : gone === 'gone'
        ? `topic ${acl.resourceName} no longer exists and is inside the environment's prune scope: a re-created topic must not inherit old grants`
        : principalScope(acl.principal, scope, globs)
    if (why === undefined) {
      unmanaged.push(acl)
      continue
    }
    actions.push({kind: 'acl.delete', id: `acl.delete:${key}`, risk: 'disruptive', dependsOn: [], reason: `${describe(acl)}${why.startsWith('is ') ? ' ' : ': '}${why}`, acl})
  }
  return {actions, unmanaged}
}
