import {describe, expect, it} from 'vitest'
import {isFenced, isOutage, jobFailure, lostClusterError} from '../../../src/operations/job-errors.js'
import {orphanMarker, priorDecisions} from '../../../src/operations/orphan-transactions.js'
import {COMMIT_RECORDS, commitDue, newPartitionState, openTransaction, queueSend, rewind} from '../../../src/operations/partition-state.js'
import type {TransactionalOutput} from '../../../src/operations/transactional-producer.js'
import type {OutputRecord} from '../../../src/operations/record.js'
import {StreamctlError} from '../../../src/errors.js'

function recordingTx(fail?: (n: number) => boolean): TransactionalOutput & {sent: number[]; active: number; maxActive: number} {
  const tx = {
    sent: [] as number[], active: 0, maxActive: 0,
    async send(records: readonly OutputRecord[]) {
      const n = Number(records[0]!.value)
      tx.active++
      tx.maxActive = Math.max(tx.maxActive, tx.active)
      await new Promise((r) => setTimeout(r, 5 - (n % 3)))
      tx.active--
      if (fail?.(n)) throw Object.assign(new Error(`send ${n} failed`), {type: 'OUT_OF_ORDER_SEQUENCE_NUMBER'})
      tx.sent.push(n)
    },
    sendOffsets: async () => {}, commit: async () => {}, abort: async () => {},
  }
  return tx
}
const out = (n: number): OutputRecord[] => [{topic: 't', key: null, value: String(n)}]

describe('open transaction send queue', () => {
  it('sends queued batches one at a time, in order', async () => {
    const tx = recordingTx()
    const open = openTransaction(tx, 0)
    for (let n = 0; n < 6; n++) queueSend(open, out(n))
    expect(open.queued).toBe(6)
    await open.sending
    expect(tx.sent).toEqual([0, 1, 2, 3, 4, 5])
    expect(tx.maxActive).toBe(1)
    expect(open.queued).toBe(0)
    expect(open.failed).toBe(false)
  })

  it('a failed send fails the chain: later batches are not sent, and awaiting it throws', async () => {
    const tx = recordingTx((n) => n === 2)
    const open = openTransaction(tx, 0)
    for (let n = 0; n < 5; n++) queueSend(open, out(n))
    await expect(open.sending).rejects.toThrow('send 2 failed')
    expect(tx.sent).toEqual([0, 1])
    expect(open.failed).toBe(true)
  })

  it('is due after the interval or the record cap', () => {
    const open = openTransaction(recordingTx(), 0)
    expect(commitDue(open, open.startedAt)).toBe(false)
    expect(commitDue(open, open.startedAt + 500)).toBe(true)
    open.records = COMMIT_RECORDS
    expect(commitDue(open, open.startedAt)).toBe(true)
  })
})

describe('partition fetch position', () => {
  it('starts fetching at the committed position; a rewind moves it back and makes earlier chunks stale', () => {
    const st = newPartitionState(120, 500)
    expect([st.fetchAt, st.generation, st.inFlight]).toEqual([120, 0, 0])
    st.fetchAt = 400 // chunks up to 400 fetched ahead of the commit
    const fetchedUnder = st.generation
    rewind(st, st.position)
    expect(st.fetchAt).toBe(120)
    expect(st.generation).not.toBe(fetchedUnder)
  })
})

describe('orphan transaction markers', () => {
  it('commits a fenced epoch of unknown fate, ends our last one as we did, and follows the committed position where it tells', () => {
    expect(orphanMarker(3, {epoch: 5})).toBe(true)
    expect(orphanMarker(5, {epoch: 5})).toBeUndefined() // live: its transaction may still be open legitimately
    expect(orphanMarker(5, {epoch: 5, lastEnd: 'abort'})).toBe(false)
    expect(orphanMarker(5, {epoch: 5, lastEnd: 'commit'})).toBe(true)
    const decided = new Map([[3, false], [4, true]])
    expect(orphanMarker(3, {epoch: 5, decided})).toBe(false)
    expect(orphanMarker(4, {epoch: 5, decided})).toBe(true)
    expect(orphanMarker(2, {epoch: 5, decided})).toBe(true)
    expect(orphanMarker(6, {epoch: 5, decided})).toBeUndefined() // a newer holder: not ours
  })

  it('reads the fate of the earlier holder\'s transaction from the coordinator\'s state before fencing', () => {
    // Open when fenced: the fencing aborts it (this is what a rerun used to commit, duplicating its records).
    expect(priorDecisions({state: 'Ongoing', producerEpoch: 4})).toEqual([[4, false]])
    expect(priorDecisions({state: 'PrepareEpochFence', producerEpoch: 4})).toEqual([[4, false]])
    expect(priorDecisions({state: 'PrepareCommit', producerEpoch: 4})).toEqual([[4, true]])
    expect(priorDecisions({state: 'CompleteCommit', producerEpoch: 4})).toEqual([[4, true]])
    // Only the epoch stated: after someone else's fence the data may be one epoch lower, and that stays unknown.
    expect(priorDecisions({state: 'CompleteAbort', producerEpoch: 5})).toEqual([[5, false]])
    expect(priorDecisions({state: 'PrepareAbort', producerEpoch: 0})).toEqual([[0, false]])
    expect(priorDecisions({state: 'Empty', producerEpoch: 5})).toEqual([])
    expect(priorDecisions({state: 'Dead', producerEpoch: 5})).toEqual([])
    const decided = new Map(priorDecisions({state: 'Ongoing', producerEpoch: 4}))
    expect(orphanMarker(4, {epoch: 6, decided})).toBe(false)
  })
})

describe('job errors', () => {
  it('outage: kafkajs connection and coordinator errors at any depth; not Kafka refusals', () => {
    expect(isOutage(Object.assign(new Error('x'), {name: 'KafkaJSGroupCoordinatorNotFound'}))).toBe(true)
    expect(isOutage(Object.assign(new Error('wrap'), {name: 'KafkaJSNonRetriableError', cause: Object.assign(new Error('c'), {name: 'KafkaJSConnectionError'})}))).toBe(true)
    expect(isOutage(Object.assign(new Error('x'), {type: 'NOT_COORDINATOR'}))).toBe(true)
    expect(isOutage(Object.assign(new Error('x'), {type: 'TOPIC_AUTHORIZATION_FAILED'}))).toBe(false)
    expect(isOutage(new Error('plain'))).toBe(false)
    expect(isFenced(Object.assign(new Error('x'), {type: 'PRODUCER_FENCED'}))).toBe(true)
    expect(isFenced(new Error('x'))).toBe(false)
  })

  it('errors name the job and the cluster labels, in one line', () => {
    const place = {job: 'copy', crossCluster: true, sourceLabel: 'staging', targetLabel: 'prod'}
    const lost = lostClusterError(place, new Error('ECONNREFUSED'), 61_400)
    expect(lost.message).toBe('job copy stopped: cannot reach Kafka at staging or prod (still failing after 61 s: ECONNREFUSED)')
    const failed = jobFailure({...place, crossCluster: false, sourceLabel: undefined}, new Error('boom')) as StreamctlError
    expect(failed).toBeInstanceOf(StreamctlError)
    expect(failed.message).toBe('job copy failed on prod: boom')
    const already = new StreamctlError('USAGE', 'kept')
    expect(jobFailure(place, already)).toBe(already)
  })
})
