import {Kafka, type KafkaConfig} from 'kafkajs'
import {kafkaJsConfig} from '../cluster/kafkajs-config.js'
import {StreamctlError} from '../errors.js'
import type {KafkaConnectionSpec} from '../model/environment.js'

/**
 * How a job reaches a cluster: a resolved connection spec plus a label for messages (the
 * environment name or the bootstrap list — never credentials). kafkajs's own logger is silenced:
 * nothing below src/commands may write to the terminal; failures surface as errors instead.
 */
export interface JobConnection {
  readonly label: string
  readonly spec: KafkaConnectionSpec
}

export function parseBootstrap(value: string): string[] {
  const brokers = value.split(',').map((s) => s.trim()).filter(Boolean)
  for (const b of brokers) {
    if (!/^[^:\s]+:\d{1,5}$/.test(b)) {
      throw new StreamctlError('USAGE', `invalid bootstrap address '${b}'`, {hint: 'use host:port, comma-separated for several brokers (e.g. 127.0.0.1:9092)'})
    }
  }
  if (brokers.length === 0) throw new StreamctlError('USAGE', 'empty --bootstrap', {hint: 'use host:port'})
  return brokers
}

export function bootstrapConnection(value: string): JobConnection {
  const bootstrap = parseBootstrap(value)
  return {label: bootstrap.join(','), spec: {bootstrap}}
}

/** Jobs ride out broker restarts and leader moves: more retries than the CLI's admin calls. */
export function jobClientConfig(conn: JobConnection, clientId = 'streamctl-job'): KafkaConfig {
  return kafkaJsConfig(conn.spec, {clientId, retries: 8, maxRetryTimeMs: 5000, connectionTimeoutMs: 5000, requestTimeoutMs: 30_000})
}

export function createKafka(conn: JobConnection, clientId = 'streamctl-job'): Kafka {
  return new Kafka(jobClientConfig(conn, clientId))
}

/** Connection failures name the cluster label only; kafkajs messages never contain the password. */
export function unreachable(conn: JobConnection, err: unknown): StreamctlError {
  const msg = err instanceof Error ? err.message : String(err)
  return new StreamctlError('CLUSTER_UNREACHABLE', `cannot reach Kafka at ${conn.label}: ${msg}`, {
    hint: 'check that the cluster is running (streamctl dev up) and the bootstrap address', retriable: true, cause: err,
  })
}
