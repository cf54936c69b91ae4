import {Kafka, type Admin, type Consumer, type ConsumerRunConfig, type ISocketFactory} from 'kafkajs'
import {trackedSocketFactory} from '../cluster/kafkajs-internals.js'
import {StreamctlError} from '../errors.js'
import type {CodecName} from '../cluster/protocol/compression.js'
import {JobCheckpoints} from './checkpoints.js'
import {jobClientConfig, type JobConnection} from './connection.js'
import {deadLetterRecord, describeRecord} from './dead-letter.js'
import {DEFINITION_PREFIX} from './job-definition.js'
import {RecordError, UnwritableRecordError, classifyError, isFenced, isOutage, isServiceOutage, jobFailure, lostClusterError, outageOf, refusedError, type JobPlace} from './job-errors.js'
import {FetchLoop} from './fetch-loop.js'
import {MAX_QUEUED_SENDS, commitDue, newPartitionState, openTransaction, queueSend, rewind, withPartition, type OpenTransaction, type PartitionState} from './partition-state.js'
import {RateMeter, etaSeconds, type JobEvent} from './progress.js'
import {DEFAULT_FETCH_LIMITS, SourceFetcher, type FetchedChunk} from './source-fetcher.js'
import type {InputRecord, JobReport, OutputRecord, Stage, StageResult} from './record.js'
import {topicOffsets} from './topics.js'
import {ProducerPool, type SendItem, type TransactionalProducer} from './transactional-producer.js'
import {decodeRawBatch, type RawBatch} from '../cluster/protocol/record-batch-reader.js'

/**
 * The streaming runtime: a consumer group shares out the source's partitions, our own fetcher
 * (source-fetcher.ts) reads them, a stage maps each fetched chunk, and
 * Kafka transactions write the output *and* the input position (read-process-write, `sendOffsets`),
 * so a crash or a rerun never loses or duplicates a record in read_committed view. A transaction
 * spans the batches of one partition for up to COMMIT_INTERVAL_MS / COMMIT_RECORDS.
 *
 * Zombie fencing: kafkajs 2.2.4 predates KIP-447 (group metadata in TxnOffsetCommit), so fencing is
 * the classic one: one transactional producer per *input partition*, with a stable transactional id
 * `streamctl-<job>-<topic>-<partition>`. Whoever gets the partition next initialises the same id,
 * which aborts the predecessor's open transaction and fences it.
 *
 * Cross-cluster (source and target differ): no transaction spans two clusters, so the position is
 * written in the *target's* transaction (see checkpoints.ts) and read back on every assignment; the
 * source group's offsets are only advisory (committed after the target commit, for lag tooling).
 *
 * Memory: chunks are bounded by the fetch limits, processed one at a time per partition, and at
 * most MAX_FETCHED_CHUNKS per partition wait; the next fetch of a partition waits for that — the
 * topic is never buffered.
 */
export interface RunnerOptions {
  readonly job: string
  /** `label` names the cluster in errors (environment name or bootstrap list, never credentials). */
  readonly source: {readonly kafka: Kafka; readonly connection: JobConnection; readonly topic: string; readonly label?: string}
  /** The connection too: the output side runs its own producers over it (transactional-producer.ts). */
  readonly target: {readonly kafka: Kafka; readonly connection: JobConnection}
  readonly crossCluster: boolean
  readonly stage: Stage
  /** bounded: stop at the end offsets captured at start; follow: run until signalled. */
  readonly mode: 'bounded' | 'follow'
  readonly signal?: AbortSignal
  readonly onEvent?: (e: JobEvent) => void
  readonly groupId?: string
  /** One chunk at a time across all partitions, for stages whose state spans partitions (derive latest). */
  readonly serial?: boolean
  readonly maxBytesPerPartition?: number
  readonly transactionTimeoutMs?: number
  /** How long the job keeps restarting while Kafka cannot be reached before it fails (default 60 s). */
  readonly unreachableTimeoutMs?: number
  /** The topics the stage writes: checked for transactions Kafka left open (orphan-transactions.ts) on take-over and before leaving. */
  readonly outputTopics?: readonly string[]
  /** Where records the target refuses go (with the reason); without it such a record stops the job, named. */
  readonly deadLetter?: string
  /** Output codec instead of the target's compression.type (transactional-producer.ts codecFor). */
  readonly compression?: CodecName
  /** Stop instead of moving on when retention removed records the job had not read yet. */
  readonly noGaps?: boolean
  /** The job's definition digest (job-definition.ts), committed with its positions: a rerun with another one is refused. */
  readonly definition?: string
  /** Forget the job's committed positions and start over (a changed definition is then accepted). */
  readonly restart?: boolean
  /** Refuse to run beside another process of the same job (stages whose state spans partitions: derive latest). */
  readonly singleProcess?: boolean
  /** Called whenever a transaction is given up: a stage's uncommitted in-memory state must go with it. */
  readonly resetStage?: () => void
}

/** What a run adds to the report: offsets retention removed before the job read them. */
export interface RunReport extends JobReport {
  readonly lostToRetention: number
}


const SESSION_TIMEOUT_MS = 10_000
/** Pause before re-reading a partition whose stage failed on a service that is down (the registry). */
const STAGE_RETRY_MS = 500

const GROUP_AUTHORIZATION_FAILED = 30

