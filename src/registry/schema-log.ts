import {randomUUID} from 'node:crypto'
import type {Admin, Consumer, Kafka, Producer} from 'kafkajs'
import {StreamctlError} from '../errors.js'
import {RegistryHttpError, REGISTRY_ERROR_CODES} from './http-error.js'
import {decodeKey, encodeKey, type RecordKey} from './records.js'

export const SCHEMAS_TOPIC = '_schemas'

export type RecordHandler = (offset: number, key: RecordKey, value: unknown) => void

/**
 * The `_schemas` topic as an ordered log: appends are produced with acks=all, and every record is
 * applied (by `onRecord`) in offset order by one consumer that reads the topic from the start.
 * Callers wait until the consumer has passed an offset before answering, so an answer always
 * reflects the log up to and including the caller's own write.
 */
export class SchemaLog {
  private producer?: Producer
  private consumer?: Consumer
  private admin?: Admin
  /** Offset of the next record to apply. */
  private position = 0
  private waiters: {offset: number; resolve: () => void}[] = []
  private failure?: Error
  private closed = false

  constructor(
    private readonly kafka: Kafka,
    private readonly onRecord: RecordHandler,
    private readonly topic = SCHEMAS_TOPIC,
    private readonly waitTimeoutMs = 30_000,
  ) {}

  async start(): Promise<void> {
    try {
      this.admin = this.kafka.admin()
      await this.admin.connect()
      await this.ensureTopic()
      this.producer = this.kafka.producer({maxInFlightRequests: 1, allowAutoTopicCreation: false})
      await this.producer.connect()
      await this.startConsumer()
      await this.catchUp()
    } catch (error) {
      await this.close()
      if (error instanceof StreamctlError) throw error
      throw new StreamctlError('CLUSTER_UNREACHABLE', `registry: cannot use the ${this.topic} topic: ${(error as Error).message}`, {
        hint: 'check --bootstrap and the SASL/TLS settings; the registry keeps its state in Kafka',
        cause: error,
      })
    }
  }

  /**
   * A consumer in a private group: each instance must see every record, and nothing is committed.
   * After a crash kafkajs may restart it from the beginning (or we start a new one); records
   * below `position` were applied already and are skipped, so state only moves forward.
   */
  private async startConsumer(): Promise<void> {
    const consumer = this.kafka.consumer({groupId: `streamctl-registry-${randomUUID()}`, allowAutoTopicCreation: false, maxWaitTimeInMs: 500})
    this.consumer = consumer
    await consumer.connect()
    await consumer.subscribe({topic: this.topic, fromBeginning: true})
    consumer.on(consumer.events.CRASH, (e) => {
      if (e.payload.restart || this.closed) return
      // kafkajs gave up on this consumer (a non-retriable error): replace it.
      void consumer.disconnect().catch(() => undefined).then(() => this.closed ? undefined : this.startConsumer()).catch((error: Error) => {
        this.failure = error
      })
    })
    await consumer.run({
      autoCommit: false,
      eachMessage: async ({message}) => {
        const offset = Number(message.offset)
        if (offset < this.position) return
        const key = decodeKey(message.key?.toString('utf8'))
        if (key) {
          let value: unknown = null
          if (message.value !== null && message.value.length > 0) {
            try {
              value = JSON.parse(message.value.toString('utf8'))
            } catch {
              value = undefined
            }
          }
          if (value !== undefined) this.onRecord(offset, key, value)
        }
        this.advance(offset + 1)
      },
    })
  }

  private async ensureTopic(): Promise<void> {
    const admin = this.admin!
    const topics = await admin.listTopics()
    if (topics.includes(this.topic)) return
    const {brokers} = await admin.describeCluster()
    // Like Confluent's kafkastore.topic: one partition (total order), compacted, RF up to 3.
    await admin.createTopics({
      waitForLeaders: true,
      topics: [{
        topic: this.topic,
        numPartitions: 1,
        replicationFactor: Math.min(3, brokers.length),
        configEntries: [{name: 'cleanup.policy', value: 'compact'}],
      }],
    })
  }

  /** Produces one record (value null = tombstone) and returns its offset. */
  async append(key: RecordKey, value: unknown): Promise<number> {
    const [meta] = await this.producer!.send({
      topic: this.topic,
      acks: -1,
      messages: [{key: encodeKey(key), value: value === null ? null : JSON.stringify(value), partition: 0}],
    })
    if (!meta || meta.baseOffset === undefined) throw new RegistryHttpError(REGISTRY_ERROR_CODES.STORE_ERROR, 'Error while producing to the schemas topic')
    return Number(meta.baseOffset)
  }

  /** Resolves once the record at `offset` has been applied. */
  async waitFor(offset: number): Promise<void> {
    if (this.failure) throw new RegistryHttpError(REGISTRY_ERROR_CODES.STORE_ERROR, `Error in the backend data store: ${this.failure.message}`)
    if (this.position > offset) return
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w.resolve !== done)
        reject(new RegistryHttpError(REGISTRY_ERROR_CODES.OPERATION_TIMEOUT, `Timed out waiting for the schemas topic to reach offset ${offset}`))
      }, this.waitTimeoutMs)
      const done = () => {
        clearTimeout(timer)
        resolve()
      }
      this.waiters.push({offset, resolve: done})
    })
  }

  /** Waits until everything written to the topic so far (by any instance) has been applied. */
  async catchUp(): Promise<void> {
    const offsets = await this.admin!.fetchTopicOffsets(this.topic)
    const high = Number(offsets.find((o) => o.partition === 0)?.high ?? 0)
    if (high > 0) await this.waitFor(high - 1)
  }

  private advance(position: number): void {
    this.position = position
    const ready = this.waiters.filter((w) => w.offset < position)
    this.waiters = this.waiters.filter((w) => w.offset >= position)
    for (const w of ready) w.resolve()
  }

  async close(): Promise<void> {
    this.closed = true
    await Promise.allSettled([this.consumer?.disconnect(), this.producer?.disconnect(), this.admin?.disconnect()])
  }
}
