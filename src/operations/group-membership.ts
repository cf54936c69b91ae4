import {kafkaProtocolError} from '../cluster/errors.js'
import {createKjsCluster, kjsPayload, type KjsBroker, type KjsCluster, type KjsClusterOptions, type SocketTracker} from '../cluster/kafkajs-internals.js'
import {chooseVersion, decodeResponseBody, encodeRequestBody, type ApiDefinition} from '../cluster/protocol/api.js'
import {decodeAssignment, decodeSubscription, encodeAssignment, encodeSubscription} from '../cluster/protocol/consumer-protocol.js'
import {COORDINATOR_GROUP, FindCoordinator} from '../cluster/protocol/find-coordinator.js'
import {Heartbeat} from '../cluster/protocol/heartbeat.js'
import {JoinGroup, type JoinGroupMember} from '../cluster/protocol/join-group.js'
import {LeaveGroup} from '../cluster/protocol/leave-group.js'
import {OffsetCommit} from '../cluster/protocol/offset-commit.js'
import {OffsetFetch} from '../cluster/protocol/offset-fetch.js'
import {SyncGroup} from '../cluster/protocol/sync-group.js'
import {sendApi} from '../cluster/send-api.js'
import type {GroupGeneration} from '../cluster/transactional-session.js'
import {jobClientConfig, type JobConnection} from './connection.js'
import {classifyError} from './job-errors.js'

/**
 * One member of a classic consumer group (protocol type `consumer`) for one topic, over our own
 * protocol files: FindCoordinator, JoinGroup (with the KIP-394 second join), SyncGroup, Heartbeat,
 * LeaveGroup, and OffsetFetch with requireStable. It replaces kafkajs's consumer for running the
 * group because the job needs the generation and member id for KIP-447 fencing (TxnOffsetCommit
 * v3), and because a member whose failures are reported to its owner, instead of crashing and
 * restarting itself, needs no workarounds.
 *
 * The assignor is kafkajs's RoundRobinAssigner (same name, same algorithm, same v0 metadata and
 * assignment encodings), so a process still on kafkajs's consumer and one on GroupMembership share
 * a group during an upgrade; whichever is the leader assigns. The protocol is eager: before every
 * rejoin the owner gets onRevoked with all its partitions, and onAssigned after every join.
 *
 * Options:
 * - `connection` (a GroupMembership builds, owns and closes its own kafkajs cluster) or `cluster`
 *   (the caller's, connected or not, never disconnected here; it must be dedicated to the group: a
 *   JoinGroup blocks its connection to the coordinator for up to the rebalance timeout, and Kafka
 *   answers a connection's requests in order).
 * - `groupId`, `topic`; `clientId` (with `connection` only; default 'streamctl-job-group').
 * - `sessionTimeoutMs` (10000), `rebalanceTimeoutMs` (60000), `heartbeatIntervalMs` (1000).
 * - `onAssigned(a)`: after every join, with the generation, member id, `groupInstanceId: null`, this
 *   member's partitions (sorted, possibly none) and whether it leads. Awaited; heartbeats go on meanwhile.
 * - `onRevoked(partitions)`: before every rejoin that follows an onAssigned, with all the partitions
 *   it gave (eager). Awaited, heartbeats going on, so the member stays in the group; it must finish
 *   within the rebalance timeout or the coordinator drops the member. generation() is still the old
 *   one during it: offsets can still be committed (the coordinator accepts them until the join completes).
 * - `onFailure(err, {failingForMs, retriable})`: every failure to reach the coordinator (lost
 *   connection, NOT_COORDINATOR, COORDINATOR_NOT_AVAILABLE, COORDINATOR_LOAD_IN_PROGRESS, a request
 *   timing out), with how long the coordinator has been failing; 'retry' looks it up again after a
 *   backoff, 'stop' stops the membership (start() rejects with the error if it is still pending).
 *   A call with `retriable: false` is the last one: the membership has stopped on an answer that
 *   retrying cannot change (GROUP_AUTHORIZATION_FAILED, INCONSISTENT_GROUP_PROTOCOL, …, naming the
 *   group) or on a callback that rejected; its answer is ignored.
 * - `onStatus(message)`: what the membership is doing (joined, rebalancing, coordinator lost).
 *
 * stop() does not call onRevoked: whoever stops knows. Nothing is left running after stop(): no
 * timer, and an owned cluster's sockets are destroyed.
 */
