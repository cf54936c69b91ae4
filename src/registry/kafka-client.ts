import {readFileSync} from 'node:fs'
import {Kafka, logLevel, type KafkaConfig, type SASLOptions} from 'kafkajs'
import type {KafkaConnectionSpec} from '../model/environment.js'

/**
 * A kafkajs client for the registry's own topic. kafkajs logs to the console by default; the
 * registry runs below src/commands and must print nothing, so its log lines are dropped and
 * failures surface as errors instead.
 */
export function registryKafka(connection: KafkaConnectionSpec, clientId = 'streamctl-registry'): Kafka {
  const config: KafkaConfig = {
    clientId: connection.clientId ?? clientId,
    brokers: [...connection.bootstrap],
    connectionTimeout: connection.connectionTimeoutMs ?? 5_000,
    requestTimeout: connection.requestTimeoutMs ?? 30_000,
    logLevel: logLevel.NOTHING,
    logCreator: () => () => undefined,
    retry: {retries: 5},
  }
  if (connection.tls) {
    const t = connection.tls
    config.ssl = {
      ca: t.caFile ? [readFileSync(t.caFile, 'utf8')] : undefined,
      cert: t.certFile ? readFileSync(t.certFile, 'utf8') : undefined,
      key: t.keyFile ? readFileSync(t.keyFile, 'utf8') : undefined,
      rejectUnauthorized: t.insecureSkipVerify !== true,
    }
  }
  if (connection.sasl) {
    config.sasl = {
      mechanism: connection.sasl.mechanism,
      username: connection.sasl.username,
      password: connection.sasl.password.reveal(),
    } as SASLOptions
  }
  return new Kafka(config)
}
