import type {ApiDefinition} from './api.js'

/**
 * SyncGroup (14) v0–v5 (flexible from v4): after a join, the leader hands in every member's
 * assignment and each member gets its own back. v3 adds groupInstanceId, v5 the protocol type and
 * name in both directions (KIP-559), which the coordinator checks against the group's.
 */
export interface SyncGroupRequest {
  readonly groupId: string
  readonly generationId: number
  readonly memberId: string
  readonly groupInstanceId: string | null
  readonly protocolType: string | null
  readonly protocolName: string | null
  /** The leader's assignments, one per member; empty for the other members. */
  readonly assignments: readonly {readonly memberId: string; readonly assignment: Buffer}[]
}

export interface SyncGroupResponse {
  readonly throttleTimeMs: number
  readonly errorCode: number
  readonly protocolType: string | null
  readonly protocolName: string | null
  readonly assignment: Buffer
}

export const SyncGroup: ApiDefinition<SyncGroupRequest, SyncGroupResponse> = {
  apiKey: 14,
  name: 'SyncGroup',
  minVersion: 0,
  maxVersion: 5,
  firstFlexibleVersion: 4,
  encode(w, version, req) {
    w.string(req.groupId).int32(req.generationId).string(req.memberId)
    if (version >= 3) w.string(req.groupInstanceId)
    if (version >= 5) w.string(req.protocolType).string(req.protocolName)
    w.array(req.assignments, (w, a) => w.string(a.memberId).bytes(a.assignment).tags())
    w.tags()
  },
  decode(r, version) {
    const throttleTimeMs = version >= 1 ? r.int32() : 0
    const errorCode = r.int16()
    const protocolType = version >= 5 ? r.nullableString() : null
    const protocolName = version >= 5 ? r.nullableString() : null
    const assignment = r.nullableBytes() ?? Buffer.alloc(0)
    r.tags()
    return {throttleTimeMs, errorCode, protocolType, protocolName, assignment}
  },
}
