import type {SendItem, TransactionalOutput} from './transactional-producer.js'
import type {InputRecord, StageResult} from './record.js'

/** What the runner knows of one input partition it holds. */
export interface PartitionState {
  end: number
  /** The committed input position (what a rerun or the next owner starts from). */
  position: number
  highWatermark: number
  done: boolean
  /** Cross-cluster: records below the target checkpoint were already written. */
  skipBelow: number
  /** The transaction being filled for this partition, if any. */
  open?: OpenTransaction
  /** Serialises this partition's batches and commits (eachBatch and the periodic flush). */
  lock: Promise<void>
  /** A commit failed, maybe after the broker had taken it (its answer lost with the connection). */
  unsure?: boolean
  /** The runner's loop is settling `unsure` (fence, re-read the position) without waiting for a batch. */
  settling?: boolean
  /** Where the next fetch of this partition starts (ahead of `position` while fetched chunks wait). */
  fetchAt: number
  /** Bumped on every rewind: chunks fetched before it are stale and dropped. */
  generation: number
  /** Fetched chunks queued for processing (bounded by MAX_FETCHED_CHUNKS). */
  inFlight: number
  /**
   * A chunk below this offset had an output record the target refused (UnwritableRecordError): it
   * is processed again one input record at a time, so the refused one is found and dead-lettered
   * (or named in the error that stops the job).
   */
  isolateBelow?: number
  /** Transactions given up since the last settle: whose they were, and the input position each would have committed. */
  abandoned?: {producerId: bigint; epoch: number; next: number}[]
}

/**
 * Several fetched batches share one transaction: the fixed cost of a transaction (AddPartitionsToTxn,
 * AddOffsetsToTxn, TxnOffsetCommit, EndTxn and the markers) is paid per COMMIT_INTERVAL_MS or
 * COMMIT_RECORDS instead of per fetch. Nothing is buffered meanwhile: each batch is produced
 * inside the open transaction as it arrives, and only becomes visible (read_committed) at commit.
 */
export interface OpenTransaction {
  readonly tx: TransactionalOutput
  readonly startedAt: number
  /** The input position it started at. */
  readonly from: number
  next: number
  records: number
  /**
   * The chunks' Produce requests, one after another. A chunk's processing ends once its Produce is
   * queued, so the next chunk is decoded while the broker appends this one; commit and abort wait for it.
   */
  sending: Promise<void>
  queued: number
  failed: boolean
  readonly pending: {read: number; written: number; deadLettered: number; skipped: number}
  /** Stages with a state cache (derive latest) learn what was committed, batch by batch. */
  readonly afterCommit: {records: readonly InputRecord[]; result: StageResult; next: number}[]
}

export const COMMIT_INTERVAL_MS = 500
export const COMMIT_RECORDS = 50_000
/** Produce requests queued per open transaction before the next chunk waits (bounds memory). */
export const MAX_QUEUED_SENDS = 4
/** Fetched chunks per partition waiting to be processed: one processed, one fetched ahead. */
export const MAX_FETCHED_CHUNKS = 2

export function newPartitionState(position: number, end: number): PartitionState {
  return {end, position, highWatermark: end, done: false, skipBelow: position, lock: Promise.resolve(), fetchAt: position, generation: 0, inFlight: 0}
}

/** Reads the partition again from `offset`: what was fetched beyond it and not yet processed is dropped. */
export function rewind(st: PartitionState, offset: number): void {
  st.fetchAt = offset
  st.generation++
}

export function openTransaction(tx: TransactionalOutput, position: number): OpenTransaction {
  return {tx, startedAt: Date.now(), from: position, next: position, records: 0, sending: Promise.resolve(), queued: 0, failed: false, pending: {read: 0, written: 0, deadLettered: 0, skipped: 0}, afterCommit: []}
}

/** Queues a batch's records behind the transaction's earlier sends. */
export function queueSend(open: OpenTransaction, out: readonly SendItem[], sourceCodec?: number): void {
  open.queued++
  const sent = open.sending.then(() => open.tx.send(out, sourceCodec)).finally(() => { open.queued-- })
  // Observed where it matters (commit, abort, the next batch); never an unhandled rejection.
  sent.catch(() => { open.failed = true })
  open.sending = sent
}

/** Runs fn after the partition's earlier work; a failure does not block what comes next. */
export function withPartition(st: PartitionState, fn: () => Promise<void>): Promise<void> {
  const run = st.lock.then(fn)
  st.lock = run.catch(() => {})
  return run
}

/** Due for commit: open long enough, or big enough. */
export function commitDue(open: OpenTransaction, now: number): boolean {
  return open.records >= COMMIT_RECORDS || now - open.startedAt >= COMMIT_INTERVAL_MS
}