/**
 * A job whose principal may not use its consumer group stops before it joins, saying so: kafkajs
 * would retry "Failed to find group coordinator" as an outage, and the reason would be lost.
 */
async function refuseUnauthorisedGroup(fetcher: SourceFetcher, groupId: string, job: string, label: string): Promise<void> {
  const {code, message} = await fetcher.groupCoordinatorError(groupId).catch(() => ({code: 0, message: null}))
  if (code !== GROUP_AUTHORIZATION_FAILED) return
  throw new StreamctlError('JOB_FAILED', `job ${job} may not use its consumer group ${groupId} on ${label}: GROUP_AUTHORIZATION_FAILED${message ? ` (${message})` : ''}`, {
    hint: `the job's principal lacks an ACL for this: grant it READ on group ${groupId} (with streamctl, a Service's \`consumes\` or an Acl with resourceType GROUP), then rerun the job`,
  })
}

export function jobGroupId(job: string): string {
  return `streamctl-job-${job}`
}

export function transactionalId(job: string, topic: string, partition: number): string {
  return `streamctl-${job}-${topic}-${partition}`
}


export async function runJob(o: RunnerOptions): Promise<RunReport> {
  const started = Date.now()
  const groupId = o.groupId ?? jobGroupId(o.job)
  const topic = o.source.topic
  const emit = o.onEvent ?? (() => {})
  const sourceAdmin = o.source.kafka.admin()
  const targetAdmin = o.crossCluster ? o.target.kafka.admin() : sourceAdmin
  const pool = new ProducerPool(o.target.connection, {compression: o.compression})
  // A plain copy (Stage.passthrough) writes fetched batches whole; a stage with state after commit sees every record.
  const copy = o.stage.afterCommit ? undefined : o.stage.passthrough
  const fetcher = new SourceFetcher(o.source.connection, o.source.topic, {...DEFAULT_FETCH_LIMITS, partitionMaxBytes: o.maxBytesPerPartition ?? DEFAULT_FETCH_LIMITS.partitionMaxBytes}, copy !== undefined)
  const producers = new Map<number, TransactionalProducer>()
  /** Per producer id, the epochs whose given-up transaction the committed input position shows committed (true) or not. */
  const decided = new Map<bigint, Map<number, boolean>>()
  let consumer: Consumer | undefined
  const groupSockets = trackedSocketFactory()
  /** A restart of the consumer under way (restartConsumer): leaving waits for it, then disconnects. */
  let restarting: Promise<unknown> = Promise.resolve()
  /** Waits briefly for that restart: while Kafka is away its connect can retry for long, and the sockets are shut anyway. */
  const restartSettled = async (): Promise<void> => {
    let timer: NodeJS.Timeout | undefined
    await Promise.race([restarting.catch(() => {}), new Promise((resolve) => { timer = setTimeout(resolve, 2000) })])
    // A pending timer would keep a finished job's process alive for the rest of the 2 s.
    clearTimeout(timer)
  }
  const counters = {read: 0, written: 0, deadLettered: 0, skipped: 0}
  let lostToRetention = 0
  const meter = new RateMeter()
  const parts = new Map<number, PartitionState>()
  let assigned: number[] = []
  let joined = false
  /** Between kafkajs noticing a rebalance and the next join: no new fetches. */
  let rebalancing = false
  /** Set once this process leaves the group: later joins must not fence or open producers. */
  let stopping = false
  /** Set when the run ends: batches still delivered are left for the next run (not consumed, not committed). */
  let draining = false
  let fatal: unknown
  let ready: Promise<void> = Promise.resolve()
  /** Start of the current run of read-side failures (fetches, the group); a successful fetch ends it. */
  let failingSince: number | undefined
  /**
   * Start of the current run of write-side failures (produce, commit, fencing); only a commit ends
   * it. A fetch that works says nothing about the write side: resetting this clock on every fetch
   * let a refusal repeated on every batch loop for ever.
   */
  let writeFailingSince: number | undefined
  const unreachableTimeoutMs = o.unreachableTimeoutMs ?? 60_000

  try {
    await sourceAdmin.connect()
    await refuseUnauthorisedGroup(fetcher, groupId, o.job, o.source.label ?? o.source.connection.label)
    if (o.crossCluster) await targetAdmin.connect()
    const offsets = await topicOffsets(sourceAdmin, topic)
    const ends = new Map(offsets.map((p) => [p.partition, p]))
    const checkpoints = o.crossCluster ? new JobCheckpoints(targetAdmin, o.job, topic) : undefined
    if (checkpoints) await checkpoints.prepare(offsets.length)

    const committedWithMetadata = async (): Promise<Map<number, {offset: number; metadata: string | null}>> => checkpoints
      ? await checkpoints.readWithMetadata()
      : new Map((await sourceAdmin.fetchOffsets({groupId, topics: [topic]}))[0]?.partitions.map((p) => [p.partition, {offset: Number(p.offset), metadata: p.metadata ?? null}]) ?? [])
    const commitGroup = checkpoints ? checkpoints.groupId : groupId

    if (o.restart) {
      // Starting over: the positions (and the definition recorded with them) go; the group must be empty.
      await targetAdmin.deleteGroups([commitGroup]).catch((err: unknown) => {
        const code = (err as {groups?: {errorCode?: number}[]}).groups?.[0]?.errorCode
        if (code === 69) return // GROUP_ID_NOT_FOUND: never ran
        throw new StreamctlError('USAGE', `--restart: cannot forget the positions of job ${o.job} (${(err as Error).message})`, {hint: 'stop every other process of this job first (the group must be empty)', cause: err})
      })
      emit({type: 'status', message: `restart: forgot the committed positions of job ${o.job}; reading ${topic} from the beginning`})
    } else if (o.definition) {
      const changed = [...(await committedWithMetadata())].find(([, c]) => c.offset >= 0 && c.metadata?.startsWith(DEFINITION_PREFIX) && c.metadata !== o.definition)
      if (changed) {
        throw new StreamctlError('USAGE', `job ${o.job} was last run with other options (its checkpoint on ${topic}-${changed[0]} at offset ${changed[1].offset} records definition ${changed[1].metadata!.slice(DEFINITION_PREFIX.length)}, this run is ${o.definition.slice(DEFINITION_PREFIX.length)}); resuming would skip the records it already read the old way`, {
          hint: 'name a new job with --job to run these options from the beginning, or pass --restart to start this job over (what the old run wrote stays in the target)',
        })
      }
    }

    const committedPositions = async (partitions: number[]): Promise<Map<number, number>> => {
      const got = new Map([...await committedWithMetadata()].map(([p, c]) => [p, c.offset]))
      const out = new Map<number, number>()
      for (const p of partitions) {
        const c = got.get(p) ?? -1
        out.set(p, c >= 0 ? c : (ends.get(p)?.low ?? 0))
      }
      return out
    }

    /**
     * Single-process jobs keep state that spans partitions (derive latest): a second process would
     * build a table from half the versions. Members of the job's group are other processes; one
     * killed without leaving drops out after the session timeout, so wait that long before refusing.
     */
    const refuseSecondProcess = async (waitMs: number): Promise<void> => {
      for (const until = Date.now() + waitMs; ;) {
        const members = (await sourceAdmin.describeGroups([groupId])).groups[0]?.members ?? []
        const others = members.filter((m) => m.memberId !== memberId)
        if (others.length === 0) return
        if (Date.now() >= until) {
          throw new StreamctlError('JOB_FAILED', `job ${o.job} is already running in another process (${others.map((m) => `${m.clientId} on ${m.clientHost}`).join(', ')}, members of group ${groupId}); it keeps its state in one process, so a second one is refused`, {
            hint: 'stop the other process or let it finish, then rerun (a killed process leaves the group within 10 s)',
          })
        }
        emit({type: 'status', message: `waiting for another process of job ${o.job} to leave group ${groupId} (${Math.ceil((until - Date.now()) / 1000)} s)`})
        await sleep(1000, o.signal)
      }
    }
    let memberId: string | undefined

    const progress = (): void => {
      meter.sample(Date.now(), counters.read)
      let lag = 0
      for (const p of assigned) {
        const s = parts.get(p)
        if (s) lag += Math.max(0, (o.mode === 'bounded' ? s.end : s.highWatermark) - s.position)
      }
      const rate = meter.perSecond()
      emit({
        type: 'progress', ...counters, recordsPerSecond: rate, lag,
        etaSeconds: o.mode === 'bounded' ? etaSeconds(lag, rate) : undefined,
        partitionsAssigned: assigned.length, partitionsDone: assigned.filter((p) => parts.get(p)?.done).length,
      })
    }

    const markDone = (p: number): void => {
      const s = parts.get(p)
      if (!s || s.done) return
      s.done = true
    }

    const producerFor = async (p: number): Promise<TransactionalProducer> => {
      let pr = producers.get(p)
      if (!pr) {
        pr = await pool.producer(transactionalId(o.job, topic, p), o.transactionTimeoutMs ?? 60_000)
        producers.set(p, pr)
      }
      return pr
    }

    /**
     * Ends what Kafka left open on the output for the producers of `partitions` (see
     * orphan-transactions.ts): after fencing on a take-over, and before leaving for the producers
     * with no transaction open.
     */
    const endOrphans = async (partitions: readonly number[]): Promise<void> => {
      const topics = o.outputTopics ?? []
      const ours = new Map(partitions.flatMap((p) => {
        const id = parts.get(p)?.open ? undefined : producers.get(p)?.identity()
        return id ? [[id.producerId, {...id.own, decided: decided.get(id.producerId)}] as const] : []
      }))
      if (topics.length === 0 || ours.size === 0) return
      try {
        const orphans = await pool.endOrphans(topics, ours)
        if (orphans.length > 0) {
          const where = orphans.map((x) => `${x.topic}-${x.partition} from offset ${x.startOffset} (${x.commit ? 'committed' : 'aborted'})`).join(', ')
          emit({type: 'status', message: `ended ${orphans.length} transaction(s) of this job that Kafka left open without markers: ${where}`})
        }
      } catch (err) {
        emit({type: 'status', message: `could not check ${topics.join(', ')} for transactions left open (${(err as Error).message}); if read_committed readers stall there, run kafka-transactions.sh find-hanging`})
      }
    }

    /** What is left of the outage budget; an outage starts at the first failure on its side (read or write) since that side last worked. */
    const outageBudgetLeft = (side: 'read' | 'write' = 'read'): number => {
      const now = Date.now()
      if (side === 'write') writeFailingSince ??= now
      else failingSince ??= now
      return unreachableTimeoutMs - (now - Math.min(failingSince ?? now, writeFailingSince ?? now))
    }
    const failingFor = (): number => Date.now() - Math.min(failingSince ?? Date.now(), writeFailingSince ?? Date.now())

    // kafkajs runs the group (join, sync, heartbeats, assignment); its own fetching stays paused.
    // Paused, it sleeps maxWaitTimeInMs per round, and disconnect() waits for that sleep: keep it short.
    // It gets a client of its own, on sockets shut when the job leaves: kafkajs's crash handler can
    // schedule a restart after the disconnect that was meant to end it.
    const groupKafka = new Kafka({...jobClientConfig(o.source.connection), socketFactory: groupSockets.socketFactory as unknown as ISocketFactory})
    consumer = groupKafka.consumer({
      groupId, readUncommitted: false, allowAutoTopicCreation: false, maxWaitTimeInMs: 100,
      sessionTimeout: SESSION_TIMEOUT_MS, heartbeatInterval: 1000,
      // kafkajs restarts a crashed consumer forever on retriable errors (a dead cluster is one), so a
      // bounded job would wait silently for good. Ride out restarts and leader moves, then fail.
      retry: {
        retries: 5,
        restartOnFailure: async (err) => {
          const left = outageBudgetLeft()
          if (left <= 0 || stopping) return false
          emit({type: 'status', message: `cannot reach Kafka (${err.message}); retrying for up to ${Math.ceil(left / 1000)} s`})
          return true
        },
      },
    })
    const c = consumer
    let runConfig: ConsumerRunConfig = {}
    c.on(c.events.REBALANCING, () => {
      rebalancing = true
    })
    c.on(c.events.GROUP_JOIN, (e) => {
      // Emitted before kafkajs fetches for the new assignment: from here on it fetches nothing.
      c.pause([{topic}])
      rebalancing = false
      // consumer.disconnect() lets the runner finish a rebalance that is under way before it leaves,
      // so a join can complete after we decided to stop. We will not read those partitions: their
      // next owner fences them, and producers opened here would outlive the cleanup below and keep
      // the process alive.
      if (stopping) return
      memberId = e.payload.memberId
      joined = true
      const previous = new Set(assigned)
      assigned = [...(e.payload.memberAssignment[topic] ?? [])].sort((a, b) => a - b)
      const fresh = assigned.filter((p) => !previous.has(p))
      ready = (async () => {
        // A second process of a single-process job: the first to join (the group's leader) goes on.
        if (o.singleProcess && !e.payload.isLeader) await refuseSecondProcess(0)
        // Fence the previous owner of each new partition *before* reading its position: our
        // InitProducerId aborts (or waits out) its open transaction, so the offset read next is final
        // and a zombie can no longer commit on top of it.
        // Right after a broker restart the coordinators may not be found yet: retry within the
        // job's outage budget rather than failing the job on its first join.
        const started = Date.now()
        let pos: Map<number, number>
        for (;;) {
          try {
            await Promise.all(fresh.map(async (p) => {
              producers.delete(p)
              await producerFor(p)
            }))
            pos = await committedPositions(fresh)
            break
          } catch (err) {
            if (stopping || isFenced(err) || err instanceof StreamctlError || classifyError(err) === 'fatal' || Date.now() - started > unreachableTimeoutMs) throw err
            emit({type: 'status', message: `taking over partitions [${fresh.join(', ')}]: ${(err as Error).message}; retrying`})
            await sleep(1000, o.signal)
          }
        }
        if (stopping) return
        if (fresh.length > 0) await endOrphans(fresh)
        for (const p of fresh) {
          const position = pos.get(p)!
          const end = ends.get(p)?.high ?? 0
          parts.set(p, newPartitionState(position, end))
          if (o.mode === 'bounded' && position >= end) markDone(p)
        }
        emit({type: 'status', message: `assigned partitions [${assigned.join(', ')}] of ${topic}`})
        progress()
      })()
      ready.catch((err: unknown) => {
        if (!stopping) fatal ??= err instanceof StreamctlError || classifyError(err) !== 'fatal' ? err : refusedError(place, err as Error, `taking over partitions [${fresh.join(', ')}] of ${topic}`)
      })
    })
    const place: JobPlace = {job: o.job, crossCluster: o.crossCluster, sourceLabel: o.source.label, targetLabel: o.target.connection.label}
    const lostCluster = (err: Error, ms: number): StreamctlError => lostClusterError(place, err, ms)
    const failure = (err: unknown): unknown => jobFailure(place, err)
    // kafkajs calls some outage errors non-retriable (no group coordinator found right after a broker
    // restart) and then stops the consumer for good; within the outage budget we start it again.
    const restartConsumer = (err: Error): boolean => {
      const left = outageBudgetLeft()
      if (stopping || fatal || left <= 0 || !isOutage(err)) return false
      emit({type: 'status', message: `cannot reach Kafka (${err.message}); restarting the consumer, for up to ${Math.ceil(left / 1000)} s`})
      setTimeout(() => {
        if (stopping || fatal) return
        // A failure while starting crashes again, and comes back here. Leaving meanwhile wins: the
        // consumer is not run again once the job has decided to go.
        restarting = c.connect().then(() => (stopping ? undefined : c.run(runConfig))).catch((error: unknown) => {
          if (!restartConsumer(error as Error)) fatal ??= lostCluster(error as Error, failingFor())
        })
      }, 1000)
      return true
    }
    c.on(c.events.CRASH, (e) => {
      if (e.payload.restart || restartConsumer(e.payload.error)) return
      fatal ??= failingSince === undefined && writeFailingSince === undefined ? e.payload.error : lostCluster(e.payload.error, failingFor())
    })

    /** Gives up the open transaction: aborted, and its records read again from the committed position. */
    const abandon = async (p: number, st: PartitionState, open: OpenTransaction): Promise<void> => {
      if (st.open === open) st.open = undefined
      o.resetStage?.()
      const id = producers.get(p)?.identity()
      if (id) (st.abandoned ??= []).push({producerId: id.producerId, epoch: id.own.epoch, next: open.next})
      // A Produce still in flight must not land after the abort marker (it would open a new
      // transaction on that partition that nobody ends).
      await open.sending.catch(() => {})
      await open.tx.abort().catch(() => {})
      // A fenced or broken producer never recovers: the next batch of this partition (if we still
      // own it) starts a fresh one, whose InitProducerId takes over the transactional id.
      producers.delete(p)
      st.unsure = true
      rewind(st, st.position)
    }

    /** Commits the open transaction of a partition (the caller holds its lock). */
    const commitOpen = async (p: number, st: PartitionState): Promise<void> => {
      const open = st.open
      if (!open) return
      try {
        await open.sending
        if (checkpoints) await open.tx.sendOffsets(checkpoints.offsetsFor(p, open.next, o.definition))
        else await open.tx.sendOffsets({groupId, topics: [{topic, partitions: [{partition: p, offset: open.next, ...(o.definition ? {metadata: o.definition} : {})}]}]})
        await open.tx.commit()
      } catch (err) {
        await abandon(p, st, open)
        throw err
      }
      st.open = undefined
      if (checkpoints) await c.commitOffsets([{topic, partition: p, offset: String(open.next)}]).catch(() => {})
      st.position = Math.max(st.position, open.next)
      st.skipBelow = st.position
      // The write side works: its outage (if any) is over.
      writeFailingSince = undefined
      if (st.isolateBelow !== undefined && st.position >= st.isolateBelow) st.isolateBelow = undefined
      counters.read += open.pending.read
      counters.written += open.pending.written
      counters.deadLettered += open.pending.deadLettered
      counters.skipped += open.pending.skipped
      for (const a of open.afterCommit) o.stage.afterCommit?.(a.records, a.result, a.next)
      if (o.mode === 'bounded' && st.position >= st.end) markDone(p)
      progress()
    }

    /**
     * After a failed commit, as on a fresh assignment: fence (InitProducerId completes or aborts the
     * failed transaction), then resume from the committed position, which may be past st.position.
     * The caller holds the partition's lock.
     */
    const settleUnsure = async (p: number, st: PartitionState): Promise<void> => {
      await producerFor(p)
      const position = (await committedPositions([p])).get(p)!
      Object.assign(st, {position, skipBelow: position, unsure: false})
      rewind(st, position)
      // The position read after fencing is the coordinator's verdict on what we gave up: its offsets
      // were committed in it. If Kafka lost the markers of such a transaction, end it that way now.
      if (st.abandoned) {
        for (const a of st.abandoned) {
          let epochs = decided.get(a.producerId)
          if (!epochs) decided.set(a.producerId, (epochs = new Map()))
          epochs.set(a.epoch, position >= a.next)
        }
        st.abandoned = undefined
        await endOrphans([p])
      }
      // The failed commit may have landed at the end: no batch follows to say so.
      if (o.mode === 'bounded' && position >= st.end) markDone(p)
    }

    let lastFailureStatus = 0
    /**
     * A failure that retrying may cure (a lost connection, a coordinator or leader moving, a broker
     * restarting): what failed was rewound and is read again, until the outage budget runs out.
     */
    const transient = (err: unknown, side: 'read' | 'write' = 'read'): void => {
      if (fatal || stopping) return
      if (classifyError(err) === 'fatal') {
        fatal ??= refusedError(place, err as Error, side === 'read' ? `reading ${topic}` : 'writing its output')
        return
      }
      const left = outageBudgetLeft(side)
      // A service the records need besides Kafka (the schema registry) names itself in its error.
      const other = err instanceof StreamctlError
      if (left <= 0) {
        fatal ??= other ? outageOf(place, err, failingFor()) : lostCluster(err as Error, failingFor())
      } else if (Date.now() - lastFailureStatus > 2000) {
        lastFailureStatus = Date.now()
        emit({type: 'status', message: `${other ? (err as Error).message : `cannot reach Kafka (${(err as Error).message})`}; retrying for up to ${Math.ceil(left / 1000)} s`})
      }
    }

    /**
     * Errors of a chunk or commit: bad records and refusals that retrying cannot change stop the job
     * at once, naming where; fencing means the partition moved on; the rest is an outage, retried
     * within the budget.
     */
    const settle = (err: unknown, p?: number, offset?: number): void => {
      // An outage of a service the stage calls (the registry unreachable, answering 5xx): retried
      // like a Kafka outage, from the last committed position, within the outage budget.
      if (isServiceOutage(err)) {
        transient(err, 'write')
        return
      }
      // A record the stage cannot handle (no dead-letter topic) stops the job: retrying cannot help.
      if (err instanceof RecordError || err instanceof StreamctlError) {
        fatal ??= err
        return
      }
      const kind = classifyError(err)
      // Fenced: another member owns this partition now and has taken over its transactional id.
      if (kind === 'fenced') return
      if (kind === 'fatal') {
        fatal ??= refusedError(place, err as Error, p === undefined ? `writing its output` : `${topic}-${p}${offset === undefined ? '' : ` offset ${offset}`}`)
        return
      }
      transient(err, 'write')
    }

    /** Commits transactions that have been open long enough (also when no new batch arrives). */
    const flushDue = async (all: boolean): Promise<void> => {
      const due = (st: PartitionState): boolean => st.open !== undefined && (all || commitDue(st.open, Date.now()))
      await Promise.all([...parts].filter(([, st]) => due(st)).map(([p, st]) => withPartition(st, async () => {
        if (due(st)) await commitOpen(p, st)
      }).catch((err: unknown) => {
        // A periodic flush that fails has rewound the partition, which is read again; bad records
        // and the final flush's failures stop the job.
        if (err instanceof RecordError || err instanceof StreamctlError || (all && !isFenced(err))) fatal ??= err
        else if (classifyError(err) === 'fatal') settle(err)
      })))
    }

    /** One fetched chunk of partition p: mapped by the stage and queued in the partition's transaction. */
    const processChunk = async (p: number, st: PartitionState, chunk: FetchedChunk, generation: number): Promise<void> => {
      if (parts.get(p) !== st || st.generation !== generation || st.unsure || !assigned.includes(p) || fatal || draining || o.signal?.aborted) return
      st.highWatermark = chunk.highWatermark
      // The fetched records are the stage's input as they are; only the ends may need cutting.
      let records: readonly InputRecord[] = chunk.records
      // Batches a plain copy writes whole: only those wholly inside what this chunk may write, and
      // none while a refused record is being looked for one by one; the rest are decoded here.
      let raw: readonly RawBatch[] = chunk.raw ?? []
      if (raw.length > 0) {
        const first = Math.min(records[0]?.offset ?? Number.POSITIVE_INFINITY, raw[0]!.baseOffset)
        const isolating = st.isolateBelow !== undefined && first < st.isolateBelow
        const whole = (b: RawBatch): boolean => copy !== undefined && !isolating && b.baseOffset >= st.skipBelow && (o.mode !== 'bounded' || b.baseOffset + b.count <= st.end)
        if (!raw.every(whole)) ({records, raw} = decodeSome(records, raw, whole, topic, p))
      }
      let from = 0
      while (from < records.length && records[from]!.offset < st.skipBelow) from++
      let to = records.length
      if (o.mode === 'bounded') while (to > from && records[to - 1]!.offset >= st.end) to--
      const cutAtEnd = to < records.length
      if (from > 0 || cutAtEnd) records = records.slice(from, to)
      // nextOffset counts trailing transaction markers: committing past them lets a bounded run
      // reach end offsets that sit after a marker.
      const fetchedNext = chunk.nextOffset
      const count = records.length + raw.reduce((n, b) => n + b.count, 0)
      const firstOffset = Math.min(records[0]?.offset ?? Number.POSITIVE_INFINITY, raw[0]?.baseOffset ?? Number.POSITIVE_INFINITY)
      if (count === 0) {
        if (!cutAtEnd && fetchedNext > (st.open?.next ?? st.position)) {
          if (st.open) st.open.next = fetchedNext
          else st.position = fetchedNext
        }
        if (o.mode === 'bounded' && st.position >= st.end) markDone(p)
        return
      }
      // Records cut at the end lie after every batch kept whole (those end at or before st.end).
      const next = cutAtEnd ? Math.max(records[records.length - 1]?.offset ?? 0, ...raw.map((b) => b.baseOffset + b.count - 1)) + 1 : fetchedNext
      let open: OpenTransaction | undefined
      try {
        const producer = await producerFor(p)
        let result
        if (st.isolateBelow !== undefined && firstOffset < st.isolateBelow) {
          open = st.open ??= openTransaction(producer.transaction(), st.position)
          result = await isolated(p, open, records, chunk.codec)
        } else if (raw.length > 0) {
          const mixed = await copyThrough(p, records, raw)
          result = mixed
          open = st.open ??= openTransaction(producer.transaction(), st.position)
          queueSend(open, mixed.items, chunk.codec)
        } else {
          result = await o.stage.process(records)
          open = st.open ??= openTransaction(producer.transaction(), st.position)
          queueSend(open, result.out, chunk.codec)
        }
        if (open.failed || open.queued > MAX_QUEUED_SENDS) await open.sending
        open.next = next
        open.records += count
        open.pending.read += count
        open.pending.written += result.written
        open.pending.deadLettered += result.deadLettered
        open.pending.skipped += result.skipped
        if (o.stage.afterCommit) open.afterCommit.push({records, result, next})
        st.skipBelow = next
        // A stage with a state cache sees its own writes only after commit: commit every chunk.
        const due = o.stage.afterCommit !== undefined || commitDue(open, Date.now())
        if (due || (o.mode === 'bounded' && next >= st.end)) await commitOpen(p, st)
      } catch (err) {
        // Whatever failed (the stage or a send), the partition's open transaction goes and the
        // partition is read again from its committed position: no record after it may be committed
        // past the ones that failed.
        if (st.open) await abandon(p, st, st.open)
        else {
          o.resetStage?.()
          rewind(st, st.position)
        }
        st.skipBelow = st.position
        // A service the stage calls is down (the registry): give it a moment before the re-read asks again.
        if (isServiceOutage(err)) await new Promise((r) => setTimeout(r, STAGE_RETRY_MS))
        if (err instanceof UnwritableRecordError) {
          // Which input record made the refused output is known only record by record: read the
          // chunk again that way (the transaction is gone; the partition re-reads from its position).
          st.isolateBelow = Math.max(st.isolateBelow ?? 0, next)
          emit({type: 'status', message: `${topic}-${p}: ${err.message}; finding the record among offsets ${firstOffset}–${next - 1}`})
          return
        }
        settle(err, p, firstOffset)
      }
    }

    /**
     * A plain copy's chunk with batches kept whole: the decoded records between them go through the
     * stage, the batches as they are, all in offset order. Each batch's records count as written,
     * as the stage would have counted them (one output per record).
     */
    const copyThrough = async (p: number, records: readonly InputRecord[], raw: readonly RawBatch[]): Promise<StageResult & {items: SendItem[]}> => {
      const items: SendItem[] = []
      let written = 0
      let deadLettered = 0
      let skipped = 0
      let i = 0
      const stageUpTo = async (offset: number): Promise<void> => {
        let j = i
        while (j < records.length && records[j]!.offset < offset) j++
        if (j === i) return
        const res = await o.stage.process(records.slice(i, j))
        for (const r of res.out) items.push(r)
        written += res.written
        deadLettered += res.deadLettered
        skipped += res.skipped
        i = j
      }
      for (const b of raw) {
        await stageUpTo(b.baseOffset)
        items.push({topic: copy!.topic, partition: p, raw: b})
        written += b.count
      }
      await stageUpTo(Number.POSITIVE_INFINITY)
      return {out: [], items, written, deadLettered, skipped}
    }

    /**
     * A chunk with a record the target refuses, one input record at a time inside the open
     * transaction: a refused record's output is not written (Kafka refuses a batch whole), so it can
     * be dead-lettered in its place; without a dead-letter topic the job stops, naming it.
     */
    const isolated = async (p: number, open: OpenTransaction, records: readonly InputRecord[], codec: number | undefined): Promise<{written: number; deadLettered: number; skipped: number; out: OutputRecord[]}> => {
      await open.sending
      const sum = {written: 0, deadLettered: 0, skipped: 0, out: [] as OutputRecord[]}
      for (const r of records) {
        const res = await o.stage.process([r])
        try {
          await open.tx.send(res.out, codec)
        } catch (err) {
          if (!(err instanceof UnwritableRecordError)) throw err
          const where = `${describeRecord(r)} (${err.message})`
          if (!o.deadLetter) throw new RecordError(`${where}: the target refuses this record on every retry, and no --dead-letter topic is set, so the job stops here`)
          if (err.topic === o.deadLetter) throw new RecordError(`${where}: not even the dead-letter topic ${o.deadLetter} takes it; raise its max.message.bytes or filter the record out`)
          if (res.out.length > 1) throw new RecordError(`${where}: the record's other outputs may be written already, so it cannot be dead-lettered alone`)
          await open.tx.send([deadLetterRecord(o.deadLetter, o.job, r, err)])
          sum.deadLettered++
          continue
        }
        sum.written += res.written
        sum.deadLettered += res.deadLettered
        sum.skipped += res.skipped
      }
      return sum
    }

    /** Retention removed [from, to) of partition p before the job read it: reported, and the position moved past it (committed at once), or the job stops. */
    const onGap = (p: number, st: PartitionState, from: number, to: number): void => {
      if (o.noGaps) {
        fatal ??= new StreamctlError('JOB_FAILED', `job ${o.job}: ${topic}-${p} offsets ${from}–${to - 1} were deleted (retention or DeleteRecords) before the job read them, and --no-gaps is set`, {
          hint: 'rerun without --no-gaps to continue from the log start (the report counts what was lost), or restore the records first',
        })
        return
      }
      lostToRetention += to - from
      emit({type: 'status', message: `${topic}-${p}: offsets ${from}–${to - 1} were deleted (retention) before the job read them; continuing at ${to}`})
      rewind(st, to)
      // Committed at once, so a rerun neither reports the gap again nor waits for a record that may not come.
      void withPartition(st, async () => {
        if (parts.get(p) !== st || st.position >= to) return
        if (st.open) {
          st.open.next = Math.max(st.open.next, to)
        } else {
          const producer = await producerFor(p)
          st.open = openTransaction(producer.transaction(), st.position)
          st.open.next = to
        }
        await commitOpen(p, st)
      }).catch((err: unknown) => settle(err, p, to))
    }

    // One chunk at a time across partitions, for stages whose state spans them (RunnerOptions.serial).
    let serialTail: Promise<void> = Promise.resolve()
    const serially = (fn: () => Promise<void>): Promise<void> => {
      const run = serialTail.then(fn)
      serialTail = run.catch(() => {})
      return run
    }
    const fetchLoop = new FetchLoop(fetcher, {
      bounded: o.mode === 'bounded',
      reading: () => !stopping && !draining && !fatal && !o.signal?.aborted,
      partitions: () => (joined && !rebalancing ? assigned : []),
      ready: () => ready,
      state: (p) => parts.get(p),
      deliver: (p, st, chunk, generation) => {
        const run = (): Promise<void> => processChunk(p, st, chunk, generation)
        return withPartition(st, o.serial ? () => serially(run) : run)
      },
      fetched: () => {
        if (!assigned.some((p) => parts.get(p)?.unsure)) failingSince = undefined
      },
      gap: onGap,
      transient,
      fatal: (err) => { fatal ??= err },
      status: (message) => emit({type: 'status', message}),
    })

    if (o.singleProcess) await refuseSecondProcess(SESSION_TIMEOUT_MS + 3000)
    await c.connect()
    await c.subscribe({topic, fromBeginning: true})
    // Never called: the topic is paused on every join (see GROUP_JOIN).
    runConfig = {autoCommit: false, eachBatchAutoResolve: false, eachBatch: async () => {}}
    await c.run(runConfig)
    const fetching = fetchLoop.run().catch((err: unknown) => { fatal ??= err })

    // Bounded: this process stops when every partition it holds is done. A member left without
    // partitions (more processes than partitions) stops once the group as a whole is done.
    let lastGlobalCheck = 0
    let lastDebug = 0
    for (;;) {
      if (fatal) throw failure(fatal)
      if (o.signal?.aborted) break
      if (o.mode === 'bounded' && joined) {
        await ready
        if (assigned.length > 0 && assigned.every((p) => parts.get(p)?.done)) break
        if (assigned.length === 0 && Date.now() - lastGlobalCheck > 2000) {
          lastGlobalCheck = Date.now()
          const pos = await committedPositions(offsets.map((x) => x.partition))
          if (offsets.every((x) => (pos.get(x.partition) ?? 0) >= x.high)) break
        }
      }
      await sleep(100, o.signal)
      await flushDue(false)
      // STREAMCTL_JOB_DEBUG=1: every 5 s a status line with each partition's state (for fault tests that hang).
      if (process.env.STREAMCTL_JOB_DEBUG && Date.now() - lastDebug > 5000) {
        lastDebug = Date.now()
        emit({type: 'status', message: `debug: assigned=${JSON.stringify(assigned)} ${JSON.stringify([...parts].map(([p, st]) => ({p, pos: st.position, end: st.end, done: st.done, open: st.open ? {next: st.open.next, q: st.open.queued, f: st.open.failed} : null, unsure: st.unsure, settling: st.settling})))}`})
      }
      // A partition left unsure waits for no batch: its records may all be committed already.
      // Not awaited: while Kafka is away this retries, and the loop must still see `fatal`.
      for (const p of assigned) {
        const st = parts.get(p)
        if (!st?.unsure || st.open || st.settling) continue
        st.settling = true
        void withPartition(st, async () => {
          if (st.unsure && !st.open && !stopping && !draining) await settleUnsure(p, st)
        }).catch((err: unknown) => transient(err, 'write')).finally(() => {
          st.settling = false
          fetchLoop.notify()
        })
      }
    }
    // Commit what is open before leaving the group: new chunks are refused from here on.
    draining = true
    fetchLoop.notify()
    await fetching
    await flushDue(true)
    if (!fatal) await endOrphans([...producers.keys()])
    stopping = true
    await restartSettled()
    await c.disconnect()
    consumer = undefined
    if (fatal) throw failure(fatal)
    progress()
    const durationMs = Date.now() - started
    return {
      job: o.job, ...counters, durationMs, recordsPerSecond: durationMs > 0 ? (counters.read * 1000) / durationMs : 0,
      outcome: o.signal?.aborted ? 'stopped' : 'completed', lostToRetention,
    }
  } finally {
    stopping = true
    await restartSettled()
    await consumer?.disconnect().catch(() => {})
    groupSockets.sockets.shutDown()
    // Fencing started by an earlier join may still be opening producers: let it settle so that
    // every producer it opened is in the map disconnected next.
    await ready.catch(() => {})
    await Promise.all([pool.close(), fetcher.close()])
    await sourceAdmin.disconnect().catch(() => {})
    if (o.crossCluster) await targetAdmin.disconnect().catch(() => {})
  }
}

/**
 * The chunk's records with the batches `whole` rejects decoded among them (in offset order), and
 * the batches it keeps.
 */
export function decodeSome(records: readonly InputRecord[], raw: readonly RawBatch[], whole: (b: RawBatch) => boolean, topic: string, partition: number): {records: InputRecord[]; raw: RawBatch[]} {
  const out: InputRecord[] = []
  const kept: RawBatch[] = []
  let i = 0
  for (const b of raw) {
    while (i < records.length && records[i]!.offset < b.baseOffset) out.push(records[i++]!)
    if (whole(b)) kept.push(b)
    else for (const r of decodeRawBatch(b, topic, partition)) out.push(r)
  }
  while (i < records.length) out.push(records[i++]!)
  return {records: out, raw: kept}
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(done, ms)
    function done(): void {
      clearTimeout(t)
      signal?.removeEventListener('abort', done)
      resolve()
    }
    signal?.addEventListener('abort', done, {once: true})
  })
}

export type {Admin}
