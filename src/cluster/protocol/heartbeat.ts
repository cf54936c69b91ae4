import type {ApiDefinition} from './api.js'

/**
 * Heartbeat (12) v0–v4 (flexible from v4): keeps a member of a classic group alive between joins;
 * the answer says when the group rebalances (REBALANCE_IN_PROGRESS) or no longer knows the member
 * or its generation. v3 adds groupInstanceId.
 */
export interface HeartbeatRequest {
  readonly groupId: string
  readonly generationId: number
  readonly memberId: string
  readonly groupInstanceId: string | null
}

export interface HeartbeatResponse {
  readonly throttleTimeMs: number
  readonly errorCode: number
}

export const Heartbeat: ApiDefinition<HeartbeatRequest, HeartbeatResponse> = {
  apiKey: 12,
  name: 'Heartbeat',
  minVersion: 0,
  maxVersion: 4,
  firstFlexibleVersion: 4,
  encode(w, version, req) {
    w.string(req.groupId).int32(req.generationId).string(req.memberId)
    if (version >= 3) w.string(req.groupInstanceId)
    w.tags()
  },
  decode(r, version) {
    const throttleTimeMs = version >= 1 ? r.int32() : 0
    const errorCode = r.int16()
    r.tags()
    return {throttleTimeMs, errorCode}
  },
}
