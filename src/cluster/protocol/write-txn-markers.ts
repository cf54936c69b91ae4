import type {ApiDefinition} from './api.js'

/**
 * WriteTxnMarkers (27) v1, flexible: what a transaction coordinator sends to partition leaders to
 * end a transaction there, and what `kafka-transactions.sh abort` sends for a hanging one. v1 is
 * the version Kafka 3.x and 4.x both take (4.0 removed v0; v2 only adds the transaction version).
 * Needs ClusterAction on the cluster.
 */
export interface TxnMarker {
  readonly producerId: bigint
  readonly producerEpoch: number
  /** true = COMMIT, false = ABORT. */
  readonly commit: boolean
  readonly topics: readonly {name: string; partitionIndexes: readonly number[]}[]
  readonly coordinatorEpoch: number
}

export interface WriteTxnMarkersResponse {
  readonly markers: readonly {producerId: bigint; topics: readonly {name: string; partitions: readonly {partitionIndex: number; errorCode: number}[]}[]}[]
}

export const WriteTxnMarkers: ApiDefinition<{readonly markers: readonly TxnMarker[]}, WriteTxnMarkersResponse> = {
  apiKey: 27,
  name: 'WriteTxnMarkers',
  minVersion: 1,
  maxVersion: 1,
  firstFlexibleVersion: 1,
  encode(w, _version, req) {
    w.array(req.markers, (w, m) => {
      w.int64(m.producerId).int16(m.producerEpoch).bool(m.commit)
      w.array(m.topics, (w, t) => w.string(t.name).array(t.partitionIndexes, (w, p) => w.int32(p)).tags())
      w.int32(m.coordinatorEpoch).tags()
    }).tags()
  },
  decode(r) {
    const markers = r.array((r) => {
      const producerId = r.int64()
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
      return {producerId, topics}
    })
    r.tags()
    return {markers}
  },
}
