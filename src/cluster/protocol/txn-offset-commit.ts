import type {ApiDefinition} from './api.js'

/**
 * TxnOffsetCommit (28) v1–v3 (flexible from v3), sent to the group coordinator: the input
 * positions a transaction commits. v3 carries the group generation and member id (KIP-447), so
 * the coordinator refuses a member of an earlier generation (ILLEGAL_GENERATION, UNKNOWN_MEMBER_ID,
 * FENCED_INSTANCE_ID); generation -1 with an empty member id commits without that check.
 */
export interface TxnOffsetCommitRequest {
  readonly transactionalId: string
  readonly groupId: string
  readonly producerId: bigint
  readonly producerEpoch: number
  readonly generationId: number
  readonly memberId: string
  readonly groupInstanceId: string | null
  readonly topics: readonly {
    readonly name: string
    readonly partitions: readonly {readonly partitionIndex: number; readonly committedOffset: bigint; readonly committedMetadata: string | null}[]
  }[]
}

export interface TxnOffsetCommitResponse {
  readonly throttleTimeMs: number
  readonly topics: readonly {name: string; partitions: readonly {partitionIndex: number; errorCode: number}[]}[]
}

export const TxnOffsetCommit: ApiDefinition<TxnOffsetCommitRequest, TxnOffsetCommitResponse> = {
  apiKey: 28,
  name: 'TxnOffsetCommit',
  minVersion: 1,
  maxVersion: 3,
  firstFlexibleVersion: 3,
  encode(w, version, req) {
    w.string(req.transactionalId).string(req.groupId).int64(req.producerId).int16(req.producerEpoch)
    if (version >= 3) w.int32(req.generationId).string(req.memberId).string(req.groupInstanceId)
    w.array(req.topics, (w, t) => {
      w.string(t.name).array(t.partitions, (w, p) => {
        w.int32(p.partitionIndex).int64(p.committedOffset)
        // The leader epoch of the committed offset: unknown (-1) lets the coordinator skip its check.
        if (version >= 2) w.int32(-1)
        w.string(p.committedMetadata).tags()
      }).tags()
    }).tags()
  },
  decode(r) {
    const throttleTimeMs = r.int32()
    const topics = r.array((r) => {
      const name = r.string()
      const partitions = r.array((r) => {
        const p = {partitionIndex: r.int32(), errorCode: r.int16()}
        r.tags()
        return p
      })
      r.tags()
      return {name, partitions}
    })
    r.tags()
    return {throttleTimeMs, topics}
  },
}