export interface GroupAssignment {
  readonly generationId: number
  readonly memberId: string
  readonly groupInstanceId: null
  readonly partitions: readonly number[]
  readonly isLeader: boolean
}

export interface GroupFailureInfo {
  /** Since the coordinator last answered (0 on the first failure). */
  readonly failingForMs: number
  /** false: the membership has stopped; the answer is ignored. */
  readonly retriable: boolean
}

export interface CommittedOffset {
  /** -1: none committed. */
  readonly offset: number
  readonly metadata: string | null
}

export type GroupConnection =
  | {readonly connection: JobConnection; readonly cluster?: undefined; readonly clientId?: string}
  | {readonly cluster: KjsCluster; readonly connection?: undefined; readonly clientId?: undefined}

export type GroupMembershipOptions = GroupConnection & {
  readonly groupId: string
  readonly topic: string
  readonly sessionTimeoutMs?: number
  readonly rebalanceTimeoutMs?: number
  readonly heartbeatIntervalMs?: number
  onAssigned(a: GroupAssignment): Promise<void>
  onRevoked(partitions: readonly number[]): Promise<void>
  onFailure(err: Error, info: GroupFailureInfo): 'retry' | 'stop'
  onStatus?(message: string): void
}

export const PROTOCOL_TYPE = 'consumer'
export const ROUND_ROBIN = 'RoundRobinAssigner'

const COORDINATOR_LOAD_IN_PROGRESS = 14
const COORDINATOR_NOT_AVAILABLE = 15
const NOT_COORDINATOR = 16
const ILLEGAL_GENERATION = 22
const INCONSISTENT_GROUP_PROTOCOL = 23
const UNKNOWN_MEMBER_ID = 25
const REBALANCE_IN_PROGRESS = 27
const GROUP_ID_NOT_FOUND = 69
const MEMBER_ID_REQUIRED = 79
const FENCED_INSTANCE_ID = 82
const UNSTABLE_OFFSET_COMMIT = 88
const STALE_COORDINATOR = new Set([COORDINATOR_LOAD_IN_PROGRESS, COORDINATOR_NOT_AVAILABLE, NOT_COORDINATOR])

/** A JoinGroup is answered only when every member has rejoined: up to the rebalance timeout, plus the network. */
const JOIN_GRACE_MS = 5000
/** How long stop() waits for a request in flight (a JoinGroup holds the connection) and for LeaveGroup. */
const LEAVE_WAIT_MS = 5000
const DISCONNECT_WAIT_MS = 2000

/**
 * kafkajs's RoundRobinAssigner for one topic: partitions in order, dealt to the member ids sorted
 * as JavaScript sorts strings (UTF-16 code units). Every member gets an entry, possibly empty.
 * kafkajs deals partitions in metadata order, which Kafka sends sorted; they are sorted here so
 * the result never depends on it.
 */
export function roundRobinAssign(memberIds: readonly string[], partitions: readonly number[]): Map<string, number[]> {
  const members = [...new Set(memberIds)].sort()
  const out = new Map<string, number[]>(members.map((m) => [m, []]))
  if (members.length === 0) return out
  const sorted = [...new Set(partitions)].sort((a, b) => a - b)
  sorted.forEach((p, i) => out.get(members[i % members.length]!)!.push(p))
  return out
}

/** JoinGroup metadata as kafkajs's MemberMetadata encodes it: subscription v0 with empty (not null) user data. */
export function subscriptionMetadata(topic: string): Buffer {
  return encodeSubscription({version: 0, topics: [topic], userData: Buffer.alloc(0)})
}

/** A SyncGroup assignment as kafkajs's MemberAssignment encodes it: v0, the topic only when it has partitions. */
export function assignmentMetadata(topic: string, partitions: readonly number[]): Buffer {
  return encodeAssignment({version: 0, assignedPartitions: partitions.length > 0 ? [{topic, partitions}] : [], userData: Buffer.alloc(0)})
}

/** sendApi with a request timeout of its own: kafkajs's default (30 s) is shorter than a JoinGroup may take. */
async function sendWithTimeout<Req, Res>(broker: KjsBroker, api: ApiDefinition<Req, Res>, request: Req, requestTimeout: number | undefined): Promise<Res> {
  const version = chooseVersion(api as ApiDefinition<unknown, unknown>, broker.versions?.[api.apiKey])
  if (requestTimeout === undefined || version === undefined) return sendApi(broker, api, request)
  const result = await broker.connectionPool.send({
    request: {apiKey: api.apiKey, apiVersion: version, apiName: api.name, encode: async () => kjsPayload(encodeRequestBody(api, version, request))},
    response: {decode: async (payload: Buffer) => decodeResponseBody(api, version, payload), parse: async (data: unknown) => data},
    requestTimeout,
  })
  return result as Res
}

