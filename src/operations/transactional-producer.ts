import {createKjsCluster, createTransactionManager, kafkaJsErrorFromCode, type KjsCluster, type KjsClusterOptions, type KjsTransactionManager, type SocketTracker} from '../cluster/kafkajs-internals.js'
import {encodeRecordBatch, type BatchRecord} from '../cluster/protocol/record-batch.js'
import {Produce} from '../cluster/protocol/produce.js'
import {sendApi} from '../cluster/send-api.js'
import {jobClientConfig, type JobConnection} from './connection.js'
import {endOrphanTransactions, findOrphanTransactions, type OrphanTransaction, type OwnProducer} from './orphan-transactions.js'
import {partitionForKey} from './partition-map.js'
import type {OutputRecord} from './record.js'

/**
 * The job runtime's output side: transactional producers that encode their record batches in one
 * pass (protocol/record-batch.ts) and send them with our own Produce request, while kafkajs's
 * transaction manager does what it already does well (InitProducerId and fencing, AddPartitionsToTxn,
 * TxnOffsetCommit, EndTxn, sequence numbers, coordinator retries). kafkajs's producer spends most
 * of a job's CPU building per-record encoders and regrouping messages (quadratically) before they
 * reach the wire; this path does neither.
 */
const DUPLICATE_SEQUENCE_NUMBER = 46
const ORPHAN_GRACE_MS = 3000
/** Markers usually land within milliseconds of EndTxn: a job's last check should not wait much longer. */
const ORPHAN_POLL_MS = 50
const RETRIABLE_PRODUCE = new Set([
  3, // UNKNOWN_TOPIC_OR_PARTITION (metadata not yet everywhere)
  5, // LEADER_NOT_AVAILABLE
  6, // NOT_LEADER_OR_FOLLOWER
  7, // REQUEST_TIMED_OUT
  19, // NOT_ENOUGH_REPLICAS
  20, // NOT_ENOUGH_REPLICAS_AFTER_APPEND (the batch may be in the log: the retry dedupes by sequence)
  56, // KAFKA_STORAGE_ERROR
  74, // FENCED_LEADER_EPOCH
])

export interface TransactionalOutput {
  send(records: readonly OutputRecord[]): Promise<void>
  sendOffsets(offsets: {consumerGroupId: string; topics: {topic: string; partitions: {partition: number; offset: string}[]}[]}): Promise<void>
  commit(): Promise<void>
  abort(): Promise<void>
}

/**
 * The producers of one job. Each transactional id gets its own connections: Kafka handles one
 * request at a time per connection, so partitions sharing one would wait for each other's
 * Produce and EndTxn round trips.
 */
export class ProducerPool {
  private readonly connections = new Map<string, ProducerConnection>()

  constructor(private readonly conn: JobConnection) {}

  /** A producer for `transactionalId`; its InitProducerId fences any earlier holder of that id. */
  async producer(transactionalId: string, transactionTimeoutMs: number): Promise<TransactionalProducer> {
    return this.connection(transactionalId).producer(transactionalId, transactionTimeoutMs)
  }

  /** Ends the orphaned transactions of `ours` on `topics`, over a connection of its own; returns what it found (see orphan-transactions.ts). */
  async endOrphans(topics: readonly string[], ours: ReadonlyMap<bigint, OwnProducer>): Promise<OrphanTransaction[]> {
    return this.connection('').endOrphans(topics, ours)
  }

  private connection(key: string): ProducerConnection {
    let c = this.connections.get(key)
    if (!c) this.connections.set(key, (c = new ProducerConnection(this.conn)))
    return c
  }

  async close(): Promise<void> {
    await Promise.all([...this.connections.values()].map((c) => c.close()))
    this.connections.clear()
  }
}

/** One kafkajs cluster (a connection per broker) and the target topics' partition counts. */
class ProducerConnection {
  private readonly cluster: KjsCluster
  private readonly sockets: SocketTracker
  private readonly partitionCounts = new Map<string, number>()
  private connected: Promise<void> | undefined

  private readonly retries: number

  constructor(conn: JobConnection) {
    const config = jobClientConfig(conn, 'streamctl-job-producer')
    this.retries = config.retry?.retries ?? 8
    const {cluster, sockets} = createKjsCluster(config as KjsClusterOptions, () => {})
    this.cluster = cluster
    this.sockets = sockets
  }

  connect(): Promise<void> {
    this.connected ??= this.cluster.connect().catch((err: unknown) => {
      this.connected = undefined
      throw err
    })
    return this.connected
  }

  async producer(transactionalId: string, transactionTimeoutMs: number): Promise<TransactionalProducer> {
    await this.connect()
    const tm = createTransactionManager(this.cluster, transactionalId, transactionTimeoutMs)
    await tm.initProducerId()
    return new TransactionalProducer(this, tm)
  }

