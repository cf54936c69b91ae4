import type {ApiDefinition} from './api.js'

/**
 * LeaveGroup (13) v0–v5 (flexible from v4): a member leaves at once instead of being dropped after
 * its session timeout. v0–v2 name one member; v3 takes a list (for static members, KIP-345) and
 * answers per member; v5 adds the reason (KIP-800).
 */
export interface LeaveGroupRequest {
  readonly groupId: string
  /** v0–v2 carry exactly one member. */
  readonly members: readonly {readonly memberId: string; readonly groupInstanceId: string | null; readonly reason: string | null}[]
}

export interface LeaveGroupResponse {
  readonly throttleTimeMs: number
  readonly errorCode: number
  readonly members: readonly {memberId: string; groupInstanceId: string | null; errorCode: number}[]
}

export const LeaveGroup: ApiDefinition<LeaveGroupRequest, LeaveGroupResponse> = {
  apiKey: 13,
  name: 'LeaveGroup',
  minVersion: 0,
  maxVersion: 5,
  firstFlexibleVersion: 4,
  encode(w, version, req) {
    w.string(req.groupId)
    if (version <= 2) {
      if (req.members.length !== 1) throw new RangeError(`LeaveGroup v${version} names exactly one member, not ${req.members.length}`)
      w.string(req.members[0]!.memberId)
      return
    }
    w.array(req.members, (w, m) => {
      w.string(m.memberId).string(m.groupInstanceId)
      if (version >= 5) w.string(m.reason)
      w.tags()
    })
    w.tags()
  },
  decode(r, version) {
    const throttleTimeMs = version >= 1 ? r.int32() : 0
    const errorCode = r.int16()
    const members = version >= 3
      ? r.array((r) => {
        const m = {memberId: r.string(), groupInstanceId: r.nullableString(), errorCode: r.int16()}
        r.tags()
        return m
      })
      : []
    r.tags()
    return {throttleTimeMs, errorCode, members}
  },
}
