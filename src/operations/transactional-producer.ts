import {createKjsCluster, type KjsCluster, type KjsClusterOptions, type SocketTracker} from '../cluster/kafkajs-internals.js'
import {kafkaProtocolError} from '../cluster/errors.js'
import {CODECS, codecId, prepareCodec, type CodecName} from '../cluster/protocol/compression.js'
import {DescribeConfigs, RESOURCE_TYPE_TOPIC} from '../cluster/protocol/describe-configs.js'
import {compressBatch, encodeRecordBatch, rewriteBatchHeader, type BatchRecord} from '../cluster/protocol/record-batch.js'
import {decodeRawBatch, type RawBatch} from '../cluster/protocol/record-batch-reader.js'
import {Produce} from '../cluster/protocol/produce.js'
import {sendApi} from '../cluster/send-api.js'
import {TransactionalSession, type OffsetsToCommit, type PriorTransaction} from '../cluster/transactional-session.js'
import {jobClientConfig, type JobConnection} from './connection.js'
import {RECORD_REFUSALS, UnwritableRecordError} from './job-errors.js'
import {endOrphanTransactions, findOrphanTransactions, type OrphanScope, type OrphanTransaction, type OwnProducer} from './orphan-transactions.js'
import {partitionForKey} from './partition-map.js'
import type {OutputRecord} from './record.js'

/**
 * The job runtime's output side: transactional producers that encode their record batches in one
 * pass (protocol/record-batch.ts) and send them with our own Produce request, inside transactions
 * of our own transaction protocol client (cluster/transactional-session.ts: InitProducerId and
 * fencing, AddPartitionsToTxn, AddOffsetsToTxn + TxnOffsetCommit, EndTxn, sequence numbers).
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

/** Kafka's default max.message.bytes (1 MB + the record batch overhead), used when the topic cannot be described. */
const DEFAULT_MAX_MESSAGE_BYTES = 1_048_588

/** How a target topic takes batches: its max.message.bytes, and its compression.type as a codec ('producer': whatever we choose). */
export interface TopicLimits {
  readonly maxMessageBytes: number
  readonly codec: number | 'producer'
}

/** How the job's output is compressed: `--compression` when given, else the target's compression.type (see codecFor). */
export interface OutputSettings {
  readonly compression?: CodecName
}

/**
 * The codec a batch is written with: the job's --compression; else the topic's compression.type
 * (the broker would recompress into it anyway, and writing it ourselves keeps batches within
 * max.message.bytes); for `producer`, the codec the source batch had, so a copy stays as small as
 * its input.
 */
export function codecFor(settings: OutputSettings, limits: TopicLimits, sourceCodec: number | undefined): number {
  if (settings.compression) return codecId(settings.compression)
  return limits.codec === 'producer' ? (sourceCodec ?? 0) : limits.codec
}

export function parseTopicLimits(configs: ReadonlyMap<string, string | null>): TopicLimits {
  const max = Number(configs.get('max.message.bytes'))
  const type = configs.get('compression.type') ?? 'producer'
  const codec = type === 'producer' ? 'producer' : type === 'uncompressed' ? 0 : CODECS.indexOf(type as CodecName)
  return {maxMessageBytes: Number.isSafeInteger(max) && max > 0 ? max : DEFAULT_MAX_MESSAGE_BYTES, codec: codec === -1 ? 'producer' : codec}
}

/**
 * Splits `records` into runs whose batch (as `encode` builds it) fits `max` bytes, in order. A run
 * too large is cut where its share of the limit falls (compressed sizes scale roughly with the
 * records), so a chunk takes a few encodes, not one per record. A single record that cannot fit
 * is an UnwritableRecordError.
 */
export function fitBatches<R>(records: readonly R[], max: number, encode: (run: readonly R[]) => Buffer, refuse: (record: R, size: number) => Error): {records: R[]; encoded: Buffer}[] {
  const out: {records: R[]; encoded: Buffer}[] = []
  let rest = records.slice()
  while (rest.length > 0) {
    let run = rest
    for (;;) {
      const encoded = encode(run)
      if (encoded.length <= max) {
        out.push({records: run, encoded})
        break
      }
      if (run.length === 1) throw refuse(run[0]!, encoded.length)
      const share = Math.floor(run.length * (max / encoded.length) * 0.9)
      run = run.slice(0, Math.max(1, Math.min(run.length - 1, share)))
    }
    rest = rest.slice(run.length)
  }
  return out
}

/** Uncompressed bytes of records per compressed batch. */
const COMPRESSED_RUN_BYTES = 1 << 20

