import type {ApiDefinition} from './api.js'

/**
 * JoinGroup (11) v2–v9 (flexible from v6): a member (re)joins a classic group and, once every
 * member has, learns the generation, the leader and (the leader only) every member's metadata.
 * v2 is the oldest Kafka 4.0 accepts (KIP-896). From v4 a first join with an empty member id is
 * answered MEMBER_ID_REQUIRED (79) with the id to join again with (KIP-394); v5 adds static
 * membership (groupInstanceId), v7 the protocol type in the answer, v8 the reason, v9 SkipAssignment.
 */
export interface JoinGroupRequest {
  readonly groupId: string
  readonly sessionTimeoutMs: number
  readonly rebalanceTimeoutMs: number
  readonly memberId: string
  readonly groupInstanceId: string | null
  readonly protocolType: string
  readonly protocols: readonly {readonly name: string; readonly metadata: Buffer}[]
  readonly reason: string | null
}

export interface JoinGroupMember {
  readonly memberId: string
  readonly groupInstanceId: string | null
  readonly metadata: Buffer
}

export interface JoinGroupResponse {
  readonly throttleTimeMs: number
  readonly errorCode: number
  readonly generationId: number
  readonly protocolType: string | null
  readonly protocolName: string | null
  readonly leader: string
  readonly skipAssignment: boolean
  readonly memberId: string
  readonly members: readonly JoinGroupMember[]
}

export const JoinGroup: ApiDefinition<JoinGroupRequest, JoinGroupResponse> = {
  apiKey: 11,
  name: 'JoinGroup',
  minVersion: 2,
  maxVersion: 9,
  firstFlexibleVersion: 6,
  encode(w, version, req) {
    w.string(req.groupId).int32(req.sessionTimeoutMs).int32(req.rebalanceTimeoutMs).string(req.memberId)
    if (version >= 5) w.string(req.groupInstanceId)
    w.string(req.protocolType)
    w.array(req.protocols, (w, p) => w.string(p.name).bytes(p.metadata).tags())
    if (version >= 8) w.string(req.reason)
    w.tags()
  },
  decode(r, version) {
    const throttleTimeMs = r.int32()
    const errorCode = r.int16()
    const generationId = r.int32()
    const protocolType = version >= 7 ? r.nullableString() : null
    const protocolName = r.nullableString()
    const leader = r.string()
    const skipAssignment = version >= 9 ? r.bool() : false
    const memberId = r.string()
    const members = r.array((r) => {
      const m = {memberId: r.string(), groupInstanceId: version >= 5 ? r.nullableString() : null, metadata: r.nullableBytes() ?? Buffer.alloc(0)}
      r.tags()
      return m
    })
    r.tags()
    return {throttleTimeMs, errorCode, generationId, protocolType, protocolName, leader, skipAssignment, memberId, members}
  },
}