function unrefDelay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref())
}

interface Deferred<T> {
  readonly promise: Promise<T>
  resolve(v: T): void
}

function deferred<T>(): Deferred<T> {
  let resolve!: (v: T) => void
  const promise = new Promise<T>((r) => { resolve = r })
  return {promise, resolve}
}

interface Joined {
  readonly generationId: number
  readonly memberId: string
  readonly isLeader: boolean
  readonly partitions: number[]
}

export class GroupMembership {
  readonly groupId: string
  readonly topic: string
  private readonly cluster: KjsCluster
  /** Set when the cluster is ours to close. */
  private readonly sockets: SocketTracker | undefined
  private readonly sessionTimeoutMs: number
  private readonly rebalanceTimeoutMs: number
  private readonly heartbeatIntervalMs: number

  private coordinatorId: number | undefined
  private askRotation = 0
  private memberId = ''
  private current: GroupGeneration | undefined
  private partitions: readonly number[] = []
  private topicAdded = false
  private failingSince: number | undefined
  private failed: Error | undefined

  private started: Promise<void> | undefined
  private firstJoin: {resolve(): void; reject(err: Error): void} | undefined
  private stopping = false
  private stopped: Promise<void> | undefined
  /** Resolved (with the reason) when this generation is over: the group rebalances, fenced us, or we stop. */
  private rejoin: Deferred<string> = deferred()
  /** Bumped to end the running heartbeat loop. */
  private heartbeatRound = 0
  private heartbeatTimer: NodeJS.Timeout | undefined
  private readonly inflight = new Set<Promise<unknown>>()
  private readonly sleepers = new Set<{timer: NodeJS.Timeout; resolve(): void}>()

  constructor(private readonly options: GroupMembershipOptions) {
    this.groupId = options.groupId
    this.topic = options.topic
    this.sessionTimeoutMs = options.sessionTimeoutMs ?? 10_000
    this.rebalanceTimeoutMs = options.rebalanceTimeoutMs ?? 60_000
    this.heartbeatIntervalMs = options.heartbeatIntervalMs ?? 1000
    if (this.heartbeatIntervalMs >= this.sessionTimeoutMs) throw new RangeError(`heartbeatIntervalMs (${this.heartbeatIntervalMs}) must be below sessionTimeoutMs (${this.sessionTimeoutMs})`)
    if (options.cluster) {
      this.cluster = options.cluster
      this.sockets = undefined
    } else {
      // Few, short kafkajs retries: onFailure is asked on every failure, and a long kafkajs retry
      // chain (a metadata refresh stuck on a dead broker) would hide the outage from the owner.
      const config = {...jobClientConfig(options.connection, options.clientId ?? 'streamctl-job-group'), retry: {retries: 2, initialRetryTime: 100, maxRetryTime: 1000}}
      const {cluster, sockets} = createKjsCluster(config as KjsClusterOptions, () => {})
      this.cluster = cluster
      this.sockets = sockets
    }
  }

  /** Joins the group; resolves once the first onAssigned has resolved (or stop() came first), rejects when the membership fails before, or when called after stop(). */
  start(): Promise<void> {
    // Also after a start: the first start's promise has resolved, but this is no member any more.
    if (this.stopping) return Promise.reject(this.failed ?? new Error(`the membership of group ${this.groupId} was stopped`))
    this.started ??= new Promise<void>((resolve, reject) => {
      this.firstJoin = {resolve, reject}
      void this.run()
    })
    return this.started
  }

  /** The current generation, for TxnOffsetCommit (KIP-447); undefined while not a member (joining, between onRevoked and the next join, stopped). */
  generation(): GroupGeneration | undefined {
    return this.current
  }

  assigned(): readonly number[] {
    return this.partitions
  }

  /** Why the membership stopped on its own, if it did. */
  failure(): Error | undefined {
    return this.failed
  }

