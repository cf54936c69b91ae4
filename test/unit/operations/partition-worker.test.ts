import fc from 'fast-check'
import {describe, expect, it} from 'vitest'
import type {OffsetsToCommit} from '../../../src/cluster/transactional-session.js'
import {StreamctlError} from '../../../src/errors.js'
import {RecordError, UnwritableRecordError} from '../../../src/operations/job-errors.js'
import {PartitionWorker, type CommittedCounts, type WorkerHost, type WorkerProducer} from '../../../src/operations/partition-worker.js'
import type {InputRecord, OutputRecord, Stage} from '../../../src/operations/record.js'
import type {FetchedChunk} from '../../../src/operations/source-fetcher.js'
import type {SendItem, TransactionalOutput} from '../../../src/operations/transactional-producer.js'

/**
 * The partition worker's state machine against a fake transactional output: what it sends, the
 * offsets it commits, when it aborts and rewinds, and what a settle after a failed commit decides.
 * The real protocol and broker are the integration tests' (test/integration/operations).
 */
interface FakeOutput {
  /** Every call in order: send(values) / offsets(next) / commit / abort. */
  readonly log: string[]
  /** Values written by committed transactions only. */
  readonly committed: string[]
  failSend?: (values: string[]) => Error | undefined
  /** ok; lost: committed, but the answer never came; refused: not committed. */
  commitOutcome?: () => 'ok' | 'lost' | 'refused'
  /** The input position of the last transaction that committed (what the coordinator holds). */
  landed: number
}

function fakeProducer(out: FakeOutput, id: {producerId: bigint; epoch: number}): WorkerProducer {
  return {
    identity: () => ({producerId: id.producerId, own: {epoch: id.epoch}}),
    transaction(): TransactionalOutput {
      const pending: string[] = []
      let offset = 0
      return {
        async send(items: readonly SendItem[]) {
          const values = items.map((r) => ('raw' in r ? `raw@${r.raw.baseOffset}` : String(r.value)))
          out.log.push(`send ${values.join(',')}`)
          const err = out.failSend?.(values)
          if (err) throw err
          pending.push(...values)
        },
        async sendOffsets(o: OffsetsToCommit) {
          offset = o.topics[0]!.partitions[0]!.offset
          out.log.push(`offsets ${offset}`)
        },
        async commit() {
          out.log.push('commit')
          const outcome = out.commitOutcome?.() ?? 'ok'
          if (outcome !== 'refused') {
            out.committed.push(...pending)
            out.landed = offset
          }
          if (outcome !== 'ok') throw produceFailure()
        },
        async abort() {
          out.log.push('abort')
        },
      }
    },
  }
}

interface Harness {
  readonly host: WorkerHost
  readonly out: FakeOutput
  readonly failures: unknown[]
  readonly fatal: unknown[]
  readonly statuses: string[]
  readonly counts: CommittedCounts[]
  readonly decisions: [bigint, number, boolean][]
  /** Each committed position the worker read, in order. */
  readonly positionsRead: number[]
  producersMade: number
  orphanChecks: number
  lost: number
}

function harness(stage: Stage, opts: {mode?: 'bounded' | 'follow'; deadLetter?: string; noGaps?: boolean; statedFate?: boolean; onOrphans?: () => void} = {}): Harness {
  const out: FakeOutput = {log: [], committed: [], landed: 0}
  let held: WorkerProducer | undefined
  const h: Harness = {
    out, failures: [], fatal: [], statuses: [], counts: [], decisions: [], positionsRead: [], producersMade: 0, orphanChecks: 0, lost: 0,
    host: {
      topic: 'in', job: 'j', mode: opts.mode ?? 'bounded', stage, deadLetter: opts.deadLetter, noGaps: opts.noGaps,
      owns: () => true,
      accepts: () => true,
      producer: async () => {
        if (!held) held = fakeProducer(out, {producerId: 7n, epoch: h.producersMade++})
        return held
      },
      heldProducer: () => held,
      dropProducer: () => { held = undefined },
      offsetsFor: (partition, next) => ({groupId: 'g', topics: [{topic: 'in', partitions: [{partition, offset: next}]}]}),
      afterCommit: async () => {},
      committedPosition: async () => {
        h.positionsRead.push(out.landed)
        return out.landed
      },
      decided: (producerId, epoch, committed) => { h.decisions.push([producerId, epoch, committed]) },
      statedFate: () => opts.statedFate === true,
      endOrphans: async () => {
        h.orphanChecks++
        opts.onOrphans?.()
      },
      resetStage: () => {},
      committed: (c) => { h.counts.push(c) },
      lostToRetention: (n) => { h.lost += n },
      status: (m) => { h.statuses.push(m) },
      fail: (err) => { h.fatal.push(err) },
      failed: (err) => { h.failures.push(err) },
      serially: (fn) => fn(),
    },
  }
  return h
}

