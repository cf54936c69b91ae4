import {StreamctlError} from '../errors.js'
import {kafkaProtocolError} from './errors.js'
import type {KjsBroker, KjsCluster} from './kafkajs-internals.js'
import {AddOffsetsToTxn} from './protocol/add-offsets-to-txn.js'
import {AddPartitionsToTxn} from './protocol/add-partitions-to-txn.js'
import {EndTxn} from './protocol/end-txn.js'
import {COORDINATOR_GROUP, COORDINATOR_TRANSACTION, FindCoordinator} from './protocol/find-coordinator.js'
import {DescribeTransactions} from './protocol/describe-transactions.js'
import {InitProducerId} from './protocol/init-producer-id.js'
import {TxnOffsetCommit} from './protocol/txn-offset-commit.js'
import {sendApi} from './send-api.js'

/**
 * One transactional id's side of Kafka's transaction protocol, over our own protocol files:
 * InitProducerId (which fences every earlier holder), AddPartitionsToTxn before a partition's first
 * Produce, AddOffsetsToTxn + TxnOffsetCommit for the input positions (with the group generation,
 * KIP-447), EndTxn, and the per-partition sequence numbers the Produce requests carry. Its state is
 * explicit (`ready`, `open`, `ending`, `failed`), an EndTxn whose answer was lost is simply asked
 * again (the coordinator answers a repeat of a completed EndTxn without error), and only Kafka's
 * retriable answers are retried, within `retryMs`.
 */
export type SessionState = 'ready' | 'open' | 'ending' | 'failed'

/** The consumer group member a transaction's offsets are committed for (KIP-447); generation -1 and member '' skip the check. */
export interface GroupGeneration {
  readonly generationId: number
  readonly memberId: string
  readonly groupInstanceId: string | null
}

export const NO_GENERATION: GroupGeneration = {generationId: -1, memberId: '', groupInstanceId: null}

export interface OffsetsToCommit {
  readonly groupId: string
  readonly topics: readonly {readonly topic: string; readonly partitions: readonly {readonly partition: number; readonly offset: number; readonly metadata?: string}[]}[]
  readonly generation?: GroupGeneration
}

const SEQUENCE_LIMIT = 2 ** 31

/**
 * Answers that retrying the same request can change (Kafka's RetriableException codes among the
 * transaction APIs' answers); the first three also mean the coordinator must be looked up again.
 */
const STALE_COORDINATOR = new Set([14, 15, 16]) // COORDINATOR_LOAD_IN_PROGRESS, COORDINATOR_NOT_AVAILABLE, NOT_COORDINATOR
const RETRIABLE_TXN = new Set([...STALE_COORDINATOR,
  3, // UNKNOWN_TOPIC_OR_PARTITION (metadata not yet everywhere)
  7, // REQUEST_TIMED_OUT
  51, // CONCURRENT_TRANSACTIONS (the previous transaction is still writing its markers)
  89, // THROTTLING_QUOTA_EXCEEDED
])
/** AddPartitionsToTxn's answer for the partitions it did not try because another one failed. */
const OPERATION_NOT_ATTEMPTED = 55

export interface SessionOptions {
  /** How long one call keeps retrying retriable answers and lost connections (default 30 s). */
  readonly retryMs?: number
  /** True once the connection under the session is closed: a call in its retry loop then stops instead of retrying on. */
  readonly closed?: () => boolean
}

/** A transactional id's state at its coordinator (DescribeTransactions), e.g. Ongoing or CompleteCommit, with the producer id and epoch it was in. */
export interface PriorTransaction {
  readonly state: string
  readonly producerId: bigint
  readonly producerEpoch: number
}

export class TransactionalSession {
  private state: SessionState = 'ready'
  private id = -1n
  private epochValue = -1
  private readonly sequences = new Map<string, number[]>()
  /** The partitions and groups the open transaction has registered with the coordinator. */
  private readonly added = new Map<string, Set<number>>()
  private readonly groupsAdded = new Set<string>()
  private coordinator: number | undefined
  private priorValue: PriorTransaction | undefined
  private readonly groupCoordinators = new Map<string, number>()
  private readonly retryMs: number
  private readonly closed: () => boolean

  private constructor(private readonly cluster: KjsCluster, readonly transactionalId: string, options: SessionOptions) {
    this.retryMs = options.retryMs ?? 30_000
    this.closed = options.closed ?? (() => false)
  }

  /** A session holding the transactional id: its InitProducerId fences (and completes or aborts the transaction of) any earlier holder. */
  static async init(cluster: KjsCluster, transactionalId: string, transactionTimeoutMs: number, options: SessionOptions = {}): Promise<TransactionalSession> {
    const s = new TransactionalSession(cluster, transactionalId, options)
    // What the coordinator decided for the earlier holder's last transaction is gone once this
    // InitProducerId bumps the epoch: read it first (a lost-marker orphan needs it; orphan-transactions.ts).
    s.priorValue = await s.describe().catch(() => undefined)
    const res = await s.toCoordinator('InitProducerId', (broker) => sendApi(broker, InitProducerId, {transactionalId, transactionTimeoutMs}))
    s.id = res.producerId
    s.epochValue = res.producerEpoch
    return s
  }

