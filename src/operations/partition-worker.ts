import type {OffsetsToCommit} from '../cluster/transactional-session.js'
import {StreamctlError} from '../errors.js'
import {decodeRawBatch, type RawBatch} from '../cluster/protocol/record-batch-reader.js'
import {deadLetterRecord, describeRecord} from './dead-letter.js'
import {RecordError, UnwritableRecordError, isServiceOutage} from './job-errors.js'
import {MAX_QUEUED_SENDS, commitDue, newPartitionState, openTransaction, queueSend, rewind, withPartition, type OpenTransaction, type PartitionState} from './partition-state.js'
import type {InputRecord, OutputRecord, Stage, StageResult} from './record.js'
import type {FetchedChunk} from './source-fetcher.js'
import type {SendItem, TransactionalOutput} from './transactional-producer.js'
import type {OwnProducer} from './orphan-transactions.js'
import type {SharedParticipant} from './shared-transaction.js'

/** Pause before re-reading a partition whose stage failed on a service that is down (the registry). */
const STAGE_RETRY_MS = 500

/** What a worker needs of its partition's transactional producer. */
export interface WorkerProducer {
  transaction(): TransactionalOutput
  identity(): {producerId: bigint; own: OwnProducer}
}

/** What a transaction adds to the job's counters once it commits. */
export interface CommittedCounts {
  readonly read: number
  readonly written: number
  readonly deadLettered: number
  readonly skipped: number
}

/** The job around a worker: its stage, the partition's producer and committed position, and where outcomes go. */
export interface WorkerHost {
  readonly topic: string
  readonly job: string
  readonly mode: 'bounded' | 'follow'
  readonly stage: Stage
  /** A plain copy's target topic: fetched batches are written whole there (Stage.passthrough). */
  readonly copyTopic?: string
  readonly deadLetter?: string
  readonly noGaps?: boolean
  /** Whether this worker still holds its partition (a newer worker replaces it on a later assignment). */
  owns(worker: PartitionWorker): boolean
  /** Whether it may take chunks: it holds its partition, the partition is assigned, and the job is running. */
  accepts(worker: PartitionWorker): boolean
  /** The partition's producer; a new one (InitProducerId, fencing the old) after dropProducer. */
  producer(partition: number): Promise<WorkerProducer>
  /** The producer the partition holds now, if any (never creates one). */
  heldProducer(partition: number): WorkerProducer | undefined
  /** Forgets a fenced or broken producer: the next transaction starts a new one, which fences it. */
  dropProducer(partition: number): void
  /** The input position committed inside the transaction (group offsets, or the target's checkpoints). */
  offsetsFor(partition: number, next: number): OffsetsToCommit
  /** After a commit: the source group's advisory offset (cross-cluster jobs). */
  afterCommit(partition: number, next: number): Promise<void>
  /** The committed position, read after fencing: final, no zombie can commit past it. */
  committedPosition(partition: number): Promise<number>
  /** How a given-up transaction of `producerId` at `epoch` ended, as the committed position shows. */
  decided(producerId: bigint, epoch: number, committed: boolean): void
  /** Whether the transaction coordinator stated how that transaction ended (read before fencing): then the committed position does not decide it. */
  statedFate(producerId: bigint, epoch: number): boolean
  /** Ends what Kafka left open on the output for this partition's producer (orphan-transactions.ts). */
  endOrphans(partition: number): Promise<void>
  /** A stage's uncommitted in-memory state goes with a given-up transaction. */
  resetStage(): void
  /** A transaction committed: counters, the write side's outage clock, progress. */
  committed(counts: CommittedCounts): void
  /** Retention removed `count` offsets before the job read them. */
  lostToRetention(count: number): void
  status(message: string): void
  /** The job stops with this error. */
  fail(err: unknown): void
  /** An error of a chunk or commit, classified by the job (fenced, outage, refusal). */
  failed(err: unknown, partition: number, offset?: number): void
  /** One chunk at a time across partitions, for stages whose state spans them. */
  serially(fn: () => Promise<void>): Promise<void>
  /**
   * Set when the process's partitions share one transaction (shared-transaction.ts, same-cluster
   * jobs): the worker joins it instead of beginning its own, asks for commits instead of
   * committing, and a failure aborts it for every partition.
   */
  readonly shared?: SharedTransactionHost
}