  async endOrphans(topics: readonly string[], ours: ReadonlyMap<bigint, OwnProducer>): Promise<OrphanTransaction[]> {
    await this.connect()
    // The coordinator answers EndTxn before its markers reach the partitions: only what is still
    // open ORPHAN_GRACE_MS later was left behind.
    const same = (a: OrphanTransaction, b: OrphanTransaction): boolean => a.topic === b.topic && a.partition === b.partition && a.producerId === b.producerId && a.startOffset === b.startOffset
    // A leader that died since the metadata was read answers nothing: refresh and ask the new one.
    const find = async (): Promise<OrphanTransaction[]> => {
      for (let attempt = 1; ; attempt++) {
        try {
          return await findOrphanTransactions(this.cluster, topics, ours)
        } catch (err) {
          if (attempt >= 3) throw err
          await new Promise((r) => setTimeout(r, 300 * attempt))
          await this.cluster.refreshMetadata().catch(() => {})
        }
      }
    }
    let orphans = await find()
    for (const until = Date.now() + ORPHAN_GRACE_MS; orphans.length > 0 && Date.now() < until;) {
      await new Promise((r) => setTimeout(r, ORPHAN_POLL_MS))
      const again = await find()
      orphans = again.filter((a) => orphans.some((f) => same(a, f)))
    }
    if (orphans.length > 0) await endOrphanTransactions(this.cluster, orphans)
    return orphans
  }

  async close(): Promise<void> {
    await Promise.race([this.cluster.disconnect().catch(() => {}), new Promise((r) => setTimeout(r, 2000).unref())])
    this.sockets.shutDown()
  }

  /** @internal */
  async partitionCount(topic: string): Promise<number> {
    let n = this.partitionCounts.get(topic)
    if (n === undefined) {
      await this.cluster.addTargetTopic(topic)
      n = this.cluster.findTopicPartitionMetadata(topic).length
      if (n === 0) throw Object.assign(kafkaJsErrorFromCode(3), {message: `topic ${topic} does not exist on the target cluster`})
      this.partitionCounts.set(topic, n)
    }
    return n
  }

  /**
   * Writes each partition's batch to its leader, retrying what Kafka calls retriable after a
   * metadata refresh. Sequences only advance on success, so a retried batch keeps its sequence and
   * the broker drops it as a duplicate if the first attempt did land.
   */
  async produce(tm: KjsTransactionManager, transactionalId: string, batches: PartitionBatch[]): Promise<void> {
    let pending = batches
    let lastError: unknown
    for (let attempt = 0; pending.length > 0; attempt++) {
      if (attempt > this.retries) throw lastError
      if (attempt > 0) {
        await new Promise((r) => setTimeout(r, Math.min(5000, 200 * 2 ** (attempt - 1))))
        await this.cluster.refreshMetadata().catch((err: unknown) => { lastError = err })
      }
      const byLeader = new Map<number, PartitionBatch[]>()
      const failed: PartitionBatch[] = []
      for (const b of pending) {
        const leader = this.cluster.findTopicPartitionMetadata(b.topic).find((p) => p.partitionId === b.partition)?.leader
        if (leader === undefined || leader === null || leader < 0) failed.push(b)
        else byLeader.set(leader, [...(byLeader.get(leader) ?? []), b])
      }
      const producerId = BigInt(String(tm.getProducerId()))
      const producerEpoch = tm.getProducerEpoch()
      await Promise.all([...byLeader].map(async ([nodeId, group]) => {
        try {
          const broker = await this.cluster.findBroker({nodeId})
          const topics = new Map<string, {partition: number; records: Buffer}[]>()
          for (const b of group) {
            b.encoded ??= encodeRecordBatch(b.records, {producerId, producerEpoch, baseSequence: tm.getSequence(b.topic, b.partition), transactional: true})
            topics.set(b.topic, [...(topics.get(b.topic) ?? []), {partition: b.partition, records: b.encoded}])
          }
          const res = await sendApi(broker, Produce, {transactionalId, acks: -1, timeoutMs: 30_000, topics: [...topics].map(([topic, partitions]) => ({topic, partitions}))})
          for (const t of res.topics) {
            for (const p of t.partitions) {
              const b = group.find((x) => x.topic === t.topic && x.partition === p.partition)
              if (!b) continue
              if (p.errorCode === 0 || p.errorCode === DUPLICATE_SEQUENCE_NUMBER) {
                tm.updateSequence(b.topic, b.partition, b.records.length)
                b.done = true
              } else if (RETRIABLE_PRODUCE.has(p.errorCode)) {
                lastError = kafkaJsErrorFromCode(p.errorCode)
              } else {
                const err = kafkaJsErrorFromCode(p.errorCode)
                throw Object.assign(err, {message: `${err.message} (${b.topic}-${b.partition}${p.errorMessage ? `: ${p.errorMessage}` : ''})`})
              }
            }
          }
        } catch (err) {
          // Kafka's own non-retriable answers (fenced, out of order, not authorised) end the transaction.
          if ((err as {type?: string}).type && !(err as {retriable?: boolean}).retriable) throw err
          lastError = err
        }
      }))
      pending = [...failed, ...pending.filter((b) => !b.done && !failed.includes(b))]
    }
  }
}

