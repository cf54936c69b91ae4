import type {ApiDefinition} from './api.js'

/**
 * ListGroups (16) v1–v5 (flexible from v3). Each broker lists only the groups it coordinates, so
 * the caller asks every broker and learns each group's coordinator from who answered. v4 adds the
 * group state, v5 the group type (`classic` or KIP-848's `consumer`); older brokers give neither.
 */
export interface ListedGroup {
  readonly groupId: string
  /** `consumer` for consumer groups, `connect` for Connect workers, '' for KIP-848 groups of other kinds. */
  readonly protocolType: string
  /** v4+; null before. */
  readonly groupState: string | null
  /** v5+ (`classic`, `consumer`, `share`, `streams`); null before (then every group is classic). */
  readonly groupType: string | null
}

export interface ListGroupsResponse {
  readonly throttleTimeMs: number
  readonly errorCode: number
  readonly groups: readonly ListedGroup[]
}

export const ListGroups: ApiDefinition<Record<string, never>, ListGroupsResponse> = {
  apiKey: 16,
  name: 'ListGroups',
  minVersion: 1,
  maxVersion: 5,
  firstFlexibleVersion: 3,
  encode(w, version) {
    // Empty filters: every state, every type.
    if (version >= 4) w.array([], () => undefined)
    if (version >= 5) w.array([], () => undefined)
    w.tags()
  },
  decode(r, version) {
    const throttleTimeMs = r.int32()
    const errorCode = r.int16()
    const groups = r.array((r): ListedGroup => {
      const groupId = r.string()
      const protocolType = r.string()
      const groupState = version >= 4 ? r.string() : null
      const groupType = version >= 5 ? r.string() : null
      r.tags()
      return {groupId, protocolType, groupState, groupType}
    })
    r.tags()
    return {throttleTimeMs, errorCode, groups}
  },
}
