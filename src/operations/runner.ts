import type {Admin, Kafka} from 'kafkajs'
import {StreamctlError} from '../errors.js'
import type {CodecName} from '../cluster/protocol/compression.js'
import {JobCheckpoints} from './checkpoints.js'
import type {JobConnection} from './connection.js'
import {DEFINITION_PREFIX} from './job-definition.js'
import {RecordError, classifyError, isFenced, isServiceOutage, jobFailure, lostClusterError, outageOf, refusedError, type JobPlace} from './job-errors.js'
import {FetchLoop} from './fetch-loop.js'
import {GroupMembership, type GroupAssignment} from './group-membership.js'
import {JobPhase} from './job-phase.js'
import {PartitionWorker, type WorkerHost} from './partition-worker.js'
import {RateMeter, etaSeconds, type JobEvent} from './progress.js'
import {DEFAULT_FETCH_LIMITS, SourceFetcher} from './source-fetcher.js'
import type {JobReport, Stage} from './record.js'
import {topicOffsets} from './topics.js'
import {priorDecisions} from './orphan-transactions.js'
import {ProducerPool, type TransactionalProducer} from './transactional-producer.js'
import {claimProcessTransactionalId, type ProcessTransactionalId} from './process-transactional-id.js'
import {SharedTransaction} from './shared-transaction.js'
import {COMMIT_INTERVAL_MS} from './partition-state.js'

