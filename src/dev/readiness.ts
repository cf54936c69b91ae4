import {randomBytes} from 'node:crypto'
import {Kafka} from 'kafkajs'
import type {KafkaConnectionSpec} from '../model/environment.js'
import {devKafkaJsConfig} from './kafkajs-config.js'

export const READY_TOPIC = '__streamctl_ready'

/**
 * One readiness probe: all brokers registered, the probe topic exists, and one record produced
 * with acks=all is read back. Throws (with a short reason) while the cluster is not ready yet.
 */
export async function probeReady(conn: KafkaConnectionSpec, brokers: number): Promise<void> {
  // Few retries: the caller polls, and a probe stuck in retries would hide a dead node.
  const kafka = new Kafka({...devKafkaJsConfig({...conn, requestTimeoutMs: 10_000}, 'streamctl-dev-ready'), retry: {retries: 2, initialRetryTime: 200, maxRetryTime: 1000}})
  const admin = kafka.admin()
  await admin.connect()
  try {
    const cluster = await admin.describeCluster()
    if (cluster.brokers.length < brokers) throw new Error(`${cluster.brokers.length} of ${brokers} brokers registered`)
    const existing = await admin.listTopics()
    if (!existing.includes(READY_TOPIC)) {
      await admin.createTopics({topics: [{topic: READY_TOPIC, numPartitions: 1, replicationFactor: Math.min(3, brokers)}], waitForLeaders: true})
    }
    const nonce = randomBytes(8).toString('hex')
    const producer = kafka.producer({allowAutoTopicCreation: false})
    await producer.connect()
    try {
      await producer.send({topic: READY_TOPIC, acks: -1, messages: [{value: nonce}]})
    } finally {
      await producer.disconnect()
    }
    const groupId = `streamctl-ready-${nonce}`
    const consumer = kafka.consumer({groupId, sessionTimeout: 10_000, rebalanceTimeout: 10_000, heartbeatInterval: 1000, maxWaitTimeInMs: 200})
    await consumer.connect()
    try {
      await consumer.subscribe({topic: READY_TOPIC, fromBeginning: true})
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('probe record not read back within 30 s')), 30_000)
        consumer.run({
          eachMessage: async ({message}) => {
            if (message.value?.toString() === nonce) { clearTimeout(timer); resolve() }
          },
        }).catch((err: unknown) => { clearTimeout(timer); reject(err instanceof Error ? err : new Error(String(err))) })
      })
    } finally {
      await consumer.disconnect()
    }
    await admin.deleteGroups([groupId]).catch(() => undefined)
  } finally {
    await admin.disconnect()
  }
}
