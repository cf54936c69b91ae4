import {StreamctlError} from '../errors.js'
import {kafkaErrorCodes} from './kafkajs-internals.js'

/**
 * Kafka error codes as named, typed errors. Names and the retriable flag come from kafkajs's
 * table (Kafka's `Errors` enum); codes newer than kafkajs fall back to the few we name here.
 */
const EXTRA_CODES: Record<number, {type: string; retriable: boolean}> = {
  84: {type: 'ELECTION_NOT_NEEDED', retriable: false},
  85: {type: 'NO_REASSIGNMENT_IN_PROGRESS', retriable: false},
  91: {type: 'RESOURCE_NOT_FOUND', retriable: false},
  92: {type: 'DUPLICATE_RESOURCE', retriable: false},
  93: {type: 'UNACCEPTABLE_CREDENTIAL', retriable: false},
  89: {type: 'THROTTLING_QUOTA_EXCEEDED', retriable: true},
  90: {type: 'PRODUCER_FENCED', retriable: false},
  103: {type: 'INCONSISTENT_TOPIC_ID', retriable: true},
}

const HINTS: Record<string, string> = {
  TOPIC_ALREADY_EXISTS: 'the topic exists already: re-run plan to see the current state',
  UNKNOWN_TOPIC_OR_PARTITION: 'check the topic name; `streamctl export` lists the topics the cluster has',
  INVALID_CONFIG: 'check the config key and value against the Kafka topic configuration docs',
  INVALID_REPLICATION_FACTOR: 'the replication factor cannot exceed the number of live brokers',
  INVALID_PARTITIONS: 'partitions can only be increased, never decreased',
  POLICY_VIOLATION: 'a broker-side create/alter policy refused the change',
  TOPIC_AUTHORIZATION_FAILED: 'the principal lacks an ACL on this topic',
  CLUSTER_AUTHORIZATION_FAILED: 'the principal needs ALTER/DESCRIBE on the CLUSTER resource',
  SECURITY_DISABLED: 'the cluster has no authorizer (or no SASL/SCRAM) configured',
  NO_REASSIGNMENT_IN_PROGRESS: 'there is no reassignment to cancel for this partition',
  RESOURCE_NOT_FOUND: 'the user or resource does not exist',
  UNSUPPORTED_VERSION: 'the broker is too old for this operation',
  REASSIGNMENT_IN_PROGRESS: 'wait for the running reassignment to finish (streamctl lists them)',
}

export function kafkaErrorName(code: number): {name: string; retriable: boolean} {
  const known = kafkaErrorCodes.find((e) => e.code === code) ?? EXTRA_CODES[code]
  if (known) return {name: 'type' in known ? known.type : '', retriable: known.retriable}
  return {name: `KAFKA_ERROR_${code}`, retriable: false}
}

/**
 * A Kafka error code shaped as kafkajs shapes its protocol errors (`type`, `code`, `retriable`), for
 * the requests we send ourselves: job-errors.ts classifies both alike, also for codes newer than
 * kafkajs's table (PRODUCER_FENCED).
 */
export function kafkaProtocolError(code: number, detail?: string): Error & {type: string; code: number; retriable: boolean} {
  const {name, retriable} = kafkaErrorName(code)
  const text = kafkaErrorCodes.find((e) => e.code === code)?.message ?? name
  return Object.assign(new Error(detail ? `${text} (${detail})` : text), {name: 'KafkaJSProtocolError', type: name, code, retriable})
}

export class KafkaApiError extends StreamctlError {
  readonly kafkaCode: number
  readonly kafkaName: string
  /** The resource the broker named, e.g. `topic shop.orders` or `topic shop.orders partition 3`. */
  readonly resource?: string
  /** The broker's own error message, when it sent one. */
  readonly brokerMessage: string | null
  /** When one request failed for several resources, the others (this error is the first). */
  readonly others: readonly KafkaApiError[]
  /** For a call sent as several requests: which of its resources failed, which were never sent. */
  readonly batch?: BatchFailures

