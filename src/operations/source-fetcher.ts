import {createKjsCluster, type KjsCluster, type KjsClusterOptions, type SocketTracker} from '../cluster/kafkajs-internals.js'
import {kafkaProtocolError} from '../cluster/errors.js'
import {Fetch} from '../cluster/protocol/fetch.js'
import {COORDINATOR_GROUP, FindCoordinator} from '../cluster/protocol/find-coordinator.js'
import {EARLIEST_TIMESTAMP, LATEST_TIMESTAMP, ListOffsets} from '../cluster/protocol/list-offsets.js'
import {readPartitionRecords, type FetchedRecord, type RawBatch} from '../cluster/protocol/record-batch-reader.js'
import {sendApi} from '../cluster/send-api.js'
import {jobClientConfig, type JobConnection} from './connection.js'

/**
 * The job runtime's input side: read_committed Fetch requests of our own (protocol/fetch.ts),
 * decoded by a lean record batch reader, one connection per leader. kafkajs's consumer still runs
 * the group (join, sync, heartbeats, assignment) but fetches nothing: its decoder builds Long
 * objects and several allocations per record, which made the input side the job's bottleneck.
 */
export interface FetchedChunk {
  readonly partition: number
  /** The offset this chunk was fetched from. */
  readonly fetchOffset: number
  readonly records: FetchedRecord[]
  /** Where the next fetch starts (past trailing control batches and aborted records); fetchOffset when nothing complete came. */
  readonly nextOffset: number
  readonly highWatermark: number
  /** The codec of the chunk's last data batch (0 uncompressed): what a target with compression.type=producer gets. */
  readonly codec?: number
  /** A passthrough fetcher's batches kept whole (RawBatch), in offset order; they interleave with `records` by offset. */
  readonly raw?: readonly RawBatch[]
}

export type PartitionFetch =
  | {readonly partition: number; readonly chunk: FetchedChunk}
  | {readonly partition: number; readonly error: Error & {type?: string; retriable?: boolean}; readonly logStartOffset: number; readonly highWatermark: number}

export interface FetchLimits {
  readonly maxWaitMs: number
  readonly maxBytes: number
  readonly partitionMaxBytes: number
}

const OFFSET_OUT_OF_RANGE = 1

/** What a job fetches at once: ~2 MB per request, 512 KB per partition (as kafkajs's consumer did for jobs before). */
export const DEFAULT_FETCH_LIMITS: FetchLimits = {maxWaitMs: 500, maxBytes: 2 << 20, partitionMaxBytes: 1 << 20}

export class SourceFetcher {
  private readonly cluster: KjsCluster
  private readonly sockets: SocketTracker
  private connected: Promise<void> | undefined
  private closed = false
  private rotation = 0

  /** `passthrough`: batches a plain copy can write whole are kept as they are (FetchedChunk.raw), not decoded. */
  constructor(conn: JobConnection, readonly topic: string, private readonly limits: FetchLimits = DEFAULT_FETCH_LIMITS, private readonly passthrough = false) {
    // Few, short retries: the fetch loop retries for the job's whole outage budget itself, while a
    // long kafkajs retry chain (a metadata refresh stuck on a dead broker) would outlive the job and
    // keep its process from exiting.
    const config = {...jobClientConfig(conn, 'streamctl-job-fetcher'), retry: {retries: 2, initialRetryTime: 100, maxRetryTime: 1000}}
    const {cluster, sockets} = createKjsCluster(config as KjsClusterOptions, () => {})
    this.cluster = cluster
    this.sockets = sockets
  }

  connect(): Promise<void> {
    if (this.closed) return Promise.reject(new Error('the job has stopped reading'))
    this.connected ??= (async () => {
      await this.cluster.connect()
      await this.cluster.addTargetTopic(this.topic)
    })().catch((err: unknown) => {
      this.connected = undefined
      throw err
    })
    return this.connected
  }

  /** Partitions by the node that leads them (from cached metadata); -1 collects those without a known leader. */
  async byLeader(partitions: readonly number[]): Promise<Map<number, number[]>> {
    await this.connect()
    // Called many times a second, for every partition of the job: one pass, not a search per partition.
    const leaders = new Map(this.cluster.findTopicPartitionMetadata(this.topic).map((m) => [m.partitionId, m.leader]))
    const out = new Map<number, number[]>()
    for (const p of partitions) {
      const leader = leaders.get(p)
      const node = leader === undefined || leader === null || leader < 0 ? -1 : leader
      let list = out.get(node)
      if (!list) out.set(node, (list = []))
      list.push(p)
    }
    return out
  }

  async refreshMetadata(): Promise<void> {
    await this.connect()
    await this.cluster.refreshMetadata()
  }