  /**
   * Leaves the group (LeaveGroup, so the others rebalance at once), stops heartbeats and closes an
   * owned cluster. Idempotent; never waits for a callback (it may be called from one). `leaveGroup:
   * false` skips LeaveGroup, as a crashed process would: the coordinator drops the member after its
   * session timeout.
   */
  stop(options: {readonly leaveGroup?: boolean} = {}): Promise<void> {
    this.stopped ??= this.shutdown(options.leaveGroup !== false)
    return this.stopped
  }

  /**
   * The group's committed offsets of `partitions` of the topic (-1: none), from the coordinator.
   * With requireStable (the default) a partition whose offsets a pending transaction is committing
   * (UNSTABLE_OFFSET_COMMIT) is asked again until that transaction ends, as are lost connections and
   * moved coordinators, for up to timeoutMs (default 30 s); other refusals are thrown at once. Not
   * meant to run during a JoinGroup, which holds the coordinator's connection: call it from onAssigned.
   */
  async fetchCommitted(partitions: readonly number[], options: {readonly requireStable?: boolean; readonly timeoutMs?: number} = {}): Promise<Map<number, CommittedOffset>> {
    const requireStable = options.requireStable ?? true
    const deadline = Date.now() + (options.timeoutMs ?? 30_000)
    for (let attempt = 0; ; attempt++) {
      if (this.stopping) throw new Error(`the membership of group ${this.groupId} has stopped`)
      let error: unknown
      try {
        const broker = await this.coordinator()
        const res = await this.request(broker, OffsetFetch, {groupId: this.groupId, topics: [{name: this.topic, partitionIndexes: [...partitions]}], requireStable}, undefined)
        if (res.errorCode !== 0) throw this.answer(res.errorCode, 'OffsetFetch')
        const out = new Map<number, CommittedOffset>()
        const unstable: number[] = []
        for (const t of res.topics) {
          if (t.name !== this.topic) continue
          for (const p of t.partitions) {
            if (p.errorCode === UNSTABLE_OFFSET_COMMIT) unstable.push(p.partitionIndex)
            else if (p.errorCode !== 0) throw this.answer(p.errorCode, 'OffsetFetch', `${this.topic}-${p.partitionIndex}`)
            // Kafka answers an uncommitted partition with -1 and metadata '': the same as one it leaves out.
            else out.set(p.partitionIndex, p.committedOffset < 0n ? {offset: -1, metadata: null} : {offset: Number(p.committedOffset), metadata: p.metadata})
          }
        }
        if (unstable.length === 0) {
          for (const p of partitions) if (!out.has(p)) out.set(p, {offset: -1, metadata: null})
          return out
        }
        error = this.answer(UNSTABLE_OFFSET_COMMIT, 'OffsetFetch', `${unstable.map((p) => `${this.topic}-${p}`).join(', ')}: a transaction committing offsets for them is still open`)
      } catch (err) {
        if (this.stopping || !this.retriable(err)) throw err
        this.coordinatorId = undefined
        error = err
      }
      if (Date.now() >= deadline) throw error
      await this.sleep(Math.min(1000, 50 * 2 ** attempt))
    }
  }

  /**
   * Commits offsets of the topic as this member, in its current generation (OffsetCommit): the
   * cross-cluster job's advisory source positions, for lag tooling. Refused (thrown) when not a
   * member, or when the coordinator answers an error: the generation moved on (ILLEGAL_GENERATION,
   * REBALANCE_IN_PROGRESS) or the coordinator moved; the caller decides whether that matters.
   */
  async commitOffsets(offsets: readonly {readonly partition: number; readonly offset: number; readonly metadata?: string | null}[]): Promise<void> {
    const generation = this.current
    if (!generation) throw new Error(`not a member of group ${this.groupId} right now: no offsets committed`)
    const broker = await this.coordinator()
    const res = await this.request(broker, OffsetCommit, {
      groupId: this.groupId, generationId: generation.generationId, memberId: generation.memberId, groupInstanceId: null,
      topics: [{name: this.topic, partitions: offsets.map((o) => ({partitionIndex: o.partition, committedOffset: BigInt(o.offset), committedMetadata: o.metadata ?? null}))}],
    }, undefined)
    for (const t of res.topics) {
      for (const p of t.partitions) {
        if (p.errorCode !== 0) {
          if (STALE_COORDINATOR.has(p.errorCode)) this.coordinatorId = undefined
          throw this.answer(p.errorCode, 'OffsetCommit', `${t.name}-${p.partitionIndex}`)
        }
      }
    }
  }

