import {Kafka} from 'kafkajs'
import {kafkaJsConfig} from '../cluster/kafkajs-config.js'
import type {KafkaConnectionSpec} from '../model/environment.js'

/** A kafkajs client for the registry's own topic: silent, with a few more retries than the CLI's. */
export function registryKafka(connection: KafkaConnectionSpec, clientId = 'streamctl-registry'): Kafka {
  return new Kafka(kafkaJsConfig(connection, {clientId, retries: 5, maxRetryTimeMs: 30_000, connectionTimeoutMs: 5_000, requestTimeoutMs: 30_000}))
}