/** Consecutive runs of records whose keys, values and headers add up to about `limit` bytes (at least one record each). */
export function runsOfSize(records: readonly BatchRecord[], limit: number): BatchRecord[][] {
  const out: BatchRecord[][] = []
  let run: BatchRecord[] = []
  let size = 0
  for (const r of records) {
    let n = 16 + (r.key?.length ?? 0) + (r.value?.length ?? 0)
    for (const [name, value] of r.headers ?? []) n += 8 + name.length + (value?.length ?? 0)
    if (run.length > 0 && size + n > limit) {
      out.push(run)
      run = []
      size = 0
    }
    run.push(r)
    size += n
  }
  if (run.length > 0) out.push(run)
  return out
}

/**
 * A fetched batch copied to `topic`-`partition` as it is (RawBatch): written whole with only its
 * header rewritten when the target takes it so (its codec is the one codecFor picks, it fits
 * max.message.bytes); otherwise, or when the target refuses it, its records are decoded and
 * written as any others, each with its key, value, headers and timestamp.
 */
export interface RawCopy {
  readonly topic: string
  readonly partition: number
  readonly raw: RawBatch
}

export type SendItem = OutputRecord | RawCopy

export interface TransactionalOutput {
  /**
   * `sourceCodec`: the codec the input batch had, for targets whose compression.type is `producer`.
   * Items of one partition are written in order. Sends of several callers waiting at once go out
   * together; `alone` keeps this one apart, so a refusal (UnwritableRecordError) is surely its own.
   */
  send(records: readonly SendItem[], sourceCodec?: number, options?: {readonly alone?: boolean}): Promise<void>
  sendOffsets(offsets: OffsetsToCommit): Promise<void>
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
  /** Per target topic, shared by the job's producers: described once. */
  private readonly limits = new Map<string, Promise<TopicLimits>>()

  constructor(private readonly conn: JobConnection, private readonly settings: OutputSettings = {}) {}

  /** A producer for `transactionalId`; its InitProducerId fences any earlier holder of that id. */
  async producer(transactionalId: string, transactionTimeoutMs: number): Promise<TransactionalProducer> {
    return this.connection(transactionalId).producer(transactionalId, transactionTimeoutMs)
  }

  /** Ends the orphaned transactions of `ours` on `topics`, over a connection of its own; returns what it found (see orphan-transactions.ts). */
  async endOrphans(scope: OrphanScope, ours: ReadonlyMap<bigint, OwnProducer>): Promise<OrphanTransaction[]> {
    return this.connection('').endOrphans(scope, ours)
  }

