import type {KafkaConfig} from 'kafkajs'
import {kafkaJsConfig} from '../cluster/kafkajs-config.js'
import type {KafkaConnectionSpec} from '../model/environment.js'

/** kafkajs client config for a dev cluster connection; quiet, and with bounded retries. */
export function devKafkaJsConfig(conn: KafkaConnectionSpec, clientId: string): KafkaConfig {
  return kafkaJsConfig(conn, {clientId})
}
