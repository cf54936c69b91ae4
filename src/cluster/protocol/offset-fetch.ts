import type {ApiDefinition} from './api.js'
import type {Reader} from './wire.js'

/**
 * OffsetFetch (9) v1–v7 (flexible from v6), the single-group form (v8 batches groups): the
 * committed offsets of some partitions of one group. v1 is the oldest Kafka 4.0 accepts (KIP-896;
 * v0 read ZooKeeper). v2 adds the top-level error code, v3 the throttle time, v5 the leader epoch
 * and v7 `requireStable` (KIP-447): a partition whose offsets a pending transaction is committing
 * is answered UNSTABLE_OFFSET_COMMIT (88) instead of an offset that may be about to change.
 */
export interface OffsetFetchRequest {
  readonly groupId: string
  /** null (v2+): every topic the group has offsets for. */
  readonly topics: readonly {readonly name: string; readonly partitionIndexes: readonly number[]}[] | null
  readonly requireStable: boolean
}

export interface OffsetFetchPartition {
  readonly partitionIndex: number
  /** -1: none committed. */
  readonly committedOffset: bigint
  readonly committedLeaderEpoch: number
  readonly metadata: string | null
  readonly errorCode: number
}

export interface OffsetFetchResponse {
  readonly throttleTimeMs: number
  readonly topics: readonly {name: string; partitions: readonly OffsetFetchPartition[]}[]
  /** Group-level errors (v2+); v1 reports them on every partition. */
  readonly errorCode: number
}

/** One partition's answer: the same fields in the single-group (v1–v7) and batched (v8) forms. */
function readPartition(r: Reader, version: number): OffsetFetchPartition {
  const partitionIndex = r.int32()
  const committedOffset = r.int64()
  const committedLeaderEpoch = version >= 5 ? r.int32() : -1
  const metadata = r.nullableString()
  const errorCode = r.int16()
  r.tags()
  return {partitionIndex, committedOffset, committedLeaderEpoch, metadata, errorCode}
}

export const OffsetFetch: ApiDefinition<OffsetFetchRequest, OffsetFetchResponse> = {
  apiKey: 9,
  name: 'OffsetFetch',
  minVersion: 1,
  maxVersion: 7,
  firstFlexibleVersion: 6,
  encode(w, version, req) {
    // Asking for stable offsets from a broker that cannot give them would silently lose the guarantee.
    if (req.requireStable && version < 7) throw new RangeError(`OffsetFetch v${version} cannot require stable offsets (v7+, Kafka 2.5+)`)
    if (req.topics === null && version < 2) throw new RangeError(`OffsetFetch v${version} needs the topics listed`)
    w.string(req.groupId)
    w.array(req.topics, (w, t) => w.string(t.name).array(t.partitionIndexes, (w, p) => w.int32(p)).tags())
    if (version >= 7) w.bool(req.requireStable)
    w.tags()
  },
  decode(r, version) {
    const throttleTimeMs = version >= 3 ? r.int32() : 0
    const topics = r.array((r) => {
      const name = r.string()
      const partitions = r.array((r) => readPartition(r, version))
      r.tags()
      return {name, partitions}
    })
    const errorCode = version >= 2 ? r.int16() : 0
    r.tags()
    return {throttleTimeMs, topics, errorCode}
  },
}

/**
 * OffsetFetch (9) v8, the batched form (KIP-709, Kafka 3.0+): the committed offsets of many groups
 * in one request to their common coordinator. v9's member id and epoch (KIP-848) are only for a
 * member reading its own group's offsets, which an observer is not.
 */
export interface OffsetFetchGroupsRequest {
  readonly groups: readonly {
    readonly groupId: string
    /** null: every topic the group has offsets for. */
    readonly topics: readonly {readonly name: string; readonly partitionIndexes: readonly number[]}[] | null
  }[]
  readonly requireStable: boolean
}

export interface OffsetFetchGroupsResponse {
  readonly throttleTimeMs: number
  readonly groups: readonly {
    readonly groupId: string
    readonly topics: readonly {name: string; partitions: readonly OffsetFetchPartition[]}[]
    readonly errorCode: number
  }[]
}

export const OffsetFetchGroups: ApiDefinition<OffsetFetchGroupsRequest, OffsetFetchGroupsResponse> = {
  apiKey: 9,
  name: 'OffsetFetch',
  minVersion: 8,
  maxVersion: 8,
  firstFlexibleVersion: 6,
  encode(w, _version, req) {
    w.array(req.groups, (w, g) => {
      w.string(g.groupId)
      w.array(g.topics, (w, t) => w.string(t.name).array(t.partitionIndexes, (w, p) => w.int32(p)).tags())
      w.tags()
    })
    w.bool(req.requireStable)
    w.tags()
  },
  decode(r) {
    const throttleTimeMs = r.int32()
    const groups = r.array((r) => {
      const groupId = r.string()
      const topics = r.array((r) => {
        const name = r.string()
        const partitions = r.array((r) => readPartition(r, 8))
        r.tags()
        return {name, partitions}
      })
      const errorCode = r.int16()
      r.tags()
      return {groupId, topics, errorCode}
    })
    r.tags()
    return {throttleTimeMs, groups}
  },
}