/** The process's one transaction, as a worker uses it. */
export interface SharedTransactionHost {
  join(worker: PartitionWorker): Promise<TransactionalOutput>
  /** Its part failed: the transaction is aborted for all once their current work ends. */
  fail(err: unknown): void
  /** Commits soon, without waiting (the caller holds its lock). */
  request(): void
  /** Commits now; the caller holds its own lock, no other (a serial stage's chunk). */
  commit(heldBy: PartitionWorker): Promise<void>
}

/**
 * One assigned input partition: its position, its open transaction and what it does with each
 * fetched chunk (process, commit, abandon, settle). Every state change of the partition happens
 * here, one step at a time under the partition's lock (PartitionState.lock); the job only wires
 * workers to the fetch loop and the group.
 */
export class PartitionWorker implements SharedParticipant {
  readonly state: PartitionState
  private serial = false

  constructor(readonly partition: number, position: number, end: number, private readonly host: WorkerHost) {
    this.state = newPartitionState(position, end)
    if (host.mode === 'bounded' && position >= end) this.state.done = true
  }

  get done(): boolean { return this.state.done }

  /** Input records not yet committed: to the end captured at start (bounded) or to the high watermark. */
  lag(): number {
    const st = this.state
    return Math.max(0, (this.host.mode === 'bounded' ? st.end : st.highWatermark) - st.position)
  }

  /** Processes a fetched chunk after the partition's earlier work; one fetched before the last rewind is dropped. */
  deliver(chunk: FetchedChunk, generation: number, serial: boolean): Promise<void> {
    this.serial = serial
    const run = (): Promise<void> => this.process(chunk, generation)
    // Serial: the turn is taken before the lock, so no lock is held while waiting for it (a shared
    // commit from inside a turn takes the other partitions' locks).
    return serial ? this.host.serially(() => withPartition(this.state, run)) : withPartition(this.state, run)
  }

  /** Commits the open transaction when it is due (or always, `all`); failures are the caller's. */
  flush(all: boolean): Promise<void> {
    const due = (): boolean => this.state.open !== undefined && (all || commitDue(this.state.open, Date.now()))
    if (!due()) return Promise.resolve()
    return withPartition(this.state, async () => {
      if (due()) await this.commit()
    })
  }

  /** Whether settle() has work: a commit or send failed and nothing is open or settling. */
  needsSettling(): boolean {
    const st = this.state
    return st.unsure === true && !st.open && !st.settling
  }

  /**
   * After a failed commit, as on a fresh assignment: fence (InitProducerId completes or aborts the
   * failed transaction), then resume from the committed position, which may be past `position`.
   */
  async settle(stillWanted: () => boolean): Promise<void> {
    const st = this.state
    st.settling = true
    try {
      await withPartition(st, async () => {
        if (!st.unsure || st.open || !stillWanted()) return
        await this.host.producer(this.partition)
        const abandoned = st.abandoned ?? []
        const unstated = abandoned.filter((a) => !this.host.statedFate(a.producerId, a.epoch))
        // The coordinator said how what we gave up ended: if Kafka lost its markers, end it that
        // way before reading the position, which then includes a committed orphan's offsets.
        if (abandoned.length > 0 && unstated.length === 0) await this.host.endOrphans(this.partition)
        const position = await this.host.committedPosition(this.partition)
        Object.assign(st, {position, skipBelow: position, unsure: false})
        rewind(st, position)
        // Otherwise the position read after fencing is the verdict: the given-up transaction's
        // offsets were committed in it or not. End a lost-marker orphan that way now.
        if (unstated.length > 0) {
          for (const a of unstated) this.host.decided(a.producerId, a.epoch, position >= a.next)
          await this.host.endOrphans(this.partition)
        }
        st.abandoned = undefined
        // The failed commit may have landed at the end: no batch follows to say so.
        this.markDoneAtEnd()
      })
    } finally {
      st.settling = false
    }
  }

  /** Retention removed [from, to) before the job read it: reported, and the position moved past it (committed at once), or the job stops. */
  gap(from: number, to: number): void {
    const st = this.state
    const p = this.partition
    const topic = this.host.topic
    if (this.host.noGaps) {
      this.host.fail(new StreamctlError('JOB_FAILED', `job ${this.host.job}: ${topic}-${p} offsets ${from}–${to - 1} were deleted (retention or DeleteRecords) before the job read them, and --no-gaps is set`, {
        hint: 'rerun without --no-gaps to continue from the log start (the report counts what was lost), or restore the records first',
      }))
      return
    }
    this.host.lostToRetention(to - from)
    this.host.status(`${topic}-${p}: offsets ${from}–${to - 1} were deleted (retention) before the job read them; continuing at ${to}`)
    rewind(st, to)
    // Committed at once, so a rerun neither reports the gap again nor waits for a record that may not come.
    void withPartition(st, async () => {
      if (!this.host.owns(this) || st.position >= to) return
      if (st.open) {
        st.open.next = Math.max(st.open.next, to)
      } else {
        st.open = openTransaction(await this.begin(), st.position)
        st.open.next = to
      }
      if (this.host.shared) this.host.shared.request()
      else await this.commit()
    }).catch((err: unknown) => this.host.failed(err, p, to))
  }