  constructor(args: {code: number; message?: string | null; resource?: string; api: string; others?: KafkaApiError[]; batch?: BatchFailures}) {
    const {name, retriable} = kafkaErrorName(args.code)
    const more = args.others?.length ? ` (and ${args.others.length} more: ${namesOf(args.others)})` : ''
    const detail = args.message ? `: ${args.message}` : ''
    super('KAFKA_ERROR', `${args.api} failed${args.resource ? ` for ${args.resource}` : ''}: ${name}${detail}${more}`, {
      hint: HINTS[name],
      retriable,
    })
    this.name = 'KafkaApiError'
    this.kafkaCode = args.code
    this.kafkaName = name
    this.resource = args.resource
    this.brokerMessage = args.message ?? null
    this.others = args.others ?? []
    if (args.batch) this.batch = args.batch
  }
}

/** How many other resources a message names: the full list is in `others`/`batch`, never in the text. */
const NAMED_IN_MESSAGE = 3

function namesOf(errors: readonly KafkaApiError[]): string {
  const shown = errors.slice(0, NAMED_IN_MESSAGE).map((o) => o.resource ?? o.kafkaName).join(', ')
  return errors.length > NAMED_IN_MESSAGE ? `${shown}, …` : shown
}

/**
 * The outcome of one gateway call that was sent as several requests: each refused resource once
 * (by its index in the call's input), and the resources never sent because a request had failed.
 * Everything else was done. Output built from it grows with the number of failures, never with
 * their square.
 */
export interface BatchFailures {
  readonly total: number
  readonly failures: readonly {readonly index: number; readonly error: StreamctlError}[]
  readonly notSent: readonly number[]
}

/** A batched call that failed other than with Kafka error codes (e.g. the connection dropped mid-way). */
export class BatchFailedError extends StreamctlError {
  readonly batch: BatchFailures

  constructor(api: string, first: StreamctlError, batch: BatchFailures) {
    super(first.code, `${api}: ${batch.failures.length} of ${batch.total} failed (first: ${first.message})`, {hint: first.hint, retriable: first.retriable, exitCode: first.exitCode, cause: first})
    this.name = 'BatchFailedError'
    this.batch = batch
  }
}

export function batchFailuresOf(error: unknown): BatchFailures | undefined {
  return error instanceof KafkaApiError || error instanceof BatchFailedError ? error.batch : undefined
}

/**
 * One error for a batched call: a KafkaApiError (the first refusal, the others attached) when Kafka
 * refused resources, so callers can still match on `kafkaName`; else a BatchFailedError.
 */
export function batchError(api: string, batch: BatchFailures): StreamctlError {
  const errors = batch.failures.map((f) => f.error)
  const kafka = errors.filter((e): e is KafkaApiError => e instanceof KafkaApiError)
  const [first, ...rest] = kafka
  if (first && kafka.length === errors.length) {
    return new KafkaApiError({api, code: first.kafkaCode, message: first.brokerMessage, resource: first.resource, others: rest, batch})
  }
  return new BatchFailedError(api, errors.find((e) => !(e instanceof KafkaApiError)) ?? errors[0]!, batch)
}

export interface ResourceError {
  readonly code: number
  readonly message?: string | null
  readonly resource?: string
}

/** Throws one KafkaApiError for all non-zero codes of one response (first error, the rest attached). */
export function throwIfErrors(api: string, results: readonly ResourceError[], ignore: readonly string[] = []): void {
  const failed = results
    .filter((r) => r.code !== 0 && !ignore.includes(kafkaErrorName(r.code).name))
    .map((r) => new KafkaApiError({api, code: r.code, message: r.message, resource: r.resource}))
  const [first, ...rest] = failed
  if (first) throw new KafkaApiError({api, code: first.kafkaCode, message: first.brokerMessage, resource: first.resource, others: rest})
}