/** A stage writing each input value to topic `out`, one output per record. */
const copyStage: Stage = {
  process: (records) => ({out: records.map((r): OutputRecord => ({topic: 'out', key: r.key, value: r.value})), written: records.length, deadLettered: 0, skipped: 0}),
}

function chunk(from: number, values: string[], nextOffset = from + values.length): FetchedChunk {
  const records: InputRecord[] = values.map((v, i) => ({topic: 'in', partition: 0, offset: from + i, timestamp: Date.now(), key: null, value: Buffer.from(v), headers: []}))
  return {partition: 0, fetchOffset: from, records, nextOffset, highWatermark: nextOffset}
}

const produceFailure = (): Error => Object.assign(new Error('connection lost'), {name: 'KafkaJSConnectionError', retriable: true})

describe('PartitionWorker', () => {
  it('bounded: processes chunks into one transaction and commits the next offset when it reaches the end', async () => {
    const h = harness(copyStage)
    const w = new PartitionWorker(0, 0, 4, h.host)
    await w.deliver(chunk(0, ['a', 'b']), 0, false)
    expect(h.out.log).toEqual(['send a,b'])
    await w.deliver(chunk(2, ['c', 'd']), 0, false)
    expect(h.out.log).toEqual(['send a,b', 'send c,d', 'offsets 4', 'commit'])
    expect(h.out.committed).toEqual(['a', 'b', 'c', 'd'])
    expect(w.state.position).toBe(4)
    expect(w.done).toBe(true)
    expect(h.counts).toEqual([{read: 4, written: 4, deadLettered: 0, skipped: 0}])
  })

  it('cuts what lies past the end captured at start, and what lies below the committed position', async () => {
    const h = harness(copyStage)
    const w = new PartitionWorker(0, 2, 5, h.host)
    await w.deliver(chunk(0, ['a', 'b', 'c', 'd', 'e', 'f', 'g']), 0, false)
    expect(h.out.committed).toEqual(['c', 'd', 'e'])
    expect(h.out.log).toContain('offsets 5')
  })

  it('drops a chunk fetched before the last rewind (stale generation)', async () => {
    let processed = 0
    const h = harness({process: (r) => { processed++; return copyStage.process(r) }})
    const w = new PartitionWorker(0, 0, 10, h.host)
    await w.deliver(chunk(0, ['a']), 1, false)
    expect(processed).toBe(0)
    expect(h.out.log).toEqual([])
  })

  it('a failed send aborts, drops the producer and rewinds; settle reads the committed position and goes on from there', async () => {
    const h = harness(copyStage)
    const w = new PartitionWorker(0, 0, 4, h.host)
    h.out.failSend = (v) => (v.includes('c') ? produceFailure() : undefined)
    await w.deliver(chunk(0, ['a', 'b']), 0, false)
    await w.deliver(chunk(2, ['c', 'd']), 0, false)
    // The failure surfaces on the commit (the send queue), and the whole transaction goes.
    expect(h.out.log.slice(-1)).toEqual(['abort'])
    expect(h.out.committed).toEqual([])
    expect(h.failures).toHaveLength(1)
    expect(w.state.unsure).toBe(true)
    expect(w.state.position).toBe(0)
    expect(w.state.generation).toBeGreaterThan(0)
    expect(w.needsSettling()).toBe(true)
    // Nothing was committed: settle resumes from 0 with a new producer (epoch 1) and records the verdict.
    h.out.failSend = undefined
    await w.settle(() => true)
    expect(h.producersMade).toBe(2)
    expect(h.decisions).toEqual([[7n, 0, false]])
    expect(h.orphanChecks).toBe(1)
    expect(w.state.unsure).toBe(false)
    expect(w.needsSettling()).toBe(false)
    await w.deliver(chunk(0, ['a', 'b', 'c', 'd']), w.state.generation, false)
    expect(h.out.committed).toEqual(['a', 'b', 'c', 'd'])
    expect(w.done).toBe(true)
  })

  it('a commit whose answer was lost but which landed: settle finds the position past it and the partition is done, nothing written twice', async () => {
    const h = harness(copyStage)
    const w = new PartitionWorker(0, 0, 2, h.host)
    h.out.commitOutcome = () => 'lost'
    await w.deliver(chunk(0, ['a', 'b']), 0, false)
    expect(h.out.log).toEqual(['send a,b', 'offsets 2', 'commit', 'abort'])
    expect(w.done).toBe(false)
    await w.settle(() => true)
    expect(h.decisions).toEqual([[7n, 0, true]])
    expect(w.state.position).toBe(2)
    expect(w.done).toBe(true)
  })

  it('the coordinator stated how the given-up transaction ended: settle ends its orphans first, so the position read next includes them', async () => {
    // The commit landed but Kafka lost its markers: its offsets stay pending (position 0) until the
    // orphan gets its COMMIT marker, which the coordinator's stated fate (CompleteCommit) calls for.
    const h: ReturnType<typeof harness> = harness(copyStage, {statedFate: true, onOrphans: () => { h.out.landed = 2 }})
    const w = new PartitionWorker(0, 0, 2, h.host)
    h.out.commitOutcome = () => 'lost'
    await w.deliver(chunk(0, ['a', 'b']), 0, false)
    h.out.landed = 0
    await w.settle(() => true)
    expect(h.orphanChecks).toBe(1)
    expect(h.positionsRead).toEqual([2])
    expect(h.decisions).toEqual([])
    expect(w.state.position).toBe(2)
    expect(w.done).toBe(true)
  })

  it('settle does nothing once the job no longer wants it (draining or stopping)', async () => {
    const h = harness(copyStage)
    const w = new PartitionWorker(0, 0, 2, h.host)
    h.out.commitOutcome = () => 'refused'
    await w.deliver(chunk(0, ['a', 'b']), 0, false)
    await w.settle(() => false)
    expect(h.producersMade).toBe(1)
    expect(w.state.unsure).toBe(true)
  })

  it('a refused output record: the chunk is read again record by record, the refused one dead-lettered in its place', async () => {
    const h = harness(copyStage, {deadLetter: 'dlq'})
    const w = new PartitionWorker(0, 0, 3, h.host)
    let refusals = 0
    // The target refuses b wherever it goes to `out`: in the whole chunk, then alone; its dead letter is taken.
    h.out.failSend = (values) => (values.includes('b') && refusals++ < 2 ? new UnwritableRecordError('out', 0, 'MESSAGE_TOO_LARGE', 'too large', undefined) : undefined)
    await w.deliver(chunk(0, ['a', 'b', 'c']), 0, false)
    expect(w.state.isolateBelow).toBe(3)
    expect(h.statuses.at(-1)).toMatch(/finding the record among offsets 0–2/)
    expect(h.failures).toEqual([])
    await w.settle(() => true)
    await w.deliver(chunk(0, ['a', 'b', 'c']), w.state.generation, false)
    // a, then b refused, then its dead letter (b's bytes with the reason in headers), then c.
    expect(h.out.log.filter((l) => l.startsWith('send')).slice(-4)).toEqual(['send a', 'send b', 'send b', 'send c'])
    expect(h.out.committed).toEqual(['a', 'b', 'c'])
    expect(h.counts.at(-1)).toEqual({read: 3, written: 2, deadLettered: 1, skipped: 0})
    expect(w.state.isolateBelow).toBeUndefined()
  })

  it('a refused output record without a dead-letter topic stops the job, naming the record', async () => {
    const h = harness(copyStage)
    const w = new PartitionWorker(0, 0, 1, h.host)
    h.out.failSend = () => new UnwritableRecordError('out', 0, 'MESSAGE_TOO_LARGE', 'too large', undefined)
    await w.deliver(chunk(0, ['a']), 0, false)
    await w.settle(() => true)
    await w.deliver(chunk(0, ['a']), w.state.generation, false)
    expect(h.failures).toHaveLength(1)
    expect(h.failures[0]).toBeInstanceOf(RecordError)
    expect(String(h.failures[0])).toMatch(/no --dead-letter topic is set/)
  })

  it('follow mode commits when due; flush(true) commits what is open', async () => {
    const h = harness(copyStage, {mode: 'follow'})
    const w = new PartitionWorker(0, 0, 0, h.host)
    await w.deliver(chunk(0, ['a']), 0, false)
    expect(h.out.log).toEqual(['send a'])
    await w.flush(false)
    expect(h.out.log).toEqual(['send a'])
    await w.flush(true)
    expect(h.out.log).toEqual(['send a', 'offsets 1', 'commit'])
    expect(w.done).toBe(false)
  })

  it('a retention gap: counted and committed past at once, or with --no-gaps a job failure', async () => {
    const h = harness(copyStage, {mode: 'follow'})
    const w = new PartitionWorker(0, 0, 0, h.host)
    w.gap(0, 40)
    await w.state.lock
    expect(h.lost).toBe(40)
    expect(h.out.log).toEqual(['offsets 40', 'commit'])
    expect(w.state.position).toBe(40)
    const strict = harness(copyStage, {noGaps: true})
    new PartitionWorker(0, 0, 100, strict.host).gap(0, 40)
    expect(strict.fatal[0]).toBeInstanceOf(StreamctlError)
    expect(String(strict.fatal[0])).toMatch(/--no-gaps/)
  })

  it('whatever sends fail and however commits end, the committed output is the input exactly once, in order (property, seeded)', async () => {
    const seed = Number(process.env.FC_SEED ?? Date.now() % 2 ** 31)
    console.info(`partition-worker property seed: ${seed} (FC_SEED=${seed} replays it)`)
    const outcome = fc.constantFrom<'ok' | 'lost' | 'refused'>('ok', 'lost', 'refused')
    await fc.assert(fc.asyncProperty(fc.array(fc.boolean(), {minLength: 1, maxLength: 12}), fc.array(outcome, {minLength: 1, maxLength: 12}), fc.integer({min: 1, max: 5}), async (sendFails, commits, size) => {
      const n = 12
      const h = harness(copyStage)
      const w = new PartitionWorker(0, 0, n, h.host)
      let sends = 0
      let ends = 0
      // Failures stop after a while, as an outage ends: the job must then finish.
      h.out.failSend = () => (sends < 40 && sendFails[sends++ % sendFails.length] ? produceFailure() : undefined)
      h.out.commitOutcome = () => (ends < 40 ? commits[ends++ % commits.length]! : 'ok')
      const values = Array.from({length: n}, (_, i) => `v${i}`)
      for (let round = 0; round < 5000 && !w.done; round++) {
        if (w.needsSettling()) {
          await w.settle(() => true)
          continue
        }
        const from = w.state.fetchAt
        await w.deliver(chunk(from, values.slice(from, Math.min(n, from + size))), w.state.generation, false)
        // What the fetch loop does: the next chunk starts where this one ended.
        if (!w.state.unsure) w.state.fetchAt = Math.max(w.state.fetchAt, Math.min(n, from + size))
      }
      expect(w.done).toBe(true)
      expect(h.out.committed).toEqual(values)
    }), {seed, numRuns: 300})
  })
})
