import {Kafka, logLevel, type KafkaConfig, type SASLOptions} from 'kafkajs'
import {readFileSync} from 'node:fs'
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

export function createKafka(conn: JobConnection, clientId = 'streamctl-job'): Kafka {
  const {spec} = conn
  const config: KafkaConfig = {
    clientId: spec.clientId ?? clientId,
    brokers: [...spec.bootstrap],
    connectionTimeout: spec.connectionTimeoutMs ?? 5000,
    requestTimeout: spec.requestTimeoutMs ?? 30_000,
    logLevel: logLevel.NOTHING,
    retry: {retries: 5, initialRetryTime: 200, maxRetryTime: 3000},
  }
  if (spec.tls) {
    config.ssl = {
      ca: spec.tls.caFile ? [readFileSync(spec.tls.caFile, 'utf8')] : undefined,
      cert: spec.tls.certFile ? readFileSync(spec.tls.certFile, 'utf8') : undefined,
      key: spec.tls.keyFile ? readFileSync(spec.tls.keyFile, 'utf8') : undefined,
      rejectUnauthorized: !spec.tls.insecureSkipVerify,
    }
  }
  if (spec.sasl) {
    config.sasl = {mechanism: spec.sasl.mechanism, username: spec.sasl.username, password: spec.sasl.password.reveal()} as SASLOptions
  }
  return new Kafka(config)
}

/** Connection failures name the cluster label only; kafkajs messages never contain the password. */
export function unreachable(conn: JobConnection, err: unknown): StreamctlError {
  const msg = err instanceof Error ? err.message : String(err)
  return new StreamctlError('CLUSTER_UNREACHABLE', `cannot reach Kafka at ${conn.label}: ${msg}`, {
    hint: 'check that the cluster is running (streamctl dev up) and the bootstrap address', retriable: true, cause: err,
  })
}