interface PartitionBatch {
  readonly topic: string
  readonly partition: number
  readonly records: BatchRecord[]
  encoded?: Buffer
  done?: boolean
}

export class TransactionalProducer {
  private roundRobin = 0

  constructor(private readonly pool: ProducerConnection, private readonly tm: KjsTransactionManager) {}

  /** How this producer last ended a transaction (acknowledged or not), while none is open. */
  private lastEnd: 'commit' | 'abort' | undefined

  /** The producer id, the epoch this producer holds (newer than any fenced holder's), and how its last transaction ended. */
  identity(): {producerId: bigint; own: OwnProducer} {
    return {producerId: BigInt(String(this.tm.getProducerId())), own: {epoch: this.tm.getProducerEpoch(), ...(this.lastEnd ? {lastEnd: this.lastEnd} : {})}}
  }

  transaction(): TransactionalOutput {
    this.tm.beginTransaction()
    this.lastEnd = undefined
    return {
      send: (records) => this.send(records),
      // A previous transaction still writing its markers answers CONCURRENT_TRANSACTIONS; a moved
      // coordinator NOT_COORDINATOR: both are retriable, and kafkajs leaves retrying them to us.
      sendOffsets: (offsets) => retrying(() => this.tm.sendOffsets(offsets)),
      // Not retried: kafkajs enters COMMITTING before EndTxn and refuses a second commit() after a
      // failed one, so a retry only replaced the real cause with "Cannot call commit in state
      // COMMITTING". A failed commit aborts and rewinds the partition instead.
      commit: () => { this.lastEnd = 'commit'; return this.tm.commit() },
      abort: () => { this.lastEnd = 'abort'; return this.tm.abort() },
    }
  }

  private async send(records: readonly OutputRecord[]): Promise<void> {
    if (records.length === 0) return
    const counts = new Map<string, number>()
    let seen: string | undefined
    for (const r of records) {
      if (r.topic === seen || r.partition !== undefined) continue
      seen = r.topic
      if (!counts.has(r.topic)) counts.set(r.topic, await this.pool.partitionCount(r.topic))
    }
    // Per topic, an array indexed by partition: no per-record key strings or map lookups.
    const byTopic = new Map<string, PartitionBatch[]>()
    const list: PartitionBatch[] = []
    // Records without key or partition all go to one partition per send (sticky, as Kafka's default).
    const sticky = this.roundRobin++
    let topic: string | undefined
    let slots: PartitionBatch[] = []
    for (const r of records) {
      if (r.topic !== topic) {
        topic = r.topic
        let t = byTopic.get(topic)
        if (!t) byTopic.set(topic, (t = []))
        slots = t
      }
      let partition = r.partition
      if (partition === undefined) {
        const count = counts.get(r.topic)!
        partition = r.key === null ? sticky % count : partitionForKey(r.key, count)
      }
      let b = slots[partition]
      if (!b) list.push((slots[partition] = b = {topic: r.topic, partition, records: []}))
      b.records.push(r)
    }
    for (const topic of new Set(list.map((b) => b.topic))) if (!counts.has(topic)) await this.pool.partitionCount(topic)
    await retrying(() => this.tm.addPartitionsToTransaction(groupPartitions(list)))
    await this.pool.produce(this.tm, this.tm.getTransactionalId(), list)
  }
}

/** Retries what kafkajs marks retriable (Kafka's retriable codes, lost connections), briefly and bounded (~30 s). */
async function retrying<T>(fn: () => Promise<T>): Promise<T> {
  const started = Date.now()
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn()
    } catch (err) {
      if ((err as {retriable?: boolean}).retriable !== true || Date.now() - started > 30_000) throw err
      await new Promise((r) => setTimeout(r, Math.min(1000, 10 * 2 ** attempt)))
    }
  }
}

function groupPartitions(batches: readonly PartitionBatch[]): {topic: string; partitions: {partition: number}[]}[] {
  const by = new Map<string, {partition: number}[]>()
  for (const b of batches) by.set(b.topic, [...(by.get(b.topic) ?? []), {partition: b.partition}])
  return [...by].map(([topic, partitions]) => ({topic, partitions}))
}