  private async run(): Promise<void> {
    try {
      while (!this.stopping) {
        const joined = await this.joinAndSync()
        if (!joined || this.stopping) return
        this.current = {generationId: joined.generationId, memberId: joined.memberId, groupInstanceId: null}
        this.partitions = joined.partitions
        this.rejoin = deferred()
        this.startHeartbeats()
        this.status(`joined group ${this.groupId} in generation ${joined.generationId}${joined.isLeader ? ' as its leader' : ''}: partitions [${joined.partitions.join(', ')}] of ${this.topic}`)
        await this.options.onAssigned({...this.current, groupInstanceId: null, partitions: joined.partitions, isLeader: joined.isLeader})
        if (this.stopping) return
        this.firstJoin?.resolve()
        const reason = await this.rejoin.promise
        if (this.stopping) return
        this.status(`group ${this.groupId} rebalances (${reason}): giving up partitions [${this.partitions.join(', ')}] to rejoin`)
        await this.options.onRevoked([...this.partitions])
        this.endHeartbeats()
        this.current = undefined
        this.partitions = []
      }
    } catch (err) {
      if (!this.stopping) await this.fail(err)
    } finally {
      this.firstJoin?.resolve()
    }
  }

  /** One join: JoinGroup (again with the id MEMBER_ID_REQUIRED gave), the leader's assignment, SyncGroup. Undefined when stopped meanwhile. */
  private async joinAndSync(): Promise<Joined | undefined> {
    for (let attempt = 0; !this.stopping;) {
      try {
        const broker = await this.coordinator()
        const join = await this.request(broker, JoinGroup, {
          groupId: this.groupId, sessionTimeoutMs: this.sessionTimeoutMs, rebalanceTimeoutMs: this.rebalanceTimeoutMs,
          memberId: this.memberId, groupInstanceId: null, protocolType: PROTOCOL_TYPE,
          protocols: [{name: ROUND_ROBIN, metadata: subscriptionMetadata(this.topic)}], reason: null,
        }, this.rebalanceTimeoutMs + JOIN_GRACE_MS)
        // A join answered while stopping still names the member: stop() leaves with it.
        if (join.errorCode === 0 || join.errorCode === MEMBER_ID_REQUIRED) this.memberId = join.memberId
        if (this.stopping) return undefined
        if (join.errorCode === MEMBER_ID_REQUIRED) continue
        if (join.errorCode === UNKNOWN_MEMBER_ID) {
          this.memberId = ''
          continue
        }
        if (join.errorCode === REBALANCE_IN_PROGRESS) {
          await this.sleep(100)
          continue
        }
        if (join.errorCode !== 0) throw this.answer(join.errorCode, 'JoinGroup')
        this.succeeded()
        if (join.protocolName !== null && join.protocolName !== ROUND_ROBIN) throw this.answer(INCONSISTENT_GROUP_PROTOCOL, 'JoinGroup', `the group chose assignor ${join.protocolName}`)
        const isLeader = join.leader === join.memberId
        const assignments = isLeader && !join.skipAssignment ? await this.assign(join.members) : []
        const sync = await this.request(broker, SyncGroup, {
          groupId: this.groupId, generationId: join.generationId, memberId: join.memberId, groupInstanceId: null,
          protocolType: PROTOCOL_TYPE, protocolName: ROUND_ROBIN, assignments,
        }, this.rebalanceTimeoutMs + JOIN_GRACE_MS)
        if (this.stopping) return undefined
        if (sync.errorCode === REBALANCE_IN_PROGRESS || sync.errorCode === ILLEGAL_GENERATION) continue
        if (sync.errorCode === UNKNOWN_MEMBER_ID || sync.errorCode === GROUP_ID_NOT_FOUND) {
          this.memberId = ''
          continue
        }
        if (sync.errorCode !== 0) throw this.answer(sync.errorCode, 'SyncGroup')
        this.succeeded()
        const mine = decodeAssignment(sync.assignment).assignedPartitions.filter((t) => t.topic === this.topic).flatMap((t) => t.partitions)
        return {generationId: join.generationId, memberId: join.memberId, isLeader, partitions: [...new Set(mine)].sort((a, b) => a - b)}
      } catch (err) {
        if (this.stopping) return undefined
        if (!this.retriable(err)) throw err
        this.coordinatorId = undefined
        if (!this.askRetry(err)) throw err
        await this.sleep(Math.min(2000, 100 * 2 ** attempt++))
      }
    }
    return undefined
  }

