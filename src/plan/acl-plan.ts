import type {AclEntry} from '../model/state.js'
import {aclKey} from '../model/state.js'
import type {Action} from './actions.js'
import type {DerivedAcls} from './acl-derive.js'
import {compareAcls} from './compare.js'

export interface AclPlan {
  readonly actions: Action[]
  readonly unmanaged: AclEntry[]
}

function describe(a: AclEntry): string {
  return `${a.permission} ${a.operation} on ${a.resourceType} ${a.resourceName} (${a.patternType}) for ${a.principal}@${a.host}`
}

/**
 * Set difference on ACL keys, limited to managed principals: an ACL of a principal no Service
 * declares is reported as unmanaged and never deleted.
 */
export function planAcls(derived: DerivedAcls, observed: readonly AclEntry[]): AclPlan {
  const have = new Set(observed.map(aclKey))
  const want = new Set(derived.acls.map(aclKey))
  const actions: Action[] = []
  for (const acl of derived.acls) {
    if (have.has(aclKey(acl))) continue
    actions.push({kind: 'acl.create', id: `acl.create:${aclKey(acl)}`, risk: 'safe', dependsOn: [],
      reason: `derived from the Service declaring ${acl.principal}`, acl})
  }
  const unmanaged: AclEntry[] = []
  for (const acl of [...observed].sort(compareAcls)) {
    if (!derived.principals.has(acl.principal)) {
      unmanaged.push(acl)
      continue
    }
    if (want.has(aclKey(acl))) continue
    actions.push({kind: 'acl.delete', id: `acl.delete:${aclKey(acl)}`, risk: 'disruptive', dependsOn: [],
      reason: `${describe(acl)} is not derived from any Service declaration`, acl})
  }
  return {actions, unmanaged}
}
