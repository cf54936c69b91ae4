import {StreamctlError} from '../errors.js'

/** A record the stage cannot handle and no dead-letter topic can take: retrying cannot help. */
export class RecordError extends Error {}

/**
 * An output record the target refuses whatever is retried (too large for its max.message.bytes,
 * a null key into a compacted topic, a timestamp out of range): thrown by the producer before or
 * instead of writing it, so that the runner can dead-letter the input record it came from, or stop.
 */
export class UnwritableRecordError extends Error {
  constructor(readonly topic: string, readonly partition: number, readonly code: string, reason: string, readonly record?: unknown) {
    super(`${code} writing to ${topic}-${partition}: ${reason}`)
    this.name = 'UnwritableRecordError'
  }
}

/**
 * Kafka's error codes whose exceptions extend RetriableException in Kafka's own Java client
 * (org.apache.kafka.common.errors, directly or through InvalidMetadataException,
 * RefreshRetriableException, CoordinatorNotAvailableException, …), mapped through
 * org.apache.kafka.common.protocol.Errors. Every other code is final: retrying cannot change the answer.
 */
export const RETRIABLE_KAFKA_CODES: ReadonlySet<number> = new Set([
  2, // CORRUPT_MESSAGE (a corrupted transfer; the producer resends)
  3, // UNKNOWN_TOPIC_OR_PARTITION
  5, // LEADER_NOT_AVAILABLE
  6, // NOT_LEADER_OR_FOLLOWER
  7, // REQUEST_TIMED_OUT
  9, // REPLICA_NOT_AVAILABLE
  13, // NETWORK_EXCEPTION
  14, // COORDINATOR_LOAD_IN_PROGRESS
  15, // COORDINATOR_NOT_AVAILABLE
  16, // NOT_COORDINATOR
  19, // NOT_ENOUGH_REPLICAS
  20, // NOT_ENOUGH_REPLICAS_AFTER_APPEND
  41, // NOT_CONTROLLER
  51, // CONCURRENT_TRANSACTIONS
  56, // KAFKA_STORAGE_ERROR
  70, // FETCH_SESSION_ID_NOT_FOUND
  71, // INVALID_FETCH_SESSION_EPOCH
  72, // LISTENER_NOT_FOUND
  74, // FENCED_LEADER_EPOCH
  75, // UNKNOWN_LEADER_EPOCH
  78, // OFFSET_NOT_AVAILABLE
  80, // PREFERRED_LEADER_NOT_AVAILABLE
  83, // ELIGIBLE_LEADERS_NOT_AVAILABLE
  84, // ELECTION_NOT_NEEDED
  88, // UNSTABLE_OFFSET_COMMIT
  89, // THROTTLING_QUOTA_EXCEEDED
  100, // UNKNOWN_TOPIC_ID
  103, // INCONSISTENT_TOPIC_ID
  106, // FETCH_SESSION_TOPIC_ID_ERROR
])

/** Produce answers that refuse the records themselves, not the producer: the record is the problem. */
export const RECORD_REFUSALS: ReadonlyMap<number, string> = new Map([
  [10, 'MESSAGE_TOO_LARGE'],
  [18, 'RECORD_LIST_TOO_LARGE'],
  [32, 'INVALID_TIMESTAMP'],
  [87, 'INVALID_RECORD'],
])

/**
 * The producer was fenced (INVALID_PRODUCER_EPOCH, PRODUCER_FENCED), or the group generation a
 * TxnOffsetCommit names is over or changing (ILLEGAL_GENERATION, UNKNOWN_MEMBER_ID,
 * FENCED_INSTANCE_ID, REBALANCE_IN_PROGRESS: KIP-447): either way the partition may have moved on,
 * and whoever holds it now goes on from the committed position.
 */
const FENCED_CODES = new Set([47, 90, 22, 25, 82, 27])
const FENCED_TYPES = new Set(['INVALID_PRODUCER_EPOCH', 'PRODUCER_FENCED', 'ILLEGAL_GENERATION', 'UNKNOWN_MEMBER_ID', 'FENCED_INSTANCE_ID', 'REBALANCE_IN_PROGRESS'])

type ErrorLink = {name?: string; type?: string; code?: unknown; kafkaCode?: unknown; retriable?: boolean; cause?: unknown; originalError?: unknown}

function* links(err: unknown): Generator<ErrorLink> {
  let e = err as ErrorLink | undefined
  for (let depth = 0; e && typeof e === 'object' && depth < 8; depth++) {
    yield e
    e = (e.originalError ?? e.cause) as ErrorLink | undefined
  }
}

/** The Kafka error code an error carries (a kafkajs protocol error, our KafkaApiError, or a cause of either). */
export function kafkaCodeOf(err: unknown): number | undefined {
  for (const e of links(err)) {
    if (typeof e.kafkaCode === 'number') return e.kafkaCode
    if (typeof e.code === 'number' && typeof e.type === 'string') return e.code
  }
  return undefined
}

/**
 * What retrying can do about an error, as Kafka's clients decide it: `fenced` (another process
 * holds the partition now), `retriable` (a lost connection, a moving leader or coordinator: wait
 * and retry, within the outage budget) or `fatal` (a refusal that is the same on every try:
 * authorisation, a record the target refuses, a bad configuration). Errors without a Kafka code
 * count as retriable when they are connection-level (kafkajs's names) and by their own
 * `retriable` flag otherwise.
 */
