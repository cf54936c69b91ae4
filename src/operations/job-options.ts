import type {CodecName} from '../cluster/protocol/compression.js'
import type {JobConnection} from './connection.js'
import type {JobEvent} from './progress.js'

/** What every job takes besides its own options. */
export interface CommonJobOptions {
  /** Names the consumer group, transactional ids and state dir: rerunning the same name resumes. */
  readonly job?: string
  readonly connection: JobConnection
  readonly follow?: boolean
  readonly signal?: AbortSignal
  readonly onEvent?: (e: JobEvent) => void
  /** How long the job keeps retrying while Kafka cannot be reached before it fails (default 60 s). */
  readonly unreachableTimeoutMs?: number
  // --- failing fast, resuming right (issue 18 items 5, 9, 12) ---
  /** Output codec instead of the target topic's compression.type. */
  readonly compression?: CodecName
  /** Stop when retention removed records the job had not read, instead of reporting them and moving on. */
  readonly noGaps?: boolean
  /** Forget the job's committed positions and start over (accepts a changed definition). */
  readonly restart?: boolean
  /** The most bytes one fetch returns per input partition (default 1 MiB): smaller chunks, more commits. */
  readonly maxBytesPerPartition?: number
}

/** The run options every job hands to runJob as they are (see CommonJobOptions). */
export function runOptions(o: Pick<CommonJobOptions, 'compression' | 'noGaps' | 'restart' | 'maxBytesPerPartition'>): {compression?: CodecName; noGaps?: boolean; restart?: boolean; maxBytesPerPartition?: number} {
  return {compression: o.compression, noGaps: o.noGaps, restart: o.restart, maxBytesPerPartition: o.maxBytesPerPartition}
}

/** The topics a job writes: its target, and its dead-letter topic when it has one. */
export function outputTopics(o: {readonly to: string; readonly deadLetter?: string}): string[] {
  return o.deadLetter ? [o.to, o.deadLetter] : [o.to]
}

export function defaultJobName(kind: string, from: string, to: string): string {
  return `${kind}-${from}-to-${to}`.replace(/[^a-zA-Z0-9._-]+/g, '-')
}
