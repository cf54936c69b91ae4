import type {ApiDefinition} from './api.js'

/**
 * DescribeProducers (61) v0, flexible (KIP-664): the producers a partition leader knows, with the
 * start offset of each one's open transaction (-1 when none). Sent to each partition's leader.
 */
export interface ActiveProducer {
  readonly producerId: bigint
  readonly producerEpoch: number
  readonly lastSequence: number
  readonly lastTimestamp: bigint
  readonly coordinatorEpoch: number
  readonly currentTxnStartOffset: bigint
}

export interface DescribeProducersResponse {
  readonly throttleTimeMs: number
  readonly topics: readonly {
    name: string
    partitions: readonly {partitionIndex: number; errorCode: number; errorMessage: string | null; activeProducers: readonly ActiveProducer[]}[]
  }[]
}

export const DescribeProducers: ApiDefinition<{readonly topics: readonly {name: string; partitionIndexes: readonly number[]}[]}, DescribeProducersResponse> = {
  apiKey: 61,
  name: 'DescribeProducers',
  minVersion: 0,
  maxVersion: 0,
  firstFlexibleVersion: 0,
  encode(w, _version, req) {
    w.array(req.topics, (w, t) => w.string(t.name).array(t.partitionIndexes, (w, p) => w.int32(p)).tags()).tags()
  },
  decode(r) {
    const throttleTimeMs = r.int32()
    const topics = r.array((r) => {
      const name = r.string()
      const partitions = r.array((r) => {
        const partitionIndex = r.int32()
        const errorCode = r.int16()
        const errorMessage = r.nullableString()
        const activeProducers = r.array((r) => {
          const p = {producerId: r.int64(), producerEpoch: r.int32(), lastSequence: r.int32(), lastTimestamp: r.int64(), coordinatorEpoch: r.int32(), currentTxnStartOffset: r.int64()}
          r.tags()
          return p
        })
        r.tags()
        return {partitionIndex, errorCode, errorMessage, activeProducers}
      })
      r.tags()
      return {name, partitions}
    })
    r.tags()
    return {throttleTimeMs, topics}
  },
}