export function classifyError(err: unknown): 'fenced' | 'retriable' | 'fatal' {
  if (err instanceof RecordError || err instanceof UnwritableRecordError || err instanceof StreamctlError && !err.retriable) return 'fatal'
  if (isFenced(err)) return 'fenced'
  const code = kafkaCodeOf(err)
  if (code !== undefined) {
    if (FENCED_CODES.has(code)) return 'fenced'
    return RETRIABLE_KAFKA_CODES.has(code) ? 'retriable' : 'fatal'
  }
  if (isOutage(err)) return 'retriable'
  for (const e of links(err)) if (e.name === 'KafkaJSNonRetriableError' && !isOutage(e.cause)) return 'fatal'
  return (err as ErrorLink | undefined)?.retriable === false ? 'fatal' : 'retriable'
}

/** kafkajs errors that mean the cluster (or its coordinator) is out of reach for now. */
const OUTAGE_ERRORS = new Set(['KafkaJSGroupCoordinatorNotFound', 'KafkaJSConnectionError', 'KafkaJSConnectionClosedError', 'KafkaJSRequestTimeoutError', 'KafkaJSBrokerNotFound', 'KafkaJSNumberOfRetriesExceeded'])
const OUTAGE_CODES = new Set(['COORDINATOR_NOT_AVAILABLE', 'NOT_COORDINATOR', 'COORDINATOR_LOAD_IN_PROGRESS', 'LEADER_NOT_AVAILABLE', 'NOT_LEADER_OR_FOLLOWER'])

/** True when the error, or any of its causes, says Kafka is out of reach rather than refusing the job. */
export function isOutage(err: unknown): boolean {
  for (let e = err as {name?: string; type?: string; cause?: unknown} | undefined, depth = 0; e && depth < 8; e = e.cause as typeof e, depth++) {
    if ((e.name && OUTAGE_ERRORS.has(e.name)) || (e.type && OUTAGE_CODES.has(e.type))) return true
  }
  return false
}

/** Another process took over the transactional id: the partition moved on. */
export function isFenced(err: unknown): boolean {
  for (const e of links(err)) if (e.type && FENCED_TYPES.has(e.type)) return true
  return false
}

/** Where a job runs, for its errors: cluster labels only (environment names or bootstrap lists, never credentials). */
export interface JobPlace {
  readonly job: string
  readonly crossCluster: boolean
  readonly sourceLabel?: string
  readonly targetLabel: string
}

export function lostClusterError(place: JobPlace, err: Error, ms: number): StreamctlError {
  const where = place.crossCluster ? `${place.sourceLabel ?? 'the source'} or ${place.targetLabel}` : (place.sourceLabel ?? place.targetLabel)
  return new StreamctlError('CLUSTER_UNREACHABLE', `job ${place.job} stopped: cannot reach Kafka at ${where} (still failing after ${Math.round(ms / 1000)} s: ${err.message})`, {
    hint: 'rerun the same job once the cluster is back: it resumes after the last committed batch', retriable: true, cause: err,
  })
}

/**
 * An outage of a service besides Kafka that a stage calls (the schema registry unreachable or
 * answering 5xx): not the record's fault and not final, so the partition is read again.
 */
export function isServiceOutage(err: unknown): err is StreamctlError {
  return err instanceof StreamctlError && err.retriable
}

/** A service besides Kafka (the schema registry) still failing when the outage budget ran out: its own error, with how long. */
export function outageOf(place: JobPlace, err: StreamctlError, ms: number): StreamctlError {
  return new StreamctlError(err.code, `job ${place.job} stopped: ${err.message} (still failing after ${Math.round(ms / 1000)} s)`, {
    hint: 'rerun the same job once it answers again: it resumes after the last committed batch', retriable: true, cause: err,
  })
}

/** A refusal that retrying cannot change: the job stops at once, naming where. */
export function refusedError(place: JobPlace, err: Error, where: string): StreamctlError {
  const code = kafkaCodeOf(err)
  const auth = code === 29 || code === 30 || code === 31 || code === 53
  return new StreamctlError('JOB_FAILED', `job ${place.job} stopped at ${where}: ${err.message}`, {
    hint: auth
      ? 'the job\'s principal lacks an ACL for this (Kafka refuses the same way on every retry): grant it, then rerun the job to resume'
      : 'Kafka refuses this the same way on every retry: fix the cause (or set --dead-letter for records the target refuses), then rerun the job to resume',
    cause: err,
  })
}

/** Whatever stops the job, the user learns which job and cluster, in one line. */
export function jobFailure(place: JobPlace, err: unknown): unknown {
  if (err instanceof StreamctlError || !(err instanceof Error)) return err
  const route = place.crossCluster ? `${place.sourceLabel ?? 'the source'} → ${place.targetLabel}` : (place.sourceLabel ?? place.targetLabel)
  return new StreamctlError('JOB_FAILED', `job ${place.job} failed on ${route}: ${err.message}`, {
    hint: 'rerun the same job: it resumes after the last committed batch', cause: err,
  })
}
