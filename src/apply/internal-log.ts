import {randomUUID} from 'node:crypto'
import type {Admin, Kafka} from 'kafkajs'

const READ_TIMEOUT_MS = 30_000
/** Records per send in appendAll: a few hundred bytes each keeps a batch far below 1 MB. */
const APPEND_CHUNK = 500

export interface LogRecord<T> {
  readonly offset: string
  /** Broker time (the internal topics use LogAppendTime), so every client agrees on it. */
  readonly timestamp: number
  readonly key: string
  readonly value: T
}

export interface InternalTopicSpec {
  readonly name: string
  readonly config: Readonly<Record<string, string>>
}

/**
 * A single-partition internal topic used as an ordered log (the apply lock, the audit trail).
 * One partition gives one total order that every client replays identically.
 */
/** The throwaway groups readAll reads through: a principal needs READ on groups with this prefix. */
export const LEDGER_READER_GROUP_PREFIX = '_streamctl-reader-'

export class InternalLog<T> {
  constructor(
    private readonly kafka: Kafka,
    private readonly spec: InternalTopicSpec,
  ) {}

  get topic(): string {
    return this.spec.name
  }

  async ensure(admin: Admin): Promise<void> {
    if (this.ensured) return
    // Ask for this one topic only: listing every topic costs seconds on a cluster with 10,000.
    if (!(await this.exists(admin))) {
      const brokers = (await admin.describeCluster()).brokers.length
      await admin
        .createTopics({
          // kafkajs's own leader wait gives up on UNKNOWN_TOPIC_OR_PARTITION; waitForLeader below retries it.
          waitForLeaders: false,
          topics: [{
            topic: this.spec.name,
            numPartitions: 1,
            replicationFactor: Math.min(3, brokers),
            configEntries: Object.entries(this.spec.config).map(([name, value]) => ({name, value})),
          }],
        })
        .catch((error: {type?: string}) => {
          // Another client created it between our list and create: that is the state we wanted.
          if (error.type !== 'TOPIC_ALREADY_EXISTS') throw error
        })
    }
    await this.waitForLeader(admin)
    this.ensured = true
  }

  private ensured = false

  private async exists(admin: Admin): Promise<boolean> {
    try {
      await admin.fetchTopicMetadata({topics: [this.spec.name]})
      return true
    } catch (error) {
      if ((error as {type?: string}).type === 'UNKNOWN_TOPIC_OR_PARTITION') return false
      throw error
    }
  }

  /**
   * Right after creation, metadata may still answer UNKNOWN_TOPIC_OR_PARTITION (which kafkajs's
   * own waitForLeaders does not retry): poll until the partition has a leader.
   */
  private async waitForLeader(admin: Admin): Promise<void> {
    const deadline = Date.now() + READ_TIMEOUT_MS
    for (;;) {
      try {
        const {topics} = await admin.fetchTopicMetadata({topics: [this.spec.name]})
        if (topics[0]?.partitions.every((p) => p.leader >= 0)) return
      } catch (error) {
        if (Date.now() > deadline) throw error
      }
      if (Date.now() > deadline) throw new Error(`${this.spec.name} has no partition leader after ${READ_TIMEOUT_MS / 1000} s`)
      await new Promise((r) => setTimeout(r, 100))
    }
  }

  /** Appends with acks=all and returns the record's offset and broker timestamp. */
  async append(key: string, value: T): Promise<{offset: string; timestamp: number}> {
    // A partition created moments ago may not be hosted yet (UNKNOWN_TOPIC_OR_PARTITION, retriable):
    // a busy broker that just created a thousand topics needs more than the client's short retry budget.
    const producer = this.kafka.producer({
      allowAutoTopicCreation: false,
      idempotent: true,
      maxInFlightRequests: 1,
      retry: {retries: 10, initialRetryTime: 200, maxRetryTime: 3000},
    })
    await producer.connect()
    try {
      const [meta] = await producer.send({topic: this.spec.name, acks: -1, messages: [{key, value: JSON.stringify(value)}]})
      if (!meta || meta.baseOffset === undefined) throw new Error(`no offset returned appending to ${this.spec.name}`)
      return {offset: meta.baseOffset, timestamp: Number(meta.logAppendTime ?? '-1')}
    } finally {
      await producer.disconnect()
    }
  }

  /**
   * Appends many records in order through one producer, in sends of at most APPEND_CHUNK records
   * (each send is one batch, which must stay within the topic's max.message.bytes). A null value
   * is a tombstone.
   */
  async appendAll(records: readonly {key: string; value: T | null}[]): Promise<void> {
    const w = await this.writer()
    try {
      for (let i = 0; i < records.length; i += APPEND_CHUNK) await w.appendMany(records.slice(i, i + APPEND_CHUNK))
    } finally {
      await w.close()
    }
  }

  /**
   * A producer kept open for a run of appends (the audit records of one apply), in order, acks=all.
   * The caller closes it.
   */
  async writer(): Promise<{append(key: string, value: T): Promise<void>; appendMany(records: readonly {key: string; value: T | null}[]): Promise<void>; close(): Promise<void>}> {
    const producer = this.kafka.producer({
      allowAutoTopicCreation: false,
      idempotent: true,
      maxInFlightRequests: 1,
      retry: {retries: 10, initialRetryTime: 200, maxRetryTime: 3000},
    })
    await producer.connect()
    return {
      append: async (key, value) => {
        await producer.send({topic: this.spec.name, acks: -1, messages: [{key, value: JSON.stringify(value)}]})
      },
      appendMany: async (records) => {
        await producer.send({topic: this.spec.name, acks: -1, messages: records.map((r) => ({key: r.key, value: r.value === null ? null : JSON.stringify(r.value)}))})
      },
      close: () => producer.disconnect(),
    }
  }

  /** Reads every record up to (and including) `untilOffset`, or up to the current end when omitted. */
  async readAll(admin: Admin, untilOffset?: string): Promise<LogRecord<T>[]> {
    const [partition] = await admin.fetchTopicOffsets(this.spec.name)
    const end = untilOffset === undefined ? BigInt(partition?.high ?? '0') : BigInt(untilOffset) + 1n
    const low = BigInt(partition?.low ?? '0')
    if (end <= low) return []
    // kafkajs has no manual assignment: a throwaway group that never commits reads the topic once.
    const consumer = this.kafka.consumer({groupId: `${LEDGER_READER_GROUP_PREFIX}${randomUUID()}`, maxWaitTimeInMs: 200})
    const records: LogRecord<T>[] = []
    await consumer.connect()
    try {
      await consumer.subscribe({topic: this.spec.name, fromBeginning: true})
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`timed out reading ${this.spec.name} up to offset ${end - 1n}`)),
          READ_TIMEOUT_MS,
        )
        const done = (): void => {
          clearTimeout(timer)
          resolve()
        }
        consumer
          .run({
            autoCommit: false,
            eachBatch: async ({batch}) => {
              for (const m of batch.messages) {
                if (BigInt(m.offset) >= end) continue
                records.push({
                  offset: m.offset,
                  timestamp: Number(m.timestamp),
                  key: m.key?.toString() ?? '',
                  value: JSON.parse(m.value?.toString() ?? 'null') as T,
                })
              }
              const last = batch.messages.at(-1)
              if (last && BigInt(last.offset) + 1n >= end) done()
            },
          })
          .catch((error: unknown) => {
            clearTimeout(timer)
            reject(error)
          })
      })
    } finally {
      await consumer.disconnect()
    }
    return records
  }
}