  /**
   * The coordinator's record of this transactional id just before this session fenced it (state,
   * producer id and epoch), or undefined when it had none or could not say (a new id, an older
   * broker, no DESCRIBE on the id).
   */
  get prior(): PriorTransaction | undefined { return this.priorValue }

  get producerId(): bigint { return this.id }
  get epoch(): number { return this.epochValue }
  get current(): SessionState { return this.state }

  /** The sequence of the partition's next record: 0 after InitProducerId, wrapping at 2^31 as the record batch field does. */
  sequence(topic: string, partition: number): number {
    return this.sequences.get(topic)?.[partition] ?? 0
  }

  /** `count` records of the partition were written (or found already written: DUPLICATE_SEQUENCE_NUMBER). */
  advance(topic: string, partition: number, count: number): void {
    let s = this.sequences.get(topic)
    if (!s) this.sequences.set(topic, (s = []))
    s[partition] = ((s[partition] ?? 0) + count) % SEQUENCE_LIMIT
  }

  begin(): void {
    this.expect('ready', 'begin a transaction')
    this.state = 'open'
  }

  /** Registers the partitions not yet in the open transaction; a Produce to them may follow once this returns. */
  async addPartitions(partitions: readonly {readonly topic: string; readonly partitions: readonly number[]}[]): Promise<void> {
    this.expect('open', 'add partitions')
    const fresh = new Map<string, number[]>()
    for (const t of partitions) {
      const have = this.added.get(t.topic)
      for (const p of t.partitions) if (!have?.has(p)) fresh.set(t.topic, [...(fresh.get(t.topic) ?? []), p])
    }
    if (fresh.size === 0) return
    const topics = [...fresh].map(([name, ps]) => ({name, partitions: [...new Set(ps)]}))
    // A refusal leaves the transaction open: it can still be aborted.
    await this.toCoordinator('AddPartitionsToTxn', (broker) => this.checkPartitions(sendApi(broker, AddPartitionsToTxn, {transactionalId: this.transactionalId, producerId: this.id, producerEpoch: this.epochValue, topics})))
    for (const t of topics) {
      let have = this.added.get(t.name)
      if (!have) this.added.set(t.name, (have = new Set()))
      for (const p of t.partitions) have.add(p)
    }
  }

  /**
   * Commits input positions in the open transaction: AddOffsetsToTxn to the transaction
   * coordinator, then TxnOffsetCommit to the group's coordinator, with the group generation when
   * given, so that a member of an older generation cannot commit (ILLEGAL_GENERATION, UNKNOWN_MEMBER_ID).
   */
  async commitOffsets(offsets: OffsetsToCommit): Promise<void> {
    this.expect('open', 'commit offsets')
    const {groupId} = offsets
    const generation = offsets.generation ?? NO_GENERATION
    if (!this.groupsAdded.has(groupId)) {
      await this.toCoordinator('AddOffsetsToTxn', (broker) => sendApi(broker, AddOffsetsToTxn, {transactionalId: this.transactionalId, producerId: this.id, producerEpoch: this.epochValue, groupId}))
      this.groupsAdded.add(groupId)
    }
    const topics = offsets.topics.map((t) => ({name: t.topic, partitions: t.partitions.map((p) => ({partitionIndex: p.partition, committedOffset: BigInt(p.offset), committedMetadata: p.metadata ?? null}))}))
    await this.retrying(async () => {
      const broker = await this.coordinatorOf(groupId, COORDINATOR_GROUP)
      const res = await sendApi(broker, TxnOffsetCommit, {transactionalId: this.transactionalId, groupId, producerId: this.id, producerEpoch: this.epochValue, ...generation, topics})
      const failed = res.topics.flatMap((t) => t.partitions.filter((p) => p.errorCode !== 0).map((p) => ({...p, topic: t.name})))
      if (failed.length > 0) throw kafkaProtocolError(failed[0]!.errorCode, `TxnOffsetCommit of group ${groupId} for ${failed.map((f) => `${f.topic}-${f.partitionIndex}`).join(', ')}`)
    })
  }

  /** Commits (true) or aborts the open transaction; one that registered nothing ends without asking the coordinator. */
  async end(commit: boolean): Promise<void> {
    this.expect('open', commit ? 'commit' : 'abort')
    if (this.added.size === 0 && this.groupsAdded.size === 0) {
      this.reset()
      return
    }
    this.state = 'ending'
    try {
      await this.toCoordinator(`EndTxn (${commit ? 'commit' : 'abort'})`, (broker) => sendApi(broker, EndTxn, {transactionalId: this.transactionalId, producerId: this.id, producerEpoch: this.epochValue, committed: commit}))
    } catch (err) {
      // How it ended is unknown: only a new InitProducerId (a new session) settles it and goes on.
      this.state = 'failed'
      throw err
    }
    this.reset()
  }