  private connection(key: string): ProducerConnection {
    let c = this.connections.get(key)
    if (!c) this.connections.set(key, (c = new ProducerConnection(this.conn, this.settings, this.limits)))
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
  /** Set by close(): retry loops (produce, the session's calls) stop at their next round. */
  private closed = false

  constructor(conn: JobConnection, private readonly settings: OutputSettings, private readonly limits: Map<string, Promise<TopicLimits>>) {
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
    return new TransactionalProducer(this, await TransactionalSession.init(this.cluster, transactionalId, transactionTimeoutMs, {closed: () => this.closed}))
  }

  async endOrphans(scope: OrphanScope, ours: ReadonlyMap<bigint, OwnProducer>): Promise<OrphanTransaction[]> {
    await this.connect()
    // The coordinator answers EndTxn before its markers reach the partitions: only what is still
    // open ORPHAN_GRACE_MS later was left behind.
    const same = (a: OrphanTransaction, b: OrphanTransaction): boolean => a.topic === b.topic && a.partition === b.partition && a.producerId === b.producerId && a.startOffset === b.startOffset
    // A leader that died since the metadata was read answers nothing: refresh and ask the new one.
    const find = async (): Promise<OrphanTransaction[]> => {
      for (let attempt = 1; ; attempt++) {
        try {
          return await findOrphanTransactions(this.cluster, scope, ours)
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
    this.closed = true
    await Promise.race([this.cluster.disconnect().catch(() => {}), new Promise((r) => setTimeout(r, 2000).unref())])
    this.sockets.shutDown()
  }

  /** @internal */
  async partitionCount(topic: string): Promise<number> {
    let n = this.partitionCounts.get(topic)
    if (n === undefined) {
      await this.cluster.addTargetTopic(topic)
      n = this.cluster.findTopicPartitionMetadata(topic).length
      if (n === 0) throw Object.assign(kafkaProtocolError(3), {message: `topic ${topic} does not exist on the target cluster`})
      this.partitionCounts.set(topic, n)
    }
    return n
  }

  /** The topic's max.message.bytes and compression.type (DescribeConfigs); Kafka's defaults when it cannot be described (no DESCRIBE_CONFIGS ACL). */
  topicLimits(topic: string): Promise<TopicLimits> {
    let l = this.limits.get(topic)
    if (!l) {
      l = (async () => {
        try {
          const broker = await this.cluster.findBroker({nodeId: this.cluster.getNodeIds()[0]!})
          const res = await sendApi(broker, DescribeConfigs, {resources: [{type: RESOURCE_TYPE_TOPIC, name: topic, keys: ['max.message.bytes', 'compression.type']}], includeSynonyms: false})
          const r = res.results[0]
          if (!r || r.errorCode !== 0) return parseTopicLimits(new Map())
          return parseTopicLimits(new Map(r.configs.map((c) => [c.name, c.value])))
        } catch {
          return parseTopicLimits(new Map())
        }
      })()
      this.limits.set(topic, l)
    }
    return l
  }

  /**
   * The partition's records as batches within the topic's max.message.bytes, compressed as
   * codecFor says; the first is encoded with the partition's current sequence, the others wait
   * (linked by `next`) for its success.
   */
  private async encodeFitting(session: TransactionalSession, b: PartitionBatch): Promise<void> {
    const limits = await this.topicLimits(b.topic)
    const producer = {producerId: session.producerId, producerEpoch: session.epoch, baseSequence: session.sequence(b.topic, b.partition), transactional: true}
    if (b.raw) {
      // Whole, as fetched, when the per-record path would write the same codec and it fits.
      if (codecFor(this.settings, limits, b.raw.codec) === b.raw.codec && b.raw.bytes.length <= limits.maxMessageBytes) {
        b.encoded = rewriteBatchHeader(b.raw.bytes, producer)
        return
      }
      unpack(b)
    }
    const codec = codecFor(this.settings, limits, b.sourceCodec)
    await prepareCodec(codec)
    // A compressed batch holds about 1 MB of records (librdkafka's batch.size): zstd's level 3
    // compresses such runs better than one frame of a whole chunk, and the broker validates less at once.
    const groups = codec === 0 ? [b.records] : runsOfSize(b.records, COMPRESSED_RUN_BYTES)
    const runs = groups.flatMap((group) => fitBatches(group, limits.maxMessageBytes, (run) => compressBatch(encodeRecordBatch(run, producer), codec), (record, size) => new UnwritableRecordError(b.topic, b.partition, 'RECORD_TOO_LARGE',
      `one record takes ${size} bytes as a batch${codec ? ` compressed with ${CODECS[codec]}` : ''}, more than the topic's max.message.bytes (${limits.maxMessageBytes}); it can never be written there`, record)))
    b.records = runs[0]!.records
    b.encoded = runs[0]!.encoded
    // Later runs get their sequence once the one before has landed: encoded then.
    for (let i = runs.length - 1; i >= 1; i--) b.next = {topic: b.topic, partition: b.partition, records: runs[i]!.records, sourceCodec: b.sourceCodec, next: b.next}
  }

  /** Splits a batch the broker refused as too large (its limits differ from what DescribeConfigs said) in two. */
  private split(b: PartitionBatch): void {
    const half = Math.ceil(b.records.length / 2)
    b.next = {topic: b.topic, partition: b.partition, records: b.records.slice(half), sourceCodec: b.sourceCodec, next: b.next}
    b.records = b.records.slice(0, half)
    b.encoded = undefined
  }

  /**
   * Writes each partition's batches to its leader, retrying what Kafka calls retriable after a
   * metadata refresh. Sequences only advance on success, so a retried batch keeps its sequence and
   * the broker drops it as a duplicate if the first attempt did land. Kafka takes one batch per
   * partition per request, so a partition's later batches (split to fit max.message.bytes) go in
   * the rounds after. A refusal of the records themselves (RECORD_REFUSALS) is never retried: the
   * record it names (or, when the broker names none, each half in turn until one record is left)
   * becomes an UnwritableRecordError.
   */
  async produce(session: TransactionalSession, batches: PartitionBatch[]): Promise<void> {
    let pending = batches
    let lastError: unknown
    // Rounds in a row that failed (retriable answers, no leader): a round that only moved on resets it.
    let failures = 0
    while (pending.length > 0) {
      if (failures > this.retries || (failures > 0 && this.closed)) throw lastError
      if (failures > 0) {
        await new Promise((r) => setTimeout(r, Math.min(5000, 200 * 2 ** (failures - 1))))
        await this.cluster.refreshMetadata().catch((err: unknown) => { lastError = err })
      }
      let failedRound = false
      const byLeader = new Map<number, PartitionBatch[]>()
      const failed: PartitionBatch[] = []
      for (const b of pending) {
        const leader = this.cluster.findTopicPartitionMetadata(b.topic).find((p) => p.partitionId === b.partition)?.leader
        if (leader === undefined || leader === null || leader < 0) {
          failed.push(b)
          lastError = kafkaProtocolError(5)
        }
        else byLeader.set(leader, [...(byLeader.get(leader) ?? []), b])
      }
      const followers: PartitionBatch[] = []
      await Promise.all([...byLeader].map(async ([nodeId, group]) => {
        try {
          const broker = await this.cluster.findBroker({nodeId})
          const topics = new Map<string, {partition: number; records: Buffer}[]>()
          for (const b of group) {
            if (!b.encoded) await this.encodeFitting(session, b)
            topics.set(b.topic, [...(topics.get(b.topic) ?? []), {partition: b.partition, records: b.encoded!}])
          }
          const res = await sendApi(broker, Produce, {transactionalId: session.transactionalId, acks: -1, timeoutMs: 30_000, topics: [...topics].map(([topic, partitions]) => ({topic, partitions}))})
          for (const t of res.topics) {
            for (const p of t.partitions) {
              const b = group.find((x) => x.topic === t.topic && x.partition === p.partition)
              if (!b) continue
              if (p.errorCode === 0 || p.errorCode === DUPLICATE_SEQUENCE_NUMBER) {
                session.advance(b.topic, b.partition, b.raw ? b.raw.count : b.records.length)
                b.done = true
                if (b.next) followers.push(b.next)
              } else if (RECORD_REFUSALS.has(p.errorCode) && b.raw) {
                // Nothing of it is written and its sequence stays unused: its records go again one
                // by one as the per-record path writes them, whose refusal names the record.
                unpack(b)
              } else if (RECORD_REFUSALS.has(p.errorCode)) {
                const code = RECORD_REFUSALS.get(p.errorCode)!
                const named = p.recordErrors.find((e) => e.batchIndex >= 0 && e.batchIndex < b.records.length)
                if (named || b.records.length === 1) {
                  const i = named?.batchIndex ?? 0
                  throw new UnwritableRecordError(b.topic, b.partition, code, named?.message ?? p.errorMessage ?? 'the broker refuses this record', b.records[i])
                }
                // Nothing of a refused batch is written and its sequence stays unused: send each half.
                this.split(b)
              } else if (RETRIABLE_PRODUCE.has(p.errorCode)) {
                lastError = kafkaProtocolError(p.errorCode)
                failedRound = true
              } else {
                const err = kafkaProtocolError(p.errorCode)
                throw Object.assign(err, {message: `${err.message} (${b.topic}-${b.partition}${p.errorMessage ? `: ${p.errorMessage}` : ''})`})
              }
            }
          }
        } catch (err) {
          // Kafka's own non-retriable answers (fenced, out of order, not authorised) end the transaction.
          if (err instanceof UnwritableRecordError || (err as {type?: string}).type && !(err as {retriable?: boolean}).retriable) throw err
          lastError = err
          failedRound = true
        }
      }))
      pending = [...failed, ...pending.filter((b) => !b.done && !failed.includes(b)), ...followers]
      failures = failedRound || failed.length > 0 ? failures + 1 : 0
    }
  }
}

interface PartitionBatch {
  readonly topic: string
  readonly partition: number
  records: BatchRecord[]
  /** A batch copied whole (RawCopy) while set; `records` is empty until unpack decodes it. */
  raw?: RawBatch
  readonly sourceCodec?: number
  encoded?: Buffer
  done?: boolean
  /** The partition's next batch, sent once this one has landed. */
  next?: PartitionBatch
}

/** A raw batch the target cannot take whole: its records, decoded, are written as any others. */
function unpack(b: PartitionBatch): void {
  const raw = b.raw!
  try {
    b.records = decodeRawBatch(raw, b.topic, b.partition)
  } catch (err) {
    throw Object.assign(new Error(`${b.topic}-${b.partition}: the batch copied from offset ${raw.baseOffset}: ${(err as Error).message}`), {type: 'UNDECODABLE_RECORD_BATCH', retriable: false})
  }
  b.raw = undefined
  b.encoded = undefined
}

export class TransactionalProducer {
  private roundRobin = 0

  constructor(private readonly pool: ProducerConnection, private readonly session: TransactionalSession) {}

  /** How this producer last ended a transaction (acknowledged or not), while none is open. */
  private lastEnd: 'commit' | 'abort' | undefined

  /** How the coordinator had left this transactional id before this producer fenced it (TransactionalSession.prior). */
  prior(): PriorTransaction | undefined {
    return this.session.prior
  }

  /** The producer id, the epoch this producer holds (newer than any fenced holder's), and how its last transaction ended. */
  identity(): {producerId: bigint; own: OwnProducer} {
    return {producerId: this.session.producerId, own: {epoch: this.session.epoch, ...(this.lastEnd ? {lastEnd: this.lastEnd} : {})}}
  }

  transaction(): TransactionalOutput {
    this.session.begin()
    this.lastEnd = undefined
    return {
      send: (records, sourceCodec, options) => this.send(records, sourceCodec, options?.alone === true),
      sendOffsets: (offsets) => this.session.commitOffsets(offsets),
      // A commit whose answer is lost is asked again inside the session; one that still fails
      // leaves the session failed, and the runner aborts and rewinds the partition.
      commit: () => { this.lastEnd = 'commit'; return this.session.end(true) },
      abort: () => { this.lastEnd = 'abort'; return this.session.end(false) },
    }
  }

  /**
   * One send at a time: the partitions of a process share the producer (shared-transaction.ts), and
   * two sends to one output partition at once would carry the same sequence numbers. What queues
   * meanwhile goes out as one send (as Kafka's producer accumulates records per partition), except
   * sends asked to go alone; a failure fails every send it carried.
   */
  private readonly waiting: {records: readonly SendItem[]; sourceCodec?: number; alone: boolean; done: (err?: unknown) => void}[] = []
  private sending = false

  private send(records: readonly SendItem[], sourceCodec: number | undefined, alone: boolean): Promise<void> {
    return new Promise((resolve, reject) => {
      this.waiting.push({records, sourceCodec, alone, done: (err) => (err === undefined ? resolve() : reject(err))})
      this.nextSend()
    })
  }

  private nextSend(): void {
    if (this.sending || this.waiting.length === 0) return
    this.sending = true
    const first = this.waiting.shift()!
    const carried = [first]
    // Each caller has one send waiting at most (its sends are chained), so taking later ones keeps every caller's order.
    if (!first.alone) {
      for (let i = 0; i < this.waiting.length;) {
        const w = this.waiting[i]!
        if (!w.alone && w.sourceCodec === first.sourceCodec) carried.push(...this.waiting.splice(i, 1))
        else i++
      }
    }
    const records = carried.length === 1 ? first.records : carried.flatMap((c) => c.records)
    this.sendNow(records, first.sourceCodec).then(() => {
      for (const c of carried) c.done()
    }, (err: unknown) => {
      for (const c of carried) c.done(err ?? new Error('send failed'))
    }).finally(() => {
      this.sending = false
      this.nextSend()
    })
  }

  private async sendNow(records: readonly SendItem[], sourceCodec?: number): Promise<void> {
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
      // slots[partition]: the partition's last batch; a raw one takes nothing more, what follows is chained after it.
      if ('raw' in r) {
        const prev = slots[r.partition]
        const next: PartitionBatch = {topic: r.topic, partition: r.partition, records: [], raw: r.raw, sourceCodec: r.raw.codec}
        if (prev) prev.next = next
        else list.push(next)
        slots[r.partition] = next
        continue
      }
      let partition = r.partition
      if (partition === undefined) {
        const count = counts.get(r.topic)!
        partition = r.key === null ? sticky % count : partitionForKey(r.key, count)
      }
      let b = slots[partition]
      if (!b || b.raw) {
        const next: PartitionBatch = {topic: r.topic, partition, records: [], sourceCodec}
        if (b) b.next = next
        else list.push(next)
        slots[partition] = b = next
      }
      b.records.push(r)
    }
    for (const topic of new Set(list.map((b) => b.topic))) if (!counts.has(topic)) await this.pool.partitionCount(topic)
    await this.session.addPartitions(groupPartitions(list))
    await this.pool.produce(this.session, list)
  }
}

function groupPartitions(batches: readonly PartitionBatch[]): {topic: string; partitions: number[]}[] {
  const by = new Map<string, number[]>()
  for (const b of batches) by.set(b.topic, [...(by.get(b.topic) ?? []), b.partition])
  return [...by].map(([topic, partitions]) => ({topic, partitions}))
}