  /** Commits the open transaction (the caller holds the lock). */
  private async commit(): Promise<void> {
    const st = this.state
    const open = st.open
    if (!open) return
    try {
      await open.sending
      await open.tx.sendOffsets(this.host.offsetsFor(this.partition, open.next))
      await open.tx.commit()
    } catch (err) {
      await this.abandon(open)
      throw err
    }
    st.open = undefined
    await this.host.afterCommit(this.partition, open.next)
    this.applyCommit(open)
  }

  /** What a committed transaction means for the partition (the caller holds the lock). */
  private applyCommit(open: OpenTransaction): void {
    const st = this.state
    st.position = Math.max(st.position, open.next)
    st.skipBelow = st.position
    if (st.isolateBelow !== undefined && st.position >= st.isolateBelow) st.isolateBelow = undefined
    for (const a of open.afterCommit) this.host.stage.afterCommit?.(a.records, a.result, a.next)
    this.markDoneAtEnd()
    this.host.committed(open.pending)
  }

  /** Shared transaction: waits for the partition's current work, then holds its lock. */
  hold(): Promise<() => void> {
    return new Promise((entered) => {
      void withPartition(this.state, () => new Promise<void>((release) => entered(release)))
    })
  }

  /**
   * Shared transaction: the input position its part commits, once its sends have landed (the lock
   * is held). A send that failed is dealt with here, as a chunk's failure: 'failed', and the
   * transaction is aborted for all.
   */
  async prepare(): Promise<number | undefined | 'failed'> {
    const open = this.state.open
    if (!open) return undefined
    try {
      await open.sending
    } catch (err) {
      this.sendFailed(err, open)
      return 'failed'
    }
    return open.next
  }

  /** A send of the open transaction failed: a refused record is looked for record by record, the rest goes to the job. */
  private sendFailed(err: unknown, open: OpenTransaction): void {
    const st = this.state
    if (err instanceof UnwritableRecordError) {
      st.isolateBelow = Math.max(st.isolateBelow ?? 0, open.next)
      this.host.status(`${this.host.topic}-${this.partition}: ${err.message}; finding the record among offsets ${open.from}–${open.next - 1}`)
      return
    }
    this.host.failed(err, this.partition, open.from)
  }

  /** Shared transaction: it committed (the lock is held). */
  committed(): void {
    const open = this.state.open
    if (!open) return
    this.state.open = undefined
    this.applyCommit(open)
  }

  /** Shared transaction: it was aborted (the lock is held); the partition reads again from its committed position once settled. */
  async abandoned(): Promise<void> {
    const st = this.state
    const open = st.open
    st.open = undefined
    this.host.resetStage()
    const id = this.host.heldProducer(this.partition)?.identity()
    // Only a part that moved the position can tell, once settled, whether the transaction committed.
    if (id && open && open.next > open.from) (st.abandoned ??= []).push({producerId: id.producerId, epoch: id.own.epoch, next: open.next})
    st.unsure = true
    rewind(st, st.position)
    st.skipBelow = st.position
  }

  /** A transaction for this partition's chunk: the process's shared one, or its own producer's. */
  private async begin(): Promise<TransactionalOutput> {
    if (this.host.shared) return this.host.shared.join(this)
    return (await this.host.producer(this.partition)).transaction()
  }

  /** Gives up the open transaction: aborted, and its records read again from the committed position. */
  private async abandon(open: OpenTransaction): Promise<void> {
    const st = this.state
    if (st.open === open) st.open = undefined
    this.host.resetStage()
    const id = this.host.heldProducer(this.partition)?.identity()
    if (id) (st.abandoned ??= []).push({producerId: id.producerId, epoch: id.own.epoch, next: open.next})
    // A Produce still in flight must not land after the abort marker (it would open a new
    // transaction on that partition that nobody ends).
    await open.sending.catch(() => {})
    await open.tx.abort().catch(() => {})
    // A fenced or broken producer never recovers: the next batch of this partition (if we still
    // own it) starts a fresh one, whose InitProducerId takes over the transactional id.
    this.host.dropProducer(this.partition)
    st.unsure = true
    rewind(st, st.position)
  }

