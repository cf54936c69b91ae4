import fc from 'fast-check'
import {describe, expect, it} from 'vitest'
import type {OffsetsToCommit} from '../../../src/cluster/transactional-session.js'
import {PartitionWorker, type WorkerHost, type WorkerProducer} from '../../../src/operations/partition-worker.js'
import type {InputRecord, OutputRecord, Stage} from '../../../src/operations/record.js'
import {SharedTransaction} from '../../../src/operations/shared-transaction.js'
import type {FetchedChunk} from '../../../src/operations/source-fetcher.js'
import type {SendItem, TransactionalOutput} from '../../../src/operations/transactional-producer.js'

/**
 * The process's one transaction (shared-transaction.ts) with real PartitionWorkers against a fake
 * transactional output: one TxnOffsetCommit for every partition, a commit waiting for a chunk in
 * progress, a failure of one partition aborting all, a refused commit (a zombie's), and a property
 * over random interleavings. The broker's side is the integration tests' (zombie-fencing.test.ts).
 */
interface Fake {
  readonly log: string[]
  /** What committed transactions wrote, per input partition. */
  readonly committed: Map<number, string[]>
  /** The committed input position per partition (what the group coordinator holds). */
  readonly landed: Map<number, number>
  failSend?: (values: string[]) => Error | undefined
  commitOutcome?: () => 'ok' | 'lost' | 'refused' | 'fenced'
  epoch: number
  producersMade: number
}

const connectionLost = (): Error => Object.assign(new Error('connection lost'), {name: 'KafkaJSConnectionError', retriable: true})
const illegalGeneration = (): Error => Object.assign(new Error('The generation id is not valid'), {type: 'ILLEGAL_GENERATION', code: 22, retriable: false})

function fakeTransaction(fake: Fake): TransactionalOutput {
  const pending: {partition: number; value: string}[] = []
  let offsets = new Map<number, number>()
  return {
    async send(items: readonly SendItem[]) {
      const values = items.map((r) => String((r as OutputRecord).value))
      fake.log.push(`send ${values.join(',')}`)
      const err = fake.failSend?.(values)
      if (err) throw err
      // Values are `p<partition>v<n>`: the input partition they came from.
      for (const v of values) pending.push({partition: Number(/^p(\d+)/.exec(v)![1]), value: v})
    },
    async sendOffsets(o: OffsetsToCommit) {
      offsets = new Map(o.topics[0]!.partitions.map((p) => [p.partition, p.offset]))
      fake.log.push(`offsets ${[...offsets].map(([p, n]) => `${p}:${n}`).join(' ')}`)
    },
    async commit() {
      fake.log.push('commit')
      const outcome = fake.commitOutcome?.() ?? 'ok'
      if (outcome === 'fenced') throw illegalGeneration()
      if (outcome !== 'refused') {
        for (const {partition, value} of pending) fake.committed.set(partition, [...(fake.committed.get(partition) ?? []), value])
        for (const [p, n] of offsets) fake.landed.set(p, n)
      }
      if (outcome !== 'ok') throw connectionLost()
    },
    async abort() {
      fake.log.push('abort')
    },
  }
}

interface Process {
  readonly fake: Fake
  readonly shared: SharedTransaction
  readonly workers: PartitionWorker[]
  readonly failures: unknown[]
}

/** `partitions` workers (bounded at `end` each) sharing one transaction, as runner.ts wires them. */
function process(stage: Stage, partitions: number, end: number): Process {
  const fake: Fake = {log: [], committed: new Map(), landed: new Map(), epoch: 0, producersMade: 0}
  const failures: unknown[] = []
  let held: WorkerProducer | undefined
  const producer = (): WorkerProducer => (held ??= ((epoch) => {
    fake.producersMade++
    return {identity: () => ({producerId: 9n, own: {epoch}}), transaction: () => fakeTransaction(fake)}
  })(fake.epoch++))
  const shared = new SharedTransaction({
    begin: async () => producer().transaction(),
    offsets: (positions) => ({groupId: 'g', generation: {generationId: 3, memberId: 'm', groupInstanceId: null}, topics: [{topic: 'in', partitions: [...positions].map(([partition, offset]) => ({partition, offset}))}]}),
    drop: () => { held = undefined },
  }, (err) => { failures.push(err) })
  const host: WorkerHost = {
    topic: 'in', job: 'j', mode: 'bounded', stage,
    owns: () => true,
    accepts: () => true,
    producer: async () => producer(),
    heldProducer: () => held,
    dropProducer: () => {},
    offsetsFor: () => { throw new Error('a shared worker commits through the shared transaction') },
    afterCommit: async () => {},
    committedPosition: async (p) => fake.landed.get(p) ?? 0,
    decided: () => {},
    statedFate: () => false,
    endOrphans: async () => {},
    resetStage: () => {},
    committed: () => {},
    lostToRetention: () => {},
    status: () => {},
    fail: (err) => { failures.push(err) },
    failed: (err) => { failures.push(err) },
    serially: (fn) => fn(),
    shared: {
      join: (w) => shared.join(w),
      fail: (err) => shared.fail(err),
      request: () => { void shared.commit().catch((err: unknown) => failures.push(err)) },
      commit: (w) => shared.commit(w),
    },
  }
  const workers = Array.from({length: partitions}, (_, p) => new PartitionWorker(p, 0, end, host))
  return {fake, shared, workers, failures}
}

