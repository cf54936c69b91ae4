/**
 * The record shapes that flow through a job: what the runner reads from the source and what a
 * stage asks it to write. Values stay Buffers until a stage decodes them, so a plain copy never
 * pays for JSON parsing.
 */
/**
 * Headers are an ordered list, as Kafka stores them: a name may repeat, and a null value is a header
 * without value (not a missing header). Input values are views of the fetched bytes, never decoded.
 */
export type Header = readonly [name: string, value: Buffer | null]
export type Headers = readonly Header[]
/** What a stage may write: a string value is written as its UTF-8 bytes. */
export type OutputHeader = readonly [name: string, value: Buffer | string | null]
export type OutputHeaders = readonly OutputHeader[]

/** The value of the last header named `name` (the one Java's `Headers.lastHeader` returns), or undefined. */
export function lastHeader(headers: OutputHeaders, name: string): Buffer | string | null | undefined {
  for (let i = headers.length - 1; i >= 0; i--) if (headers[i]![0] === name) return headers[i]![1]
  return undefined
}

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
  readonly headers?: OutputHeaders
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
  /**
   * Set when the stage writes every record unchanged (key, value, every header in order, timestamp)
   * to `topic`, in the record's own partition, and nothing else: a plain copy. The runner may then
   * copy fetched batches whole (record-batch-reader.ts RawBatch) without handing them to `process`;
   * their records count as read and written exactly as if it had.
   */
  readonly passthrough?: {readonly topic: string}
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
