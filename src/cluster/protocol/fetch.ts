import type {ApiDefinition} from './api.js'

/**
 * Fetch (1) v4–v11, the non-flexible versions that carry isolation_level and aborted transactions
 * (Kafka 4.x dropped v0–v3; v12 is flexible and v13 swaps topic names for ids). We fetch as a
 * consumer without a fetch session (session id 0, epoch -1): every request is a full fetch.
 * `records` stays a view into the response; record-batch-reader.ts decodes it.
 */
export interface FetchRequest {
  readonly maxWaitMs: number
  readonly minBytes: number
  readonly maxBytes: number
  /** 0 read_uncommitted, 1 read_committed */
  readonly isolationLevel: 0 | 1
  readonly topics: readonly {readonly topic: string; readonly partitions: readonly {readonly partition: number; readonly fetchOffset: number; readonly partitionMaxBytes: number}[]}[]
}

export interface AbortedTransaction { readonly producerId: bigint; readonly firstOffset: number }

export interface FetchPartitionResponse {
  readonly partition: number
  readonly errorCode: number
  readonly highWatermark: number
  readonly lastStableOffset: number
  readonly logStartOffset: number
  readonly abortedTransactions: readonly AbortedTransaction[]
  /** A view into the response (no copy); may end with a partial batch, as Kafka allows. */
  readonly records: Buffer | null
}

export interface FetchResponse {
  readonly throttleTimeMs: number
  readonly errorCode: number
  readonly topics: readonly {readonly topic: string; readonly partitions: readonly FetchPartitionResponse[]}[]
}

const CONSUMER_REPLICA_ID = -1
/** Kafka's FetchMetadata.LEGACY (INVALID_SESSION_ID, FINAL_EPOCH): a full fetch that opens no session. */
const NO_SESSION_ID = 0
const NO_SESSION_EPOCH = -1
const NO_LEADER_EPOCH = -1

export const Fetch: ApiDefinition<FetchRequest, FetchResponse> = {
  apiKey: 1,
  name: 'Fetch',
  minVersion: 4,
  maxVersion: 11,
  firstFlexibleVersion: 12,
  encode(w, version, req) {
    w.int32(CONSUMER_REPLICA_ID).int32(req.maxWaitMs).int32(req.minBytes).int32(req.maxBytes).int8(req.isolationLevel)
    if (version >= 7) w.int32(NO_SESSION_ID).int32(NO_SESSION_EPOCH)
    w.array(req.topics, (w, t) => w.string(t.topic).array(t.partitions, (w, p) => {
      w.int32(p.partition)
      if (version >= 9) w.int32(NO_LEADER_EPOCH)
      w.int64(BigInt(p.fetchOffset))
      if (version >= 5) w.int64(-1n) // log_start_offset: only followers send one
      w.int32(p.partitionMaxBytes)
    }))
    if (version >= 7) w.array([], () => {}) // forgotten_topics_data: only for incremental sessions
    if (version >= 11) w.string('') // rack_id
  },
  decode(r, version) {
    const throttleTimeMs = r.int32()
    let errorCode = 0
    if (version >= 7) {
      errorCode = r.int16()
      r.int32() // session_id
    }
    const topics = r.array((r) => {
      const topic = r.string()
      const partitions = r.array((r): FetchPartitionResponse => {
        const partition = r.int32()
        const errorCode = r.int16()
        const highWatermark = Number(r.int64())
        const lastStableOffset = Number(r.int64())
        const logStartOffset = version >= 5 ? Number(r.int64()) : -1
        // Null when not read_committed or nothing was aborted in range.
        const abortedTransactions = r.array((r): AbortedTransaction => ({producerId: r.int64(), firstOffset: Number(r.int64())}))
        if (version >= 11) r.int32() // preferred_read_replica: -1 unless the broker has a replica selector and we a rack
        const records = r.nullableBytes()
        return {partition, errorCode, highWatermark, lastStableOffset, logStartOffset, abortedTransactions, records}
      })
      return {topic, partitions}
    })
    return {throttleTimeMs, errorCode, topics}
  },
}