  private reset(): void {
    this.added.clear()
    this.groupsAdded.clear()
    this.state = 'ready'
  }

  private expect(state: SessionState, what: string): void {
    if (this.state !== state) throw Object.assign(new Error(`cannot ${what}: the transaction of ${this.transactionalId} is ${this.state}`), {retriable: false})
  }

  private async checkPartitions<T extends {topics: readonly {name: string; partitions: readonly {partitionIndex: number; errorCode: number}[]}[]}>(pending: Promise<T>): Promise<T> {
    const res = await pending
    const failed = res.topics.flatMap((t) => t.partitions.filter((p) => p.errorCode !== 0).map((p) => ({...p, topic: t.name})))
    // The partition that failed names the cause; the others were only not attempted.
    const cause = failed.find((f) => f.errorCode !== OPERATION_NOT_ATTEMPTED) ?? failed[0]
    if (cause) throw kafkaProtocolError(cause.errorCode, `AddPartitionsToTxn for ${failed.map((f) => `${f.topic}-${f.partitionIndex}`).join(', ')}`)
    return res
  }

  private async describe(): Promise<PriorTransaction | undefined> {
    const res = await this.retrying(async () => {
      const broker = await this.coordinatorOf(this.transactionalId, COORDINATOR_TRANSACTION)
      // A broker without the API (before Kafka 3.0) cannot say: no retrying that.
      const res = await sendApi(broker, DescribeTransactions, {transactionalIds: [this.transactionalId]}).catch((err: unknown) => {
        if (err instanceof StreamctlError) return undefined
        throw err
      })
      const state = res?.transactionStates[0]
      if (state && STALE_COORDINATOR.has(state.errorCode)) throw kafkaProtocolError(state.errorCode, `DescribeTransactions of ${this.transactionalId}`)
      return state
    })
    if (!res || res.errorCode !== 0) return undefined
    return {state: res.transactionState, producerId: res.producerId, producerEpoch: res.producerEpoch}
  }

  /** `send` to this transactional id's coordinator, looked up again whenever it moved or was lost. */
  private toCoordinator<T>(api: string, send: (broker: KjsBroker) => Promise<T>): Promise<T> {
    return this.retrying(async () => {
      const broker = await this.coordinatorOf(this.transactionalId, COORDINATOR_TRANSACTION)
      const res = await send(broker)
      const code = (res as {errorCode?: number}).errorCode
      if (code !== undefined && code !== 0) throw kafkaProtocolError(code, `${api} of ${this.transactionalId}`)
      return res
    })
  }

  private async coordinatorOf(key: string, keyType: typeof COORDINATOR_GROUP | typeof COORDINATOR_TRANSACTION): Promise<KjsBroker> {
    let nodeId = keyType === COORDINATOR_TRANSACTION ? this.coordinator : this.groupCoordinators.get(key)
    if (nodeId === undefined) {
      const ids = this.cluster.getNodeIds()
      if (ids.length === 0) await this.cluster.refreshMetadata()
      const any = await this.cluster.findBroker({nodeId: this.cluster.getNodeIds()[0]!})
      const res = await sendApi(any, FindCoordinator, {key, keyType})
      if (res.errorCode !== 0) throw kafkaProtocolError(res.errorCode, `FindCoordinator for ${keyType === COORDINATOR_TRANSACTION ? 'transactional id' : 'group'} ${key}${res.errorMessage ? `: ${res.errorMessage}` : ''}`)
      nodeId = res.nodeId
      if (keyType === COORDINATOR_TRANSACTION) this.coordinator = nodeId
      else this.groupCoordinators.set(key, nodeId)
    }
    try {
      return await this.cluster.findBroker({nodeId})
    } catch (err) {
      // A coordinator on a broker the cached metadata does not know yet.
      await this.cluster.refreshMetadata()
      if (keyType === COORDINATOR_TRANSACTION) this.coordinator = undefined
      else this.groupCoordinators.delete(key)
      throw err
    }
  }

  /** Retries `fn` while it fails with a retriable answer or a lost connection, for up to retryMs, looking coordinators up again where they may have moved. */
  private async retrying<T>(fn: () => Promise<T>): Promise<T> {
    const started = Date.now()
    for (let attempt = 0; ; attempt++) {
      try {
        return await fn()
      } catch (err) {
        const code = (err as {code?: unknown}).code
        const kafkaAnswer = typeof code === 'number' && typeof (err as {type?: unknown}).type === 'string'
        const retriable = kafkaAnswer ? RETRIABLE_TXN.has(code) : (err as {retriable?: boolean}).retriable !== false
        if (!retriable || Date.now() - started > this.retryMs || this.closed()) throw err
        if (!kafkaAnswer || STALE_COORDINATOR.has(code as number)) {
          this.coordinator = undefined
          this.groupCoordinators.clear()
        }
        await new Promise((r) => setTimeout(r, Math.min(1000, 20 * 2 ** attempt)))
      }
    }
  }
}