/**
 * The streaming runtime: a consumer group (group-membership.ts) shares out the source's partitions, our own fetcher
 * (source-fetcher.ts) reads them, a stage maps each fetched chunk, and
 * Kafka transactions write the output *and* the input position (read-process-write, `sendOffsets`),
 * so a crash or a rerun never loses or duplicates a record in read_committed view. A transaction
 * spans the batches of every partition the process holds for up to COMMIT_INTERVAL_MS / COMMIT_RECORDS.
 *
 * Same cluster: Kafka Streams' exactly_once_v2 (KIP-447). One transactional producer per *process*
 * (process-transactional-id.ts names it), one transaction at a time spanning every assigned
 * partition's output and input positions (shared-transaction.ts); zombies are fenced by the group
 * generation and member id in the TxnOffsetCommit (a member that missed a rebalance cannot commit,
 * ILLEGAL_GENERATION / UNKNOWN_MEMBER_ID, and aborts), and a new owner reads the committed
 * positions with requireStable, which waits for a zombie's transaction that commits offsets to end.
 *
 * Cross-cluster (source and target differ): no transaction spans two clusters, so the position is
 * written in the *target's* transaction (see checkpoints.ts) and read back on every assignment; the
 * source group's offsets are only advisory (committed after the target commit, for lag tooling).
 * The target's checkpoint group has no generation to fence with, so there each *input partition*
 * keeps its own producer with a stable transactional id `streamctl-<job>-<topic>-<partition>`:
 * whoever gets the partition next initialises the same id, which aborts the predecessor's open
 * transaction and fences it.
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

const GROUP_AUTHORIZATION_FAILED = 30

/**
 * A job whose principal may not use its consumer group stops before it joins, saying so, with the
 * ACL to grant (the group membership stops on the refusal too, but without the hint).
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

/** A cross-cluster job's transactional id for one input partition (see above). */
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
  /** Same cluster: the process's one producer (while open) and its transactional id. */
  const sharedMode = !o.crossCluster
  let processId: ProcessTransactionalId | undefined
  let sharedOpening: Promise<TransactionalProducer> | undefined
  let sharedProducer: TransactionalProducer | undefined
  /** Per producer id, the epochs whose given-up transaction the committed input position shows committed (true) or not. */
  const decided = new Map<bigint, Map<number, boolean>>()
  /** Producer id and epoch pairs whose fate the transaction coordinator stated (priorDecisions): the committed position cannot overrule it. */
  const statedByCoordinator = new Set<string>()
  const decide = (producerId: bigint, epoch: number, committed: boolean, byCoordinator = false): void => {
    const key = `${producerId}:${epoch}`
    if (!byCoordinator && statedByCoordinator.has(key)) return
    if (byCoordinator) statedByCoordinator.add(key)
    let epochs = decided.get(producerId)
    if (!epochs) decided.set(producerId, (epochs = new Map()))
    epochs.set(epoch, committed)
  }
  let membership: GroupMembership | undefined
  const counters = {read: 0, written: 0, deadLettered: 0, skipped: 0}
  let lostToRetention = 0
  const meter = new RateMeter()
  const workers = new Map<number, PartitionWorker>()
  let assigned: number[] = []
  let joined = false
  /** Between the group's rebalance (onRevoked) and the next join: no new fetches. */
  let rebalancing = false
  /**
   * Draining: the run ends, chunks still delivered are left for the next run (not consumed, not
   * committed). Stopping: this process leaves the group, later joins must not fence or open producers.
   */
  const phase = new JobPhase()
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
    let lastGeneration = -2

    /**
     * Committed positions for a take-over, with requireStable: a partition whose offsets another
     * member's transaction (a zombie's) is committing is asked again until that transaction ends,
     * so what is read is final (KIP-447).
     */
    const stablePositions = async (partitions: number[]): Promise<Map<number, number>> => {
      const got = await membership!.fetchCommitted(partitions, {requireStable: true, timeoutMs: (o.transactionTimeoutMs ?? 60_000) + 15_000})
      return new Map(partitions.map((p) => {
        const c = got.get(p)?.offset ?? -1
        return [p, c >= 0 ? c : (ends.get(p)?.low ?? 0)]
      }))
    }

    const progress = (): void => {
      meter.sample(Date.now(), counters.read)
      let lag = 0
      for (const p of assigned) lag += workers.get(p)?.lag() ?? 0
      const rate = meter.perSecond()
      emit({
        type: 'progress', ...counters, recordsPerSecond: rate, lag,
        etaSeconds: o.mode === 'bounded' ? etaSeconds(lag, rate) : undefined,
        partitionsAssigned: assigned.length, partitionsDone: assigned.filter((p) => workers.get(p)?.done).length,
      })
    }

    /** The process's producer; a new one (InitProducerId: fencing our predecessor, or our broken self) after a drop. */
    const processProducer = (): Promise<TransactionalProducer> => {
      sharedOpening ??= (async () => {
        processId ??= claimProcessTransactionalId(o.job)
        const pr = await pool.producer(processId.transactionalId, o.transactionTimeoutMs ?? 60_000)
        sharedProducer = pr
        const prior = pr.prior()
        if (prior) for (const [epoch, committed] of priorDecisions(prior)) decide(prior.producerId, epoch, committed, true)
        return pr
      })()
      const opening = sharedOpening
      opening.catch(() => { if (sharedOpening === opening) sharedOpening = undefined })
      return opening
    }

    const producerFor = async (p: number): Promise<TransactionalProducer> => {
      if (sharedMode) return processProducer()
      let pr = producers.get(p)
      if (!pr) {
        pr = await pool.producer(transactionalId(o.job, topic, p), o.transactionTimeoutMs ?? 60_000)
        producers.set(p, pr)
        // The earlier holder's last transaction, as the coordinator decided it: an orphan of it
        // (markers lost) then ends the same way, in this process or a rerun.
        const prior = pr.prior()
        if (prior) for (const [epoch, committed] of priorDecisions(prior)) decide(prior.producerId, epoch, committed, true)
      }
      return pr
    }

    /**
     * Ends what Kafka left open on the output and on the job group's offsets partition for the
     * producers of `partitions` (see orphan-transactions.ts): after fencing on a take-over, and
     * before leaving for the producers with no transaction open.
     */
    const endOrphans = async (partitions: readonly number[]): Promise<void> => {
      const topics = o.outputTopics ?? []
      const ours = new Map((sharedMode ? [-1] : partitions).flatMap((p) => {
        const id = sharedMode
          ? (sharedTxn.open() ? undefined : sharedProducer?.identity())
          : (workers.get(p)?.state.open ? undefined : producers.get(p)?.identity())
        return id ? [[id.producerId, {...id.own, decided: decided.get(id.producerId)}] as const] : []
      }))
      if (topics.length === 0 || ours.size === 0) return
      try {
        const orphans = await pool.endOrphans({topics, group: commitGroup}, ours)
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

    const place: JobPlace = {job: o.job, crossCluster: o.crossCluster, sourceLabel: o.source.label, targetLabel: o.target.connection.label}
    const lostCluster = (err: Error, ms: number): StreamctlError => lostClusterError(place, err, ms)
    const failure = (err: unknown): unknown => jobFailure(place, err)

    let lastFailureStatus = 0

    /** A join: take over the partitions new to this process (fence, read positions, end orphans) and make a worker for each. */
    const onAssigned = (a: GroupAssignment): void => {
      // A join can complete after we decided to stop: we will not read those partitions, their next
      // owner fences them, and producers opened here would outlive the cleanup below.
      if (phase.leaving) return
      // A member that lost its membership (a new member id) or missed a generation may have had its
      // partitions taken and given back meanwhile: all of them are taken over again.
      const continued = a.memberId === memberId && a.generationId === lastGeneration + 1
      memberId = a.memberId
      lastGeneration = a.generationId
      joined = true
      rebalancing = false
      const previous = new Set(continued ? assigned : [])
      assigned = [...a.partitions]
      const fresh = assigned.filter((p) => !previous.has(p))
      ready = (async () => {
        // A second process of a single-process job: the first to join (the group's leader) goes on.
        if (o.singleProcess && !a.isLeader) await refuseSecondProcess(0)
        // Fence the previous owner of each new partition *before* reading its position: our
        // InitProducerId aborts (or waits out) its open transaction, so the offset read next is final
        // and a zombie can no longer commit on top of it.
        // Right after a broker restart the coordinators may not be found yet: retry within the
        // job's outage budget rather than failing the job on its first join.
        const started = Date.now()
        let pos: Map<number, number>
        for (;;) {
          try {
            if (sharedMode) {
              // Nothing of the last generation may stay open (onRevoked committed what it could).
              if (sharedTxn.active) await sharedTxn.abort()
              // Our predecessor (a killed run with our transactional id) is fenced here.
              await processProducer()
            } else {
              await Promise.all(fresh.map(async (p) => {
                producers.delete(p)
                await producerFor(p)
              }))
            }
            // Before the positions are read: an orphan's offsets, once its marker is written, are part of them.
            if (fresh.length > 0 && !phase.leaving) await endOrphans(fresh)
            pos = sharedMode ? await stablePositions(fresh) : await committedPositions(fresh)
            break
          } catch (err) {
            if (phase.leaving || isFenced(err) || err instanceof StreamctlError || classifyError(err) === 'fatal' || Date.now() - started > unreachableTimeoutMs) throw err
            emit({type: 'status', message: `taking over partitions [${fresh.join(', ')}]: ${(err as Error).message}; retrying`})
            await sleep(1000, o.signal)
          }
        }
        if (phase.leaving) return
        for (const p of fresh) workers.set(p, new PartitionWorker(p, pos.get(p)!, ends.get(p)?.high ?? 0, workerHost))
        emit({type: 'status', message: `assigned partitions [${assigned.join(', ')}] of ${topic}`})
        progress()
      })()
      ready.catch((err: unknown) => {
        if (phase.current !== 'stopping') phase.fail(err instanceof StreamctlError || classifyError(err) !== 'fatal' ? err : refusedError(place, err as Error, `taking over partitions [${fresh.join(', ')}] of ${topic}`))
      })
    }

    /**
     * The group rebalances (eager): no new fetches, and what is open is committed now, in this
     * generation (the coordinator takes it until the join completes), so whoever gets a partition
     * next starts where this process stopped instead of re-reading.
     */
    const onRevoked = async (): Promise<void> => {
      rebalancing = true
      if (phase.running) await flushOpen(true, false)
    }

    /**
     * The coordinator cannot be reached: retry within the outage budget (the group's own clock or
     * the job's), then stop. A final refusal (not authorised on the group, another protocol) stops at once.
     */
    const onGroupFailure = (err: Error, info: {failingForMs: number; retriable: boolean}): 'retry' | 'stop' => {
      if (phase.leaving) return 'stop'
      if (!info.retriable) {
        phase.fail(classifyError(err) === 'fatal' ? refusedError(place, err, `running its consumer group ${groupId}`) : lostCluster(err, Math.max(info.failingForMs, failingFor())))
        return 'stop'
      }
      const left = outageBudgetLeft()
      if (left <= 0 || info.failingForMs >= unreachableTimeoutMs) {
        phase.fail(lostCluster(err, Math.max(info.failingForMs, failingFor())))
        return 'stop'
      }
      if (Date.now() - lastFailureStatus > 2000) {
        lastFailureStatus = Date.now()
        emit({type: 'status', message: `cannot reach the coordinator of group ${groupId} (${err.message}); retrying for up to ${Math.ceil(left / 1000)} s`})
      }
      return 'retry'
    }

    /**
     * A failure that retrying may cure (a lost connection, a coordinator or leader moving, a broker
     * restarting): what failed was rewound and is read again, until the outage budget runs out.
     */
    const transient = (err: unknown, side: 'read' | 'write' = 'read'): void => {
      if (phase.leaving) return
      if (classifyError(err) === 'fatal') {
        phase.fail(refusedError(place, err as Error, side === 'read' ? `reading ${topic}` : 'writing its output'))
        return
      }
      const left = outageBudgetLeft(side)
      // A service the records need besides Kafka (the schema registry) names itself in its error.
      const other = err instanceof StreamctlError
      if (left <= 0) {
        phase.fail(other ? outageOf(place, err, failingFor()) : lostCluster(err as Error, failingFor()))
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
        phase.fail(err)
        return
      }
      const kind = classifyError(err)
      // Fenced: another member owns this partition now and has taken over its transactional id.
      if (kind === 'fenced') return
      if (kind === 'fatal') {
        phase.fail(refusedError(place, err as Error, p === undefined ? `writing its output` : `${topic}-${p}${offset === undefined ? '' : ` offset ${offset}`}`))
        return
      }
      transient(err, 'write')
    }

    /**
     * A commit that failed has rewound what it held (read again once settled); bad records stop
     * the job, and so does any failure of the final commit (`final`), except fencing: then the
     * group moved on without this member, and the new owner goes on from the committed position.
     */
    const commitFailed = (final: boolean) => (err: unknown): void => {
      const kind = classifyError(err)
      const name = (err as {type?: unknown}).type
      if (kind === 'fenced' && sharedMode) emit({type: 'status', message: `a commit was refused (${typeof name === 'string' ? `${name}: ` : ''}${(err as Error).message}): this process is no longer the owner of what it wrote, so its transaction is aborted and the group's current owner goes on from the committed position`})
      if (err instanceof RecordError || err instanceof StreamctlError || (final && kind !== 'fenced')) phase.fail(err)
      else if (kind === 'fatal') settle(err)
    }

    /** Same cluster: the process's one transaction (see shared-transaction.ts). */
    const sharedTxn = new SharedTransaction({
      begin: async () => (await processProducer()).transaction(),
      offsets: (positions) => {
        const generation = membership?.generation()
        // Outside a generation nothing may be committed: a commit without one would not be fenced.
        if (!generation) throw Object.assign(new Error(`not a member of group ${groupId} now (it rebalances)`), {type: 'REBALANCE_IN_PROGRESS', code: 27})
        return {groupId, generation, topics: [{topic, partitions: [...positions].map(([partition, offset]) => ({partition, offset, ...(o.definition ? {metadata: o.definition} : {})}))}]}
      },
      drop: () => {
        sharedProducer = undefined
        sharedOpening = undefined
      },
    }, (err) => commitFailed(false)(err))
    let commitRequested = false
    /** A worker's transaction part is due: one commit soon for all (requests while one is pending are the same commit). */
    const requestCommit = (): void => {
      if (commitRequested) return
      commitRequested = true
      void sharedTxn.commit().catch(commitFailed(false)).finally(() => { commitRequested = false })
    }

    // One chunk at a time across partitions, for stages whose state spans them (RunnerOptions.serial).
    let serialTail: Promise<void> = Promise.resolve()
    const serially = (fn: () => Promise<void>): Promise<void> => {
      const run = serialTail.then(fn)
      serialTail = run.catch(() => {})
      return run
    }
    const workerHost: WorkerHost = {
      topic, job: o.job, mode: o.mode, stage: o.stage, copyTopic: copy?.topic, deadLetter: o.deadLetter, noGaps: o.noGaps,
      owns: (w) => workers.get(w.partition) === w,
      accepts: (w) => workers.get(w.partition) === w && assigned.includes(w.partition) && phase.running && !o.signal?.aborted,
      producer: producerFor,
      heldProducer: (p) => (sharedMode ? sharedProducer : producers.get(p)),
      dropProducer: (p) => { producers.delete(p) },
      offsetsFor: (p, next) => checkpoints
        ? checkpoints.offsetsFor(p, next, o.definition)
        : {groupId, generation: membership?.generation(), topics: [{topic, partitions: [{partition: p, offset: next, ...(o.definition ? {metadata: o.definition} : {})}]}]},
      afterCommit: async (p, next) => {
        // Advisory, for lag tooling: refused while the group rebalances, and then written by the next commit.
        if (checkpoints) await membership?.commitOffsets([{partition: p, offset: next}]).catch(() => {})
      },
      committedPosition: async (p) => (await committedPositions([p])).get(p)!,
      decided: (producerId, epoch, committed) => decide(producerId, epoch, committed),
      statedFate: (producerId, epoch) => statedByCoordinator.has(`${producerId}:${epoch}`),
      endOrphans: (p) => endOrphans([p]),
      resetStage: () => o.resetStage?.(),
      committed: (n) => {
        // The write side works: its outage (if any) is over.
        writeFailingSince = undefined
        counters.read += n.read
        counters.written += n.written
        counters.deadLettered += n.deadLettered
        counters.skipped += n.skipped
        progress()
      },
      lostToRetention: (n) => { lostToRetention += n },
      status: (message) => emit({type: 'status', message}),
      fail: (err) => phase.fail(err),
      failed: (err, p, offset) => settle(err, p, offset),
      serially,
      ...(sharedMode ? {shared: {join: (w) => sharedTxn.join(w), fail: (err) => sharedTxn.fail(err), request: requestCommit, commit: (w) => sharedTxn.commit(w)}} : {}),
    }

    /**
     * Commits open transactions: those open long enough (periodically, also when no new batch
     * arrives) or all of them (before leaving, on a rebalance). A failure has rewound its partition,
     * which is read again; bad records stop the job, and so does any failure of the final commit (`final`).
     */
    const flushOpen = async (all: boolean, final: boolean): Promise<void> => {
      if (sharedMode) {
        const open = sharedTxn.open()
        if (open && sharedTxn.active && (all || Date.now() - open.startedAt >= COMMIT_INTERVAL_MS)) await sharedTxn.commit().catch(commitFailed(final))
        return
      }
      await Promise.all([...workers.values()].map((w) => w.flush(all).catch(commitFailed(final))))
    }

    const fetchLoop = new FetchLoop(fetcher, {
      bounded: o.mode === 'bounded',
      reading: () => phase.running && !o.signal?.aborted,
      partitions: () => (joined && !rebalancing ? assigned : []),
      ready: () => ready,
      state: (p) => workers.get(p)?.state,
      deliver: (p, st, chunk, generation) => {
        const w = workers.get(p)
        return w?.state === st ? w.deliver(chunk, generation, o.serial === true) : Promise.resolve()
      },
      fetched: () => {
        if (!assigned.some((p) => workers.get(p)?.state.unsure)) failingSince = undefined
      },
      gap: (p, st, from, to) => {
        const w = workers.get(p)
        if (w?.state === st) w.gap(from, to)
      },
      transient,
      fatal: (err) => phase.fail(err),
      status: (message) => emit({type: 'status', message}),
    })

    if (o.singleProcess) await refuseSecondProcess(SESSION_TIMEOUT_MS + 3000)
    membership = new GroupMembership({
      connection: o.source.connection, clientId: `streamctl-job-${o.job}`, groupId, topic, sessionTimeoutMs: SESSION_TIMEOUT_MS,
      onAssigned: async (a) => onAssigned(a), onRevoked, onFailure: onGroupFailure,
      onStatus: (message) => { if (process.env.STREAMCTL_JOB_DEBUG) emit({type: 'status', message: `debug: ${message}`}) },
    })
    // Not awaited: a join can wait for the other members for up to the rebalance timeout, and the
    // loop below must still see a signal or a failure meanwhile.
    void membership.start().catch((err: unknown) => { if (!phase.failure() && !phase.leaving) phase.fail(err) })
    const fetching = fetchLoop.run().catch((err: unknown) => phase.fail(err))

    // Bounded: this process stops when every partition it holds is done. A member left without
    // partitions (more processes than partitions) stops once the group as a whole is done.
    let lastGlobalCheck = 0
    let periodicFlush: Promise<void> = Promise.resolve()
    let flushing = false
    let lastDebug = 0
    for (;;) {
      if (phase.failure()) {
        if (process.env.STREAMCTL_JOB_DEBUG) emit({type: 'status', message: `debug: failed: ${String(phase.failure()!.error)}`})
        throw failure(phase.failure()!.error)
      }
      if (o.signal?.aborted) break
      if (o.mode === 'bounded' && joined) {
        await ready
        if (assigned.length > 0 && assigned.every((p) => workers.get(p)?.done)) break
        if (assigned.length === 0 && Date.now() - lastGlobalCheck > 2000) {
          lastGlobalCheck = Date.now()
          const pos = await committedPositions(offsets.map((x) => x.partition))
          if (offsets.every((x) => (pos.get(x.partition) ?? 0) >= x.high)) break
        }
      }
      await sleep(100, o.signal)
      // Not awaited: a commit may retry for long while Kafka is away, and the loop must still see a failure.
      if (!flushing) {
        flushing = true
        periodicFlush = flushOpen(false, false).finally(() => { flushing = false })
      }
      // STREAMCTL_JOB_DEBUG=1: every 5 s a status line with each partition's state (for fault tests that hang).
      if (process.env.STREAMCTL_JOB_DEBUG && Date.now() - lastDebug > 5000) {
        lastDebug = Date.now()
        emit({type: 'status', message: `debug: assigned=${JSON.stringify(assigned)} ${JSON.stringify([...workers].map(([p, {state: st}]) => ({p, pos: st.position, end: st.end, done: st.done, open: st.open ? {next: st.open.next, q: st.open.queued, f: st.open.failed} : null, unsure: st.unsure, settling: st.settling})))}`})
      }
      // A partition left unsure waits for no batch: its records may all be committed already.
      // Not awaited: while Kafka is away this retries, and the loop must still see a failure.
      for (const p of assigned) {
        const w = workers.get(p)
        if (!w?.needsSettling()) continue
        void w.settle(() => phase.running).catch((err: unknown) => transient(err, 'write')).finally(() => fetchLoop.notify())
      }
    }
    // Commit what is open before leaving the group: new chunks are refused from here on.
    phase.drain()
    fetchLoop.notify()
    await fetching
    await periodicFlush
    await flushOpen(true, true)
    if (!phase.failure()) await endOrphans(sharedMode ? [...workers.keys()] : [...producers.keys()])
    phase.stop()
    await membership.stop()
    if (phase.failure()) throw failure(phase.failure()!.error)
    progress()
    const durationMs = Date.now() - started
    return {
      job: o.job, ...counters, durationMs, recordsPerSecond: durationMs > 0 ? (counters.read * 1000) / durationMs : 0,
      outcome: o.signal?.aborted ? 'stopped' : 'completed', lostToRetention,
    }
  } finally {
    const t = Date.now()
    const step = (what: string): void => { if (process.env.STREAMCTL_JOB_DEBUG) emit({type: 'status', message: `debug: leaving: ${what} after ${Date.now() - t} ms`}) }
    phase.stop()
    await membership?.stop()
    step('group left')
    // Fencing started by an earlier join may still be opening producers: let it settle so that
    // every producer it opened is in the map disconnected next.
    await ready.catch(() => {})
    step('take-over settled')
    await Promise.all([pool.close().then(() => step('producers closed')), fetcher.close().then(() => step('fetcher closed'))])
    processId?.release()
    await sourceAdmin.disconnect().catch(() => {})
    if (o.crossCluster) await targetAdmin.disconnect().catch(() => {})
    step('admin closed')
  }
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