  /** One Fetch to `nodeId` for `positions` (partition → offset); a failed request throws (connection lost, broker gone). */
  async fetch(nodeId: number, positions: ReadonlyMap<number, number>): Promise<PartitionFetch[]> {
    await this.connect()
    const broker = await this.cluster.findBroker({nodeId})
    // Kafka returns a batch larger than partitionMaxBytes whole only for the first partition with
    // data in the request (KIP-74); any later one gets a partial batch and no progress. Rotating the
    // order makes every partition first in turn, so none starves behind busier ones.
    const order = [...positions]
    const shift = this.rotation++ % Math.max(1, order.length)
    const rotated = [...order.slice(shift), ...order.slice(0, shift)]
    const res = await sendApi(broker, Fetch, {
      maxWaitMs: this.limits.maxWaitMs, minBytes: 1, maxBytes: this.limits.maxBytes, isolationLevel: 1,
      topics: [{topic: this.topic, partitions: rotated.map(([partition, fetchOffset]) => ({partition, fetchOffset, partitionMaxBytes: this.limits.partitionMaxBytes}))}],
    })
    if (res.errorCode !== 0) throw kafkaProtocolError(res.errorCode)
    const out: PartitionFetch[] = []
    for (const t of res.topics) {
      if (t.topic !== this.topic) continue
      for (const p of t.partitions) {
        const fetchOffset = positions.get(p.partition)
        if (fetchOffset === undefined) continue
        if (p.errorCode !== 0) {
          const error = kafkaProtocolError(p.errorCode)
          // Out of range is not retriable as such: the runner moves the position (see runner.ts).
          if (p.errorCode === OFFSET_OUT_OF_RANGE) error.retriable = false
          error.message = `${error.message} (${this.topic}-${p.partition} at offset ${fetchOffset})`
          out.push({partition: p.partition, error, logStartOffset: p.logStartOffset, highWatermark: p.highWatermark})
          continue
        }
        let read
        try {
          read = readPartitionRecords(p.records, {topic: this.topic, partition: p.partition, fromOffset: fetchOffset, readCommitted: true, abortedTransactions: p.abortedTransactions, passthrough: this.passthrough})
        } catch (err) {
          // Bytes that cannot be decoded stay so: not an outage to wait out, the job stops here.
          const error = Object.assign(new Error(`${this.topic}-${p.partition}: ${(err as Error).message}`), {type: 'UNDECODABLE_RECORD_BATCH', retriable: false})
          out.push({partition: p.partition, error, logStartOffset: p.logStartOffset, highWatermark: p.highWatermark})
          continue
        }
        out.push({partition: p.partition, chunk: {partition: p.partition, fetchOffset, records: read.records, nextOffset: Math.max(fetchOffset, read.nextOffset ?? fetchOffset), highWatermark: p.highWatermark, codec: read.codec, ...(read.raw ? {raw: read.raw} : {})}})
      }
    }
    return out
  }

  /**
   * What the cluster answers when asked for the coordinator of `groupId` (FindCoordinator): 0 when
   * it names one, else the error code — GROUP_AUTHORIZATION_FAILED (30) when the job's principal
   * may not use the group, which kafkajs would only report as a coordinator it cannot find.
   */
  async groupCoordinatorError(groupId: string): Promise<{code: number; message: string | null}> {
    await this.connect()
    const leader = this.cluster.findTopicPartitionMetadata(this.topic).find((m) => m.leader !== null && m.leader >= 0)?.leader
    const broker = leader === undefined || leader === null ? this.cluster.brokerPool.seedBroker : await this.cluster.findBroker({nodeId: leader})
    if (!broker) return {code: 0, message: null}
    const res = await sendApi(broker, FindCoordinator, {key: groupId, keyType: COORDINATOR_GROUP})
    return {code: res.errorCode, message: res.errorMessage}
  }

  /** The partition's log start and end (read_committed: the last stable offset), from its leader (ListOffsets). */
  async logRange(partition: number): Promise<{start: number; end: number}> {
    await this.connect()
    await this.cluster.refreshMetadata()
    const leader = this.cluster.findTopicPartitionMetadata(this.topic).find((m) => m.partitionId === partition)?.leader
    if (leader === undefined || leader === null || leader < 0) throw kafkaProtocolError(5)
    const broker = await this.cluster.findBroker({nodeId: leader})
    const ask = async (timestamp: bigint): Promise<number> => {
      const res = await sendApi(broker, ListOffsets, {isolationLevel: 1, topics: [{topic: this.topic, partitions: [{partition, timestamp}]}]})
      const p = res.topics.find((t) => t.topic === this.topic)?.partitions.find((x) => x.partition === partition)
      if (!p) throw new Error(`ListOffsets: no answer for ${this.topic}-${partition}`)
      if (p.errorCode !== 0) throw kafkaProtocolError(p.errorCode)
      return Number(p.offset)
    }
    return {start: await ask(EARLIEST_TIMESTAMP), end: await ask(LATEST_TIMESTAMP)}
  }

  async close(): Promise<void> {
    this.closed = true
    await Promise.race([this.cluster.disconnect().catch(() => {}), new Promise((r) => setTimeout(r, 2000).unref())])
    this.sockets.shutDown()
  }
}
