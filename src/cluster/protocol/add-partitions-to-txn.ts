import type {ApiDefinition} from './api.js'

/**
 * AddPartitionsToTxn (24) v1–v3 (flexible from v3): registers output partitions with the
 * transaction coordinator before the first Produce of a transaction reaches them, so that EndTxn
 * writes a marker there. Versions 4+ batch several transactions and are for brokers only (KIP-890).
 */
export interface AddPartitionsToTxnRequest {
  readonly transactionalId: string
  readonly producerId: bigint
  readonly producerEpoch: number
  readonly topics: readonly {readonly name: string; readonly partitions: readonly number[]}[]
}

export interface AddPartitionsToTxnResponse {
  readonly throttleTimeMs: number
  readonly topics: readonly {name: string; partitions: readonly {partitionIndex: number; errorCode: number}[]}[]
}

export const AddPartitionsToTxn: ApiDefinition<AddPartitionsToTxnRequest, AddPartitionsToTxnResponse> = {
  apiKey: 24,
  name: 'AddPartitionsToTxn',
  minVersion: 1,
  maxVersion: 3,
  firstFlexibleVersion: 3,
  encode(w, _version, req) {
    w.string(req.transactionalId).int64(req.producerId).int16(req.producerEpoch)
    w.array(req.topics, (w, t) => w.string(t.name).array(t.partitions, (w, p) => w.int32(p)).tags()).tags()
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
