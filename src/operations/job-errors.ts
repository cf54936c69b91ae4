import {StreamctlError} from '../errors.js'

/** A record the stage cannot handle and no dead-letter topic can take: retrying cannot help. */
export class RecordError extends Error {}

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
  const type = (err as {type?: string}).type
  return type === 'INVALID_PRODUCER_EPOCH' || type === 'PRODUCER_FENCED'
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

/** Whatever stops the job, the user learns which job and cluster, in one line. */
export function jobFailure(place: JobPlace, err: unknown): unknown {
  if (err instanceof StreamctlError || !(err instanceof Error)) return err
  const route = place.crossCluster ? `${place.sourceLabel ?? 'the source'} → ${place.targetLabel}` : (place.sourceLabel ?? place.targetLabel)
  return new StreamctlError('JOB_FAILED', `job ${place.job} failed on ${route}: ${err.message}`, {
    hint: 'rerun the same job: it resumes after the last committed batch', cause: err,
  })
}