  private markDoneAtEnd(): void {
    if (this.host.mode === 'bounded' && this.state.position >= this.state.end) this.state.done = true
  }

  /** One fetched chunk: mapped by the stage and queued in the partition's transaction (the caller holds the lock). */
  private async process(chunk: FetchedChunk, generation: number): Promise<void> {
    const st = this.state
    const p = this.partition
    const host = this.host
    const topic = host.topic
    if (st.generation !== generation || st.unsure || !host.accepts(this)) return
    st.highWatermark = chunk.highWatermark
    // The fetched records are the stage's input as they are; only the ends may need cutting.
    let records: readonly InputRecord[] = chunk.records
    // Batches a plain copy writes whole: only those wholly inside what this chunk may write, and
    // none while a refused record is being looked for one by one; the rest are decoded here.
    let raw: readonly RawBatch[] = chunk.raw ?? []
    if (raw.length > 0) {
      const first = Math.min(records[0]?.offset ?? Number.POSITIVE_INFINITY, raw[0]!.baseOffset)
      const isolating = st.isolateBelow !== undefined && first < st.isolateBelow
      const whole = (b: RawBatch): boolean => host.copyTopic !== undefined && !isolating && b.baseOffset >= st.skipBelow && (host.mode !== 'bounded' || b.baseOffset + b.count <= st.end)
      if (!raw.every(whole)) ({records, raw} = decodeSome(records, raw, whole, topic, p))
    }
    let from = 0
    while (from < records.length && records[from]!.offset < st.skipBelow) from++
    let to = records.length
    if (host.mode === 'bounded') while (to > from && records[to - 1]!.offset >= st.end) to--
    const cutAtEnd = to < records.length
    if (from > 0 || cutAtEnd) records = records.slice(from, to)
    // nextOffset counts trailing transaction markers: committing past them lets a bounded run
    // reach end offsets that sit after a marker.
    const fetchedNext = chunk.nextOffset
    const count = records.length + raw.reduce((n, b) => n + b.count, 0)
    const firstOffset = Math.min(records[0]?.offset ?? Number.POSITIVE_INFINITY, raw[0]?.baseOffset ?? Number.POSITIVE_INFINITY)
    if (count === 0) {
      if (!cutAtEnd && fetchedNext > (st.open?.next ?? st.position)) {
        if (st.open) st.open.next = fetchedNext
        else st.position = fetchedNext
      }
      this.markDoneAtEnd()
      return
    }
    // Records cut at the end lie after every batch kept whole (those end at or before st.end).
    const next = cutAtEnd ? Math.max(records[records.length - 1]?.offset ?? 0, ...raw.map((b) => b.baseOffset + b.count - 1)) + 1 : fetchedNext
    let open: OpenTransaction | undefined
    try {
      if (!host.shared) await host.producer(p)
      const opened = async (): Promise<OpenTransaction> => (st.open ??= openTransaction(await this.begin(), st.position))
      let result
      if (st.isolateBelow !== undefined && firstOffset < st.isolateBelow) {
        open = await opened()
        result = await this.isolated(open, records, chunk.codec)
      } else if (raw.length > 0) {
        const mixed = await this.copyThrough(records, raw)
        result = mixed
        open = await opened()
        queueSend(open, mixed.items, chunk.codec)
      } else {
        result = await host.stage.process(records)
        open = await opened()
        queueSend(open, result.out, chunk.codec)
      }
      if (open.failed || open.queued > MAX_QUEUED_SENDS) await open.sending
      open.next = next
      open.records += count
      open.pending.read += count
      open.pending.written += result.written
      open.pending.deadLettered += result.deadLettered
      open.pending.skipped += result.skipped
      if (host.stage.afterCommit) open.afterCommit.push({records, result, next})
      st.skipBelow = next
      // A stage with a state cache sees its own writes only after commit: commit every chunk.
      const due = host.stage.afterCommit !== undefined || commitDue(open, Date.now())
      if (due || (host.mode === 'bounded' && next >= st.end)) {
        if (!host.shared) await this.commit()
        // A serial stage holds no other lock (deliver), so it can commit in its turn, as it must:
        // a stage with a state cache reads only committed state.
        else if (this.serial && host.stage.afterCommit) await host.shared.commit(this)
        else host.shared.request()
      }
    } catch (err) {
      // Whatever failed (the stage or a send), the partition's open transaction goes and the
      // partition is read again from its committed position: no record after it may be committed
      // past the ones that failed.
      if (st.open && host.shared) {
        // Shared with other partitions: aborted for all once their current work ends; settled after.
        host.shared.fail(err)
        st.unsure = true
        rewind(st, st.position)
      } else if (st.open) await this.abandon(st.open)
      else {
        host.resetStage()
        rewind(st, st.position)
      }
      st.skipBelow = st.position
      // A service the stage calls is down (the registry): give it a moment before the re-read asks again.
      if (isServiceOutage(err)) await new Promise((r) => setTimeout(r, STAGE_RETRY_MS))
      if (err instanceof UnwritableRecordError) {
        // Which input record made the refused output is known only record by record: read the
        // chunk again that way (the transaction is gone; the partition re-reads from its position).
        st.isolateBelow = Math.max(st.isolateBelow ?? 0, next)
        host.status(`${topic}-${p}: ${err.message}; finding the record among offsets ${firstOffset}–${next - 1}`)
        return
      }
      host.failed(err, p, firstOffset)
    }
  }

