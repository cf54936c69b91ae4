/**
 * The record shapes that flow through a job: what the runner reads from the source and what a
 * stage asks it to write. Values stay Buffers until a stage decodes them, so a plain copy never
 * pays for JSON parsing.
 */
/** A null value is a header Kafka stores without value; undefined leaves the header out. */
export type Headers = Record<string, Buffer | string | null | undefined>

export interface InputRecord {
  readonly topic: string
  readonly partition: number
  readonly offset: number
  /** Milliseconds since the epoch. */
  readonly timestamp: number
  readonly key: Buffer | null
  readonly value: Buffer | null
  readonly headers: Headers
}

export interface OutputRecord {
  readonly topic: string
  readonly key: Buffer | string | null
  readonly value: Buffer | string | null
  readonly headers?: Headers
  /** Explicit partition; when absent the producer's murmur2 partitioner picks one from the key. */
  readonly partition?: number
  /** Milliseconds since the epoch (a decimal string, as transform modules see it, is accepted too). */
  readonly timestamp?: number | string
}

/** What a stage made of one input batch. `written` counts records for the job's target (not dead letters). */
export interface StageResult {
  readonly out: OutputRecord[]
  readonly written: number
  readonly deadLettered: number
  readonly skipped: number
}

/**
 * A stage turns one source batch (records of one partition, in offset order) into output records.
 * It runs inside the batch's transaction: if it throws, nothing of the batch is written.
 * `afterCommit` runs once the transaction is committed (state stores update their cache there);
 * `nextOffset` is the input position that transaction committed.
 */
export interface Stage {
  process(records: readonly InputRecord[]): Promise<StageResult> | StageResult
  afterCommit?(records: readonly InputRecord[], result: StageResult, nextOffset: number): void
}

export interface JobReport {
  readonly job: string
  readonly read: number
  readonly written: number
  readonly deadLettered: number
  readonly skipped: number
  readonly durationMs: number
  readonly recordsPerSecond: number
  /** `completed`: bounded run reached the end offsets; `stopped`: interrupted (SIGINT/SIGTERM) after a clean commit. */
  readonly outcome: 'completed' | 'stopped'
  /** Source offsets retention (or DeleteRecords) removed before the job read them (runner.ts onGap). */
  readonly lostToRetention?: number
}

export function formatReport(r: JobReport): string {
  return [
    `${r.job}: ${r.outcome}`,
    `  read          ${r.read}`,
    `  written       ${r.written}`,
    `  dead-lettered ${r.deadLettered}`,
    `  skipped       ${r.skipped}`,
    ...(r.lostToRetention ? [`  lost          ${r.lostToRetention} (deleted by retention before the job read them)`] : []),
    `  duration      ${(r.durationMs / 1000).toFixed(1)} s`,
    `  throughput    ${Math.round(r.recordsPerSecond)} records/s`,
  ].join('\n')
}