function chunk(partition: number, from: number, count: number): FetchedChunk {
  const records: InputRecord[] = Array.from({length: count}, (_, i) => ({topic: 'in', partition, offset: from + i, timestamp: 0, key: null, value: Buffer.from(`p${partition}v${from + i}`), headers: []}))
  return {partition, fetchOffset: from, records, nextOffset: from + count, highWatermark: from + count}
}

const copyStage: Stage = {
  process: (records) => ({out: records.map((r): OutputRecord => ({topic: 'out', key: r.key, value: r.value})), written: records.length, deadLettered: 0, skipped: 0}),
}

/** Lets queued microtasks and timers run (the commit a worker asked for is not awaited). */
const tick = (): Promise<void> => new Promise((r) => setTimeout(r, 0))

describe('SharedTransaction (one transaction for every partition of the process)', () => {
  it('one transaction spans the partitions: their sends, then one TxnOffsetCommit with every position, then one EndTxn', async () => {
    const {fake, shared, workers: [a, b]} = process(copyStage, 2, 10)
    await a!.deliver(chunk(0, 0, 2), 0, false)
    await b!.deliver(chunk(1, 0, 3), 0, false)
    expect(shared.open()?.participants.size).toBe(2)
    await shared.commit()
    expect(fake.log).toEqual(['send p0v0,p0v1', 'send p1v0,p1v1,p1v2', 'offsets 0:2 1:3', 'commit'])
    expect([a!.state.position, b!.state.position]).toEqual([2, 3])
    expect(fake.producersMade).toBe(1)
    expect(shared.open()).toBeUndefined()
  })

  it('a commit waits for a participant\'s chunk still being processed, and commits its position with the rest', async () => {
    let release!: () => void
    const gate = new Promise<void>((r) => { release = r })
    const slow: Stage = {process: async (records) => {
      if (records[0]!.offset === 2) await gate
      return copyStage.process(records)
    }}
    const {fake, shared, workers: [a, b]} = process(slow, 2, 10)
    await a!.deliver(chunk(0, 0, 2), 0, false)
    await b!.deliver(chunk(1, 0, 2), 0, false)
    // b's second chunk is in its stage (b holds its lock) when the commit is asked for.
    const bDone = b!.deliver(chunk(1, 2, 2), 0, false)
    await tick()
    const committing = shared.commit()
    await tick()
    expect(fake.log).toEqual(['send p0v0,p0v1', 'send p1v0,p1v1'])
    release()
    await Promise.all([bDone, committing])
    expect(fake.log).toEqual(['send p0v0,p0v1', 'send p1v0,p1v1', 'send p1v2,p1v3', 'offsets 0:2 1:4', 'commit'])
    expect([a!.state.position, b!.state.position]).toEqual([2, 4])
  })

  it('a partition that joins while a commit runs writes into the next transaction', async () => {
    let release!: () => void
    const {fake, shared, workers: [a, b]} = process(copyStage, 2, 10)
    await a!.deliver(chunk(0, 0, 2), 0, false)
    // The commit holds a's lock until its sends have landed: hold that up.
    const held = a!.state.open!
    held.sending = new Promise<void>((r) => { release = r })
    const committing = shared.commit()
    await tick()
    const bDone = b!.deliver(chunk(1, 0, 1), 0, false)
    await tick()
    release()
    await committing
    await bDone
    expect(fake.log).toEqual(['send p0v0,p0v1', 'offsets 0:2', 'commit', 'send p1v0'])
    expect(shared.open()?.participants.has(b!)).toBe(true)
    expect(b!.state.position).toBe(0)
  })

  it('a failed send of one partition aborts the transaction for all; each settles and reads from its committed position', async () => {
    const {fake, shared, workers: [a, b]} = process(copyStage, 2, 4)
    await a!.deliver(chunk(0, 0, 2), 0, false)
    fake.failSend = (v) => (v[0]!.startsWith('p1') ? connectionLost() : undefined)
    await b!.deliver(chunk(1, 0, 2), 0, false)
    await b!.state.open?.sending.catch(() => {})
    await shared.commit().catch(() => {})
    await tick()
    expect(fake.log).toContain('abort')
    expect(fake.log).not.toContain('commit')
    expect(fake.committed.size).toBe(0)
    expect([a!.state.unsure, b!.state.unsure]).toEqual([true, true])
    expect([a!.state.open, b!.state.open]).toEqual([undefined, undefined])
    // Each remembers the given-up transaction's producer and epoch (for orphans), and settles with a new producer.
    expect(a!.state.abandoned).toEqual([{producerId: 9n, epoch: 0, next: 2}])
    fake.failSend = undefined
    await Promise.all([a!.settle(() => true), b!.settle(() => true)])
    expect(fake.producersMade).toBe(2)
    expect([a!.state.position, b!.state.position]).toEqual([0, 0])
    expect([a!.needsSettling(), b!.needsSettling()]).toEqual([false, false])
  })

  it('a refused commit (a zombie: ILLEGAL_GENERATION) aborts for every partition and nothing is committed', async () => {
    const {fake, shared, workers: [a, b]} = process(copyStage, 2, 10)
    await a!.deliver(chunk(0, 0, 2), 0, false)
    await b!.deliver(chunk(1, 0, 2), 0, false)
    fake.commitOutcome = () => 'fenced'
    await expect(shared.commit()).rejects.toMatchObject({type: 'ILLEGAL_GENERATION'})
    expect(fake.log.slice(-3)).toEqual(['offsets 0:2 1:2', 'commit', 'abort'])
    expect(fake.committed.size).toBe(0)
    expect([a!.state.position, b!.state.position]).toEqual([0, 0])
    expect([a!.state.unsure, b!.state.unsure]).toEqual([true, true])
  })

  it('bounded: a partition reaching its end asks for a commit and is done once it lands', async () => {
    const {fake, workers: [a]} = process(copyStage, 1, 2)
    await a!.deliver(chunk(0, 0, 2), 0, false)
    await tick()
    await tick()
    expect(fake.log).toEqual(['send p0v0,p0v1', 'offsets 0:2', 'commit'])
    expect(a!.done).toBe(true)
  })

  it('a serial stage with state after commit commits in its own turn, taking the other partitions along', async () => {
    const seen: number[] = []
    const stateful: Stage = {...copyStage, afterCommit: (_records, _result, next) => { seen.push(next) }}
    const {fake, workers: [a, b]} = process(stateful, 2, 10)
    await a!.deliver(chunk(0, 0, 1), 0, true)
    await b!.deliver(chunk(1, 0, 1), 0, true)
    expect(fake.log).toEqual(['send p0v0', 'offsets 0:1', 'commit', 'send p1v0', 'offsets 1:1', 'commit'])
    expect(seen).toEqual([1, 1])
  })

  it('whatever sends fail and however commits end, each partition\'s committed output is its input exactly once, in order (property, seeded)', {timeout: 60_000}, async () => {
    const seed = Number(globalThis.process.env.FC_SEED ?? Date.now() % 2 ** 31)
    console.info(`shared-transaction property seed: ${seed} (FC_SEED=${seed} replays it)`)
    const outcome = fc.constantFrom<'ok' | 'lost' | 'refused' | 'fenced'>('ok', 'lost', 'refused', 'fenced')
    const step = fc.record({partition: fc.integer({min: 0, max: 2}), size: fc.integer({min: 1, max: 4}), commit: fc.boolean()})
    await fc.assert(fc.asyncProperty(fc.array(step, {minLength: 1, maxLength: 30}), fc.array(fc.boolean(), {minLength: 1, maxLength: 8}), fc.array(outcome, {minLength: 1, maxLength: 8}), async (steps, sendFails, commits) => {
      const n = 8
      const {fake, shared, workers} = process(copyStage, 3, n)
      let sends = 0
      let ends = 0
      // Failures stop after a while, as an outage ends: the job must then finish.
      fake.failSend = () => (sends < 30 && sendFails[sends++ % sendFails.length] ? connectionLost() : undefined)
      fake.commitOutcome = () => (ends < 30 ? commits[ends++ % commits.length]! : 'ok')
      for (let round = 0; round < 3000 && !workers.every((w) => w.done); round++) {
        const s = steps[round % steps.length]!
        // The others may be stuck waiting for this one (commits hold every participant): settle all first.
        const unsettled = workers.filter((w) => w.needsSettling())
        if (unsettled.length > 0) {
          await Promise.all(unsettled.map((w) => w.settle(() => true)))
          continue
        }
        const partition = (s.partition + Math.floor(round / steps.length)) % 3
        const w = workers[partition]!
        const from = w.state.fetchAt
        if (from < n) {
          const count = Math.min(n - from, s.size)
          await w.deliver(chunk(partition, from, count), w.state.generation, false)
          if (!w.state.unsure) w.state.fetchAt = Math.max(w.state.fetchAt, from + count)
        }
        if (s.commit || round % 5 === 4) await shared.commit().catch(() => {})
        await tick()
      }
      expect(workers.map((w) => w.done), JSON.stringify([fake.log.slice(-20), workers.map((w) => ({...w.state, lock: undefined, open: w.state.open ? {next: w.state.open.next} : undefined, abandoned: undefined})), shared.open()?.participants.size])).toEqual([true, true, true])
      for (let p = 0; p < 3; p++) expect(fake.committed.get(p)).toEqual(Array.from({length: n}, (_, i) => `p${p}v${i}`))
    }), {seed, numRuns: Number(globalThis.process.env.FC_RUNS ?? 200), interruptAfterTimeLimit: 20_000})
  })
})
