import type {ApiDefinition} from './api.js'

/**
 * OffsetCommit (8) v2–v8 (flexible from v8), sent to the group coordinator by a member of the
 * classic protocol: a cross-cluster job's advisory source positions (the real ones are committed
 * in the target's transaction, checkpoints.ts). v2–v4 carry a retention time (-1: the broker's);
 * v6+ the leader epoch (-1: unknown); v7+ the group instance id. v9 is for KIP-848 groups.
 */
export interface OffsetCommitRequest {
  readonly groupId: string
  readonly generationId: number
  readonly memberId: string
  readonly groupInstanceId: string | null
  readonly topics: readonly {
    readonly name: string
    readonly partitions: readonly {readonly partitionIndex: number; readonly committedOffset: bigint; readonly committedMetadata: string | null}[]
  }[]
}

export interface OffsetCommitResponse {
  readonly throttleTimeMs: number
  readonly topics: readonly {name: string; partitions: readonly {partitionIndex: number; errorCode: number}[]}[]
}

export const OffsetCommit: ApiDefinition<OffsetCommitRequest, OffsetCommitResponse> = {
  apiKey: 8,
  name: 'OffsetCommit',
  minVersion: 2,
  maxVersion: 8,
  firstFlexibleVersion: 8,
  encode(w, version, req) {
    w.string(req.groupId).int32(req.generationId).string(req.memberId)
    if (version >= 7) w.string(req.groupInstanceId)
    if (version <= 4) w.int64(-1n)
    w.array(req.topics, (w, t) => {
      w.string(t.name).array(t.partitions, (w, p) => {
        w.int32(p.partitionIndex).int64(p.committedOffset)
        if (version >= 6) w.int32(-1)
        w.string(p.committedMetadata).tags()
      }).tags()
    }).tags()
  },
  decode(r, version) {
    const throttleTimeMs = version >= 3 ? r.int32() : 0
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
