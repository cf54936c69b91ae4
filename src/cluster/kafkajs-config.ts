import {readFileSync} from 'node:fs'
import {logLevel, type KafkaConfig, type SASLOptions} from 'kafkajs'
import type {KafkaConnectionSpec} from '../model/environment.js'

export interface KafkaJsOptions {
  readonly clientId: string
  /** kafkajs retries per request; bounded so a dead cluster fails instead of retrying for minutes. */
  readonly retries?: number
  readonly maxRetryTimeMs?: number
  readonly connectionTimeoutMs?: number
  readonly requestTimeoutMs?: number
}

/**
 * The one place a connection spec becomes a kafkajs client config (TLS files, SASL, timeouts).
 * kafkajs logs to the console by default; nothing below src/commands may print, so it is silenced
 * and failures surface as errors instead.
 */
export function kafkaJsConfig(conn: KafkaConnectionSpec, options: KafkaJsOptions): KafkaConfig {
  const config: KafkaConfig = {
    clientId: conn.clientId ?? options.clientId,
    brokers: [...conn.bootstrap],
    logLevel: logLevel.NOTHING,
    logCreator: () => () => undefined,
    connectionTimeout: conn.connectionTimeoutMs ?? options.connectionTimeoutMs ?? 3000,
    requestTimeout: conn.requestTimeoutMs ?? options.requestTimeoutMs ?? 15_000,
    retry: {retries: options.retries ?? 2, initialRetryTime: 200, maxRetryTime: options.maxRetryTimeMs ?? 1000},
  }
  const tls = conn.tls
  if (tls) {
    config.ssl = {
      rejectUnauthorized: tls.insecureSkipVerify !== true,
      ...(tls.caFile ? {ca: [readFileSync(tls.caFile, 'utf8')]} : {}),
      ...(tls.certFile ? {cert: readFileSync(tls.certFile, 'utf8')} : {}),
      ...(tls.keyFile ? {key: readFileSync(tls.keyFile, 'utf8')} : {}),
    }
  }
  if (conn.sasl) {
    config.sasl = {mechanism: conn.sasl.mechanism, username: conn.sasl.username, password: conn.sasl.password.reveal()} as SASLOptions
  }
  return config
}
