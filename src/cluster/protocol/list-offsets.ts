import type {ApiDefinition} from './api.js'

/**
 * ListOffsets (2) v1–v7 (flexible from v6; Kafka 4 deprecates v0). A job asks it for a partition's
 * log start (EARLIEST) when a Fetch says its position is out of range: the failed Fetch itself
 * carries no usable log start (Kafka answers -1 there). A plan's impact asks it for record counts,
 * the offset a retention cut would keep from (a timestamp) and the newest record's time
 * (MAX_TIMESTAMP, KIP-734: v7, Kafka 3.0+).
 */
export const EARLIEST_TIMESTAMP = -2n
export const LATEST_TIMESTAMP = -1n
export const MAX_TIMESTAMP = -3n

export interface ListOffsetsRequest {
  /** 0 read_uncommitted, 1 read_committed (v2+: LATEST is then the last stable offset). */
  readonly isolationLevel: 0 | 1
  readonly topics: readonly {readonly topic: string; readonly partitions: readonly {readonly partition: number; readonly timestamp: bigint}[]}[]
}

export interface ListOffsetsPartitionResponse {
  readonly partition: number
  readonly errorCode: number
  readonly timestamp: bigint
  readonly offset: bigint
}

export interface ListOffsetsResponse {
  readonly throttleTimeMs: number
  readonly topics: readonly {readonly topic: string; readonly partitions: readonly ListOffsetsPartitionResponse[]}[]
}

const CONSUMER_REPLICA_ID = -1
const NO_LEADER_EPOCH = -1

export const ListOffsets: ApiDefinition<ListOffsetsRequest, ListOffsetsResponse> = {
  apiKey: 2,
  name: 'ListOffsets',
  minVersion: 1,
  maxVersion: 7,
  firstFlexibleVersion: 6,
  encode(w, version, req) {
    // A broker before v7 would answer MAX_TIMESTAMP as an unknown timestamp: refuse instead.
    if (version < 7 && req.topics.some((t) => t.partitions.some((p) => p.timestamp === MAX_TIMESTAMP))) {
      throw new RangeError(`ListOffsets v${version} cannot ask for the newest record's timestamp (v7+, Kafka 3.0+)`)
    }
    w.int32(CONSUMER_REPLICA_ID)
    if (version >= 2) w.int8(req.isolationLevel)
    w.array(req.topics, (w, t) => w.string(t.topic).array(t.partitions, (w, p) => {
      w.int32(p.partition)
      if (version >= 4) w.int32(NO_LEADER_EPOCH)
      w.int64(p.timestamp)
      w.tags()
    }).tags())
    w.tags()
  },
  decode(r, version) {
    const throttleTimeMs = version >= 2 ? r.int32() : 0
    const topics = r.array((r) => {
      const topic = r.string()
      const partitions = r.array((r): ListOffsetsPartitionResponse => {
        const partition = r.int32()
        const errorCode = r.int16()
        const timestamp = r.int64()
        const offset = r.int64()
        if (version >= 4) r.int32() // leader_epoch
        r.tags()
        return {partition, errorCode, timestamp, offset}
      })
      r.tags()
      return {topic, partitions}
    })
    r.tags()
    return {throttleTimeMs, topics}
  },
}
