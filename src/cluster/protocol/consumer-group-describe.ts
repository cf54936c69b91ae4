import type {ApiDefinition} from './api.js'
import type {Reader} from './wire.js'

/**
 * ConsumerGroupDescribe (69) v0, flexible (KIP-848): groups of the new `consumer` protocol, whose
 * members' subscriptions and assignments the coordinator itself keeps (DescribeGroups does not
 * describe them). Kafka 3.7+ (preview), 4.0+ generally.
 */
export interface ConsumerGroupMember {
  readonly memberId: string
  readonly instanceId: string | null
  readonly memberEpoch: number
  readonly clientId: string
  readonly clientHost: string
  readonly subscribedTopicNames: readonly string[]
  readonly subscribedTopicRegex: string | null
  readonly assignment: readonly {readonly topicName: string; readonly partitions: readonly number[]}[]
}

export interface ConsumerGroupDescription {
  readonly errorCode: number
  readonly errorMessage: string | null
  readonly groupId: string
  readonly groupState: string
  readonly groupEpoch: number
  readonly assignorName: string
  readonly members: readonly ConsumerGroupMember[]
}

export interface ConsumerGroupDescribeResponse {
  readonly throttleTimeMs: number
  readonly groups: readonly ConsumerGroupDescription[]
}

function readAssignment(r: Reader): {topicName: string; partitions: number[]}[] {
  const topics = r.array((r) => {
    r.uuid()
    const topicName = r.string()
    const partitions = r.array((r) => r.int32())
    r.tags()
    return {topicName, partitions}
  })
  r.tags()
  return topics
}

export const ConsumerGroupDescribe: ApiDefinition<{readonly groupIds: readonly string[]}, ConsumerGroupDescribeResponse> = {
  apiKey: 69,
  name: 'ConsumerGroupDescribe',
  minVersion: 0,
  maxVersion: 0,
  firstFlexibleVersion: 0,
  encode(w, _version, req) {
    w.array(req.groupIds, (w, g) => w.string(g)).bool(false).tags()
  },
  decode(r) {
    const throttleTimeMs = r.int32()
    const groups = r.array((r): ConsumerGroupDescription => {
      const errorCode = r.int16()
      const errorMessage = r.nullableString()
      const groupId = r.string()
      const groupState = r.string()
      const groupEpoch = r.int32()
      r.int32() // assignment epoch
      const assignorName = r.string()
      const members = r.array((r): ConsumerGroupMember => {
        const memberId = r.string()
        const instanceId = r.nullableString()
        r.nullableString() // rack id
        const memberEpoch = r.int32()
        const clientId = r.string()
        const clientHost = r.string()
        const subscribedTopicNames = r.array((r) => r.string())
        const subscribedTopicRegex = r.nullableString()
        const assignment = readAssignment(r)
        readAssignment(r) // target assignment
        r.tags()
        return {memberId, instanceId, memberEpoch, clientId, clientHost, subscribedTopicNames, subscribedTopicRegex, assignment}
      })
      r.int32() // authorized operations (not requested)
      r.tags()
      return {errorCode, errorMessage, groupId, groupState, groupEpoch, assignorName, members}
    })
    r.tags()
    return {throttleTimeMs, groups}
  },
}