  /** The leader's plan: the topic's partitions over the members that subscribe to it (kafkajs members do). */
  private async assign(members: readonly JoinGroupMember[]): Promise<{memberId: string; assignment: Buffer}[]> {
    if (this.topicAdded) await this.cluster.refreshMetadata()
    else {
      await this.cluster.addTargetTopic(this.topic)
      this.topicAdded = true
    }
    const partitions = this.cluster.findTopicPartitionMetadata(this.topic).map((m) => m.partitionId)
    const subscribed = members.filter((m) => {
      try {
        return decodeSubscription(m.metadata).topics.includes(this.topic)
      } catch {
        this.status(`member ${m.memberId} of group ${this.groupId} sent metadata that is no consumer subscription: it gets no partitions`)
        return false
      }
    })
    const plan = roundRobinAssign(subscribed.map((m) => m.memberId), partitions)
    return members.map((m) => ({memberId: m.memberId, assignment: assignmentMetadata(this.topic, plan.get(m.memberId) ?? [])}))
  }

  private startHeartbeats(): void {
    const round = ++this.heartbeatRound
    const generation = this.current!
    const beat = async (): Promise<void> => {
      if (round !== this.heartbeatRound || this.stopping) return
      try {
        const broker = await this.coordinator()
        const res = await this.request(broker, Heartbeat, {groupId: this.groupId, generationId: generation.generationId, memberId: generation.memberId, groupInstanceId: null}, undefined)
        if (round !== this.heartbeatRound || this.stopping) return
        const code = res.errorCode
        if (code === 0) this.succeeded()
        else if (code === REBALANCE_IN_PROGRESS) {
          // Heartbeats go on while the owner revokes: they keep the member in the rebalancing group.
          this.succeeded()
          this.rejoin.resolve('a member joined or left')
        } else if (code === ILLEGAL_GENERATION || code === UNKNOWN_MEMBER_ID || code === GROUP_ID_NOT_FOUND || code === FENCED_INSTANCE_ID) {
          // This generation is over for us: a rebalance completed without us, or the session expired.
          if (code !== ILLEGAL_GENERATION) this.memberId = ''
          this.rejoin.resolve(code === ILLEGAL_GENERATION ? 'a newer generation formed without this member' : 'the coordinator dropped this member')
          return
        } else throw this.answer(code, 'Heartbeat')
      } catch (err) {
        if (round !== this.heartbeatRound || this.stopping) return
        if (!this.retriable(err)) {
          void this.fail(err)
          return
        }
        // The member keeps its partitions while the coordinator is away: if the session expires
        // meanwhile, TxnOffsetCommit refuses this generation and the next heartbeat says so.
        this.coordinatorId = undefined
        if (!this.askRetry(err)) {
          void this.fail(err, true)
          return
        }
      }
      if (round === this.heartbeatRound && !this.stopping) this.heartbeatTimer = setTimeout(() => void beat(), this.heartbeatIntervalMs)
    }
    this.heartbeatTimer = setTimeout(() => void beat(), this.heartbeatIntervalMs)
  }

  private endHeartbeats(): void {
    this.heartbeatRound++
    clearTimeout(this.heartbeatTimer)
    this.heartbeatTimer = undefined
  }

  /** The group's coordinator, looked up (FindCoordinator, asking the brokers in turn) when unknown or lost. */
  private async coordinator(): Promise<KjsBroker> {
    if (!this.cluster.isConnected()) await this.cluster.connect()
    if (this.coordinatorId === undefined) {
      let ids = this.cluster.getNodeIds()
      if (ids.length === 0) {
        await this.cluster.refreshMetadata()
        ids = this.cluster.getNodeIds()
      }
      const asked = await this.cluster.findBroker({nodeId: ids[this.askRotation++ % ids.length]!})
      const res = await this.request(asked, FindCoordinator, {key: this.groupId, keyType: COORDINATOR_GROUP}, undefined)
      if (res.errorCode !== 0) throw this.answer(res.errorCode, 'FindCoordinator', res.errorMessage ?? undefined)
      this.coordinatorId = res.nodeId
    }
    try {
      return await this.cluster.findBroker({nodeId: this.coordinatorId})
    } catch (err) {
      // A coordinator on a broker the cached metadata does not know yet, or one that went away.
      this.coordinatorId = undefined
      await this.cluster.refreshMetadata().catch(() => {})
      throw err
    }
  }