  /**
   * A plain copy's chunk with batches kept whole: the decoded records between them go through the
   * stage, the batches as they are, all in offset order. Each batch's records count as written,
   * as the stage would have counted them (one output per record).
   */
  private async copyThrough(records: readonly InputRecord[], raw: readonly RawBatch[]): Promise<StageResult & {items: SendItem[]}> {
    const items: SendItem[] = []
    let written = 0
    let deadLettered = 0
    let skipped = 0
    let i = 0
    const stageUpTo = async (offset: number): Promise<void> => {
      let j = i
      while (j < records.length && records[j]!.offset < offset) j++
      if (j === i) return
      const res = await this.host.stage.process(records.slice(i, j))
      for (const r of res.out) items.push(r)
      written += res.written
      deadLettered += res.deadLettered
      skipped += res.skipped
      i = j
    }
    for (const b of raw) {
      await stageUpTo(b.baseOffset)
      items.push({topic: this.host.copyTopic!, partition: this.partition, raw: b})
      written += b.count
    }
    await stageUpTo(Number.POSITIVE_INFINITY)
    return {out: [], items, written, deadLettered, skipped}
  }

  /**
   * A chunk with a record the target refuses, one input record at a time inside the open
   * transaction: a refused record's output is not written (Kafka refuses a batch whole), so it can
   * be dead-lettered in its place; without a dead-letter topic the job stops, naming it.
   */
  private async isolated(open: OpenTransaction, records: readonly InputRecord[], codec: number | undefined): Promise<StageResult> {
    await open.sending
    const deadLetter = this.host.deadLetter
    const sum = {written: 0, deadLettered: 0, skipped: 0, out: [] as OutputRecord[]}
    for (const r of records) {
      const res = await this.host.stage.process([r])
      try {
        await open.tx.send(res.out, codec, {alone: true})
      } catch (err) {
        if (!(err instanceof UnwritableRecordError)) throw err
        const where = `${describeRecord(r)} (${err.message})`
        if (!deadLetter) throw new RecordError(`${where}: the target refuses this record on every retry, and no --dead-letter topic is set, so the job stops here`)
        if (err.topic === deadLetter) throw new RecordError(`${where}: not even the dead-letter topic ${deadLetter} takes it; raise its max.message.bytes or filter the record out`)
        if (res.out.length > 1) throw new RecordError(`${where}: the record's other outputs may be written already, so it cannot be dead-lettered alone`)
        await open.tx.send([deadLetterRecord(deadLetter, this.host.job, r, err)], undefined, {alone: true})
        sum.deadLettered++
        continue
      }
      sum.written += res.written
      sum.deadLettered += res.deadLettered
      sum.skipped += res.skipped
    }
    return sum
  }
}

/**
 * The chunk's records with the batches `whole` rejects decoded among them (in offset order), and
 * the batches it keeps.
 */
export function decodeSome(records: readonly InputRecord[], raw: readonly RawBatch[], whole: (b: RawBatch) => boolean, topic: string, partition: number): {records: InputRecord[]; raw: RawBatch[]} {
  const out: InputRecord[] = []
  const kept: RawBatch[] = []
  let i = 0
  for (const b of raw) {
    while (i < records.length && records[i]!.offset < b.baseOffset) out.push(records[i++]!)
    if (whole(b)) kept.push(b)
    else for (const r of decodeRawBatch(b, topic, partition)) out.push(r)
  }
  while (i < records.length) out.push(records[i++]!)
  return {records: out, raw: kept}
}
