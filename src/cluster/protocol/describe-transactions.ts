import type {ApiDefinition} from './api.js'

/**
 * DescribeTransactions (65) v0, flexible (KIP-664): what a transaction coordinator holds for each
 * transactional id — its state (Empty, Ongoing, PrepareCommit, PrepareAbort, CompleteCommit,
 * CompleteAbort, PrepareEpochFence, Dead), producer id and epoch, and the partitions of a
 * transaction still open or still awaiting markers. Sent to the id's coordinator.
 */
export interface TransactionDescription {
  readonly errorCode: number
  readonly transactionalId: string
  readonly transactionState: string
  readonly transactionTimeoutMs: number
  readonly transactionStartTimeMs: bigint
  readonly producerId: bigint
  readonly producerEpoch: number
  readonly topics: readonly {topic: string; partitions: readonly number[]}[]
}

export interface DescribeTransactionsResponse {
  readonly throttleTimeMs: number
  readonly transactionStates: readonly TransactionDescription[]
}

export const DescribeTransactions: ApiDefinition<{readonly transactionalIds: readonly string[]}, DescribeTransactionsResponse> = {
  apiKey: 65,
  name: 'DescribeTransactions',
  minVersion: 0,
  maxVersion: 0,
  firstFlexibleVersion: 0,
  encode(w, _version, req) {
    w.array(req.transactionalIds, (w, id) => w.string(id)).tags()
  },
  decode(r) {
    const throttleTimeMs = r.int32()
    const transactionStates = r.array((r) => {
      const errorCode = r.int16()
      const transactionalId = r.string()
      const transactionState = r.string()
      const transactionTimeoutMs = r.int32()
      const transactionStartTimeMs = r.int64()
      const producerId = r.int64()
      const producerEpoch = r.int16()
      const topics = r.array((r) => {
        const topic = r.string()
        const partitions = r.array((r) => r.int32())
        r.tags()
        return {topic, partitions}
      })
      r.tags()
      return {errorCode, transactionalId, transactionState, transactionTimeoutMs, transactionStartTimeMs, producerId, producerEpoch, topics}
    })
    r.tags()
    return {throttleTimeMs, transactionStates}
  },
}
