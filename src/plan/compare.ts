import type {AclEntry} from '../model/state.js'

/** Code-unit order: unlike localeCompare it never depends on the ICU data or locale of the machine. */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}

const ACL_FIELDS = ['resourceType', 'patternType', 'resourceName', 'principal', 'host', 'operation', 'permission'] as const

/** Field by field (not on the joined aclKey, where `|` would sort after `-` inside names). */
export function compareAcls(a: AclEntry, b: AclEntry): number {
  for (const f of ACL_FIELDS) {
    const c = compareStrings(a[f], b[f])
    if (c !== 0) return c
  }
  return 0
}