  private request<Req, Res>(broker: KjsBroker, api: ApiDefinition<Req, Res>, request: Req, requestTimeout: number | undefined): Promise<Res> {
    const p = sendWithTimeout(broker, api, request, requestTimeout)
    this.inflight.add(p)
    const done = (): void => { this.inflight.delete(p) }
    p.then(done, done)
    return p
  }

  /** A Kafka answer as an error that names the group (kafkajs-shaped, so job-errors.ts classifies it). */
  private answer(code: number, api: string, detail?: string): Error & {type: string; code: number; retriable: boolean} {
    const what = code === INCONSISTENT_GROUP_PROTOCOL
      ? `its members use another protocol type or assignor than ${PROTOCOL_TYPE}/${ROUND_ROBIN}`
      : undefined
    return kafkaProtocolError(code, `${api} of group ${this.groupId}${[what, detail].filter(Boolean).map((s) => `: ${s}`).join('')}`)
  }

  /** Whether a failure may pass: Kafka's retriable answers and lost connections; coordinator moves among them. */
  private retriable(err: unknown): boolean {
    const code = (err as {code?: unknown}).code
    if (typeof code === 'number' && STALE_COORDINATOR.has(code)) return true
    return classifyError(err) !== 'fatal'
  }

  private succeeded(): void {
    this.failingSince = undefined
  }

  /** Asks the owner whether to go on after a failure to reach the coordinator. */
  private askRetry(err: unknown): boolean {
    const error = err instanceof Error ? err : new Error(String(err))
    const failingForMs = this.failingSince === undefined ? 0 : Date.now() - this.failingSince
    this.failingSince ??= Date.now()
    this.status(`cannot reach the coordinator of group ${this.groupId} (${error.message})`)
    try {
      return this.options.onFailure(error, {failingForMs, retriable: true}) === 'retry'
    } catch {
      return false
    }
  }

  /** Stops the membership on an error: the owner hears of it (unless it chose to stop) and start() rejects. */
  private fail(err: unknown, ownerStopped = false): Promise<void> {
    if (this.stopping) return this.stopped ?? Promise.resolve()
    const error = err instanceof Error ? err : new Error(String(err))
    this.failed = error
    this.firstJoin?.reject(error)
    if (!ownerStopped) {
      try {
        this.options.onFailure(error, {failingForMs: this.failingSince === undefined ? 0 : Date.now() - this.failingSince, retriable: false})
      } catch {
        // Its answer is ignored; so is its failure.
      }
    }
    return this.stop()
  }

  private async shutdown(leave: boolean): Promise<void> {
    this.stopping = true
    this.endHeartbeats()
    this.rejoin.resolve('stopping')
    for (const s of this.sleepers) {
      clearTimeout(s.timer)
      s.resolve()
    }
    this.sleepers.clear()
    this.firstJoin?.resolve()
    if (leave) {
      // Kafka answers a connection's requests in order: a JoinGroup in flight holds LeaveGroup back.
      await Promise.race([Promise.allSettled([...this.inflight]), unrefDelay(LEAVE_WAIT_MS)])
      const memberId = this.memberId
      if (memberId !== '') {
        const leaving = (async () => {
          const broker = await this.coordinator()
          const res = await sendApi(broker, LeaveGroup, {groupId: this.groupId, members: [{memberId, groupInstanceId: null, reason: 'the member stops'}]})
          if (res.errorCode === 0) this.status(`left group ${this.groupId}`)
        })().catch(() => {})
        await Promise.race([leaving, unrefDelay(LEAVE_WAIT_MS)])
      }
    }
    this.memberId = ''
    this.current = undefined
    this.partitions = []
    if (this.sockets) {
      await Promise.race([this.cluster.disconnect().catch(() => {}), unrefDelay(DISCONNECT_WAIT_MS)])
      this.sockets.shutDown()
    }
  }

  private sleep(ms: number): Promise<void> {
    if (this.stopping) return Promise.resolve()
    return new Promise((resolve) => {
      const sleeper = {
        timer: setTimeout(() => {
          this.sleepers.delete(sleeper)
          resolve()
        }, ms),
        resolve,
      }
      this.sleepers.add(sleeper)
    })
  }

  private status(message: string): void {
    try {
      this.options.onStatus?.(message)
    } catch {
      // A status line is never worth stopping for.
    }
  }
}
