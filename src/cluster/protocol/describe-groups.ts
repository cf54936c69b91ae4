import type {ApiDefinition} from './api.js'

/**
 * DescribeGroups (15) v1–v5 (flexible from v5): classic groups as their coordinator holds them.
 * Member metadata and assignment are the group protocol's own bytes (for `consumer` groups the
 * subscription and assignment of consumer-protocol.ts); Kafka fills them only in Stable state.
 */
export interface DescribedGroupMember {
  readonly memberId: string
  readonly groupInstanceId: string | null
  readonly clientId: string
  readonly clientHost: string
  readonly memberMetadata: Buffer
  readonly memberAssignment: Buffer
}

export interface DescribedGroup {
  readonly errorCode: number
  readonly groupId: string
  readonly groupState: string
  readonly protocolType: string
  /** The chosen protocol: for consumer groups the assignor (`range`, `cooperative-sticky`, Kafka Streams' `stream`). */
  readonly protocolData: string
  readonly members: readonly DescribedGroupMember[]
}

export interface DescribeGroupsResponse {
  readonly throttleTimeMs: number
  readonly groups: readonly DescribedGroup[]
}

export const DescribeGroups: ApiDefinition<{readonly groups: readonly string[]}, DescribeGroupsResponse> = {
  apiKey: 15,
  name: 'DescribeGroups',
  minVersion: 1,
  maxVersion: 5,
  firstFlexibleVersion: 5,
  encode(w, version, req) {
    w.array(req.groups, (w, g) => w.string(g))
    if (version >= 3) w.bool(false)
    w.tags()
  },
  decode(r, version) {
    const throttleTimeMs = r.int32()
    const groups = r.array((r): DescribedGroup => {
      const errorCode = r.int16()
      const groupId = r.string()
      const groupState = r.string()
      const protocolType = r.string()
      const protocolData = r.string()
      const members = r.array((r): DescribedGroupMember => {
        const memberId = r.string()
        const groupInstanceId = version >= 4 ? r.nullableString() : null
        const clientId = r.string()
        const clientHost = r.string()
        const memberMetadata = r.nullableBytes() ?? Buffer.alloc(0)
        const memberAssignment = r.nullableBytes() ?? Buffer.alloc(0)
        r.tags()
        return {memberId, groupInstanceId, clientId, clientHost, memberMetadata, memberAssignment}
      })
      if (version >= 3) r.int32() // authorized operations (not requested)
      r.tags()
      return {errorCode, groupId, groupState, protocolType, protocolData, members}
    })
    r.tags()
    return {throttleTimeMs, groups}
  },
}
