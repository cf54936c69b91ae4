import type {OffsetsToCommit} from '../cluster/transactional-session.js'
import type {TransactionalOutput} from './transactional-producer.js'

/**
 * One transaction at a time spanning every assigned partition of the process (Kafka Streams'
 * exactly_once_v2, KIP-447): the workers write their output into it as their chunks are processed,
 * and a commit writes all their input positions in one TxnOffsetCommit (with the group's
 * generation and member id, so a zombie's commit is refused) before one EndTxn. As in Kafka
 * Streams' TaskExecutor, a commit waits for every participant to finish the chunk it is processing
 * and holds them meanwhile, so the offsets committed are exactly what was written; and a failure of
 * any participant aborts the transaction for all of them, each reading its partition again from
 * its committed position.
 *
 * Locks: a commit (or abort) takes the participants' locks one by one; a worker never waits for a
 * commit while holding its lock (it asks for one and returns), except the one calling commit with
 * `heldBy` itself, whose lock is skipped. Work that joins while a commit runs waits for it and
 * joins the next transaction.
 */
export interface SharedParticipant {
  readonly partition: number
  /** Waits for the partition's current work, then holds its lock until the returned release is called. */
  hold(): Promise<() => void>
  /**
   * The input position its part of the transaction commits once its sends have landed, undefined
   * when it has none, or 'failed' when a send failed (the participant has dealt with the error).
   */
  prepare(): Promise<number | undefined | 'failed'>
  /** The transaction committed: its part is now the committed position. */
  committed(): void
  /** The transaction was given up: its part is read again from the committed position. */
  abandoned(): Promise<void>
}

/** What the shared transaction needs of the process's one producer. */
export interface SharedProducerSource {
  /** Begins a transaction on the process's producer (opening it first if needed: InitProducerId). */
  begin(): Promise<TransactionalOutput>
  /** The input positions of these partitions as one TxnOffsetCommit (group, generation, member id). */
  offsets(positions: ReadonlyMap<number, number>): OffsetsToCommit
  /** The producer is broken or fenced (or how its transaction ended is unknown): the next begin opens a new one, which fences it. */
  drop(): void
}

export interface Transaction {
  readonly tx: TransactionalOutput
  readonly startedAt: number
  readonly participants: Set<SharedParticipant>
  /** Why it cannot commit any more (a participant's send or stage failed): it is aborted next. */
  failure?: unknown
}

export class SharedTransaction {
  private current: Transaction | undefined
  private ending: Promise<void> | undefined

  constructor(private readonly source: SharedProducerSource, private readonly onEndFailure: (err: unknown) => void) {}

  /** The open transaction, if any. */
  open(): Transaction | undefined {
    return this.current
  }

  /** Joins the open transaction (starting one if none is open), after any commit or abort under way. */
  async join(participant: SharedParticipant): Promise<TransactionalOutput> {
    for (;;) {
      if (this.ending) {
        await this.ending.catch(() => {})
        continue
      }
      if (this.current?.failure !== undefined) {
        await this.abort().catch(() => {})
        continue
      }
      if (!this.current) {
        const starting = this.source.begin()
        // Only one begin at a time: the others wait for it, then join what it opened.
        this.ending = starting.then(() => {}, () => {})
        let tx: TransactionalOutput
        try {
          tx = await starting
        } finally {
          this.ending = undefined
        }
        this.current = {tx, startedAt: Date.now(), participants: new Set()}
      }
      this.current.participants.add(participant)
      return this.current.tx
    }
  }

  /** Whether the open transaction has a participant. */
  get active(): boolean {
    return (this.current?.participants.size ?? 0) > 0
  }

  /**
   * A participant failed (its send or stage) and dealt with the error: the transaction cannot
   * commit. It is aborted as soon as the participants' current work ends (not awaited: the caller
   * holds its own lock).
   */
  fail(err: unknown): void {
    if (!this.current) return
    this.current.failure ??= err
    void this.abort().catch(this.onEndFailure)
  }

  /**
   * Commits the open transaction with every participant's input position. A participant's failure
   * (its own to deal with) aborts it instead, and so does a refused commit, which is thrown; either
   * way every participant reads again. A commit asked for while one runs waits for it.
   */
  commit(heldBy?: SharedParticipant): Promise<void> {
    return this.end(true, heldBy)
  }

  /** Aborts the open transaction: every participant reads its partition again from its committed position. */
  abort(heldBy?: SharedParticipant): Promise<void> {
    return this.end(false, heldBy)
  }

  private end(commit: boolean, heldBy: SharedParticipant | undefined): Promise<void> {
    // After the commit or abort under way (its failure is its caller's), whatever opened since.
    if (this.ending) return this.ending.then(() => (this.current ? this.end(commit, heldBy) : undefined))
    const txn = this.current
    if (!txn) return Promise.resolve()
    const run = this.finish(txn, commit, heldBy)
    const settled: Promise<void> = run.catch(() => {}).finally(() => { if (this.ending === settled) this.ending = undefined })
    this.ending = settled
    return run
  }

  private async finish(txn: Transaction, commit: boolean, heldBy: SharedParticipant | undefined): Promise<void> {
    const releases: (() => void)[] = []
    try {
      // In partition order, one at a time: a participant's chunk may still be writing.
      const ordered = [...txn.participants].sort((a, b) => a.partition - b.partition)
      for (const p of ordered) if (p !== heldBy) releases.push(await p.hold())
      // Whoever joined while the locks were taken is held too.
      for (const p of txn.participants) if (p !== heldBy && !ordered.includes(p)) releases.push(await p.hold())
      const positions = new Map<number, number>()
      let failed = txn.failure !== undefined
      for (const p of txn.participants) {
        const next = await p.prepare()
        if (next === 'failed') failed = true
        else if (next !== undefined) positions.set(p.partition, next)
      }
      if (!commit || failed) {
        await this.giveUp(txn)
        return
      }
      try {
        if (positions.size > 0) await txn.tx.sendOffsets(this.source.offsets(positions))
        await txn.tx.commit()
      } catch (err) {
        await this.giveUp(txn)
        throw err
      }
      this.current = undefined
      for (const p of txn.participants) p.committed()
    } finally {
      for (const r of releases) r()
    }
  }

  /** Aborts (when the producer still can) and hands every participant its part back. */
  private async giveUp(txn: Transaction): Promise<void> {
    await txn.tx.abort().catch(() => {})
    this.current = undefined
    // Each notes whose transaction it gave up (the producer's id and epoch) before the producer goes.
    for (const p of txn.participants) await p.abandoned()
    // Fenced, broken or ended unknown: only a new InitProducerId settles it (settle in partition-worker.ts).
    this.source.drop()
  }
}
