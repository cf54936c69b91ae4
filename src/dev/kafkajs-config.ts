import {readFileSync} from 'node:fs'
import {logLevel, type KafkaConfig} from 'kafkajs'
import type {KafkaConnectionSpec} from '../model/environment.js'

/** kafkajs client config for a dev cluster connection; quiet, and with bounded retries. */
export function devKafkaJsConfig(conn: KafkaConnectionSpec, clientId: string): KafkaConfig {
  const cfg: KafkaConfig = {
    clientId,
    brokers: [...conn.bootstrap],
    logLevel: logLevel.NOTHING,
    connectionTimeout: conn.connectionTimeoutMs ?? 3000,
    requestTimeout: conn.requestTimeoutMs ?? 15_000,
    retry: {retries: 5, initialRetryTime: 300, maxRetryTime: 3000},
  }
  if (conn.tls) {
    cfg.ssl = {
      rejectUnauthorized: !conn.tls.insecureSkipVerify,
      ...(conn.tls.caFile ? {ca: [readFileSync(conn.tls.caFile, 'utf8')]} : {}),
    }
  }
  if (conn.sasl) {
    const {mechanism, username, password} = conn.sasl
    cfg.sasl = mechanism === 'plain'
      ? {mechanism: 'plain', username, password: password.reveal()}
      : mechanism === 'scram-sha-256'
        ? {mechanism: 'scram-sha-256', username, password: password.reveal()}
        : {mechanism: 'scram-sha-512', username, password: password.reveal()}
  }
  return cfg
}
