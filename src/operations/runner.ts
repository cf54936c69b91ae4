import type {Admin, Consumer, ConsumerRunConfig, EachBatchPayload, Kafka} from 'kafkajs'
import {StreamctlError} from '../errors.js'
import {JobCheckpoints} from './checkpoints.js'
import type {JobConnection} from './connection.js'
import {RecordError, isFenced, isOutage, jobFailure, lostClusterError, type JobPlace} from './job-errors.js'
import {MAX_QUEUED_SENDS, commitDue, newPartitionState, openTransaction, queueSend, withPartition, type OpenTransaction, type PartitionState} from './partition-state.js'
import {RateMeter, etaSeconds, type JobEvent} from './progress.js'
import type {InputRecord, JobReport, Stage} from './record.js'
import {topicOffsets} from './topics.js'
import {ProducerPool, type TransactionalProducer} from './transactional-producer.js'

/**
 * The streaming runtime: a consumer group reads the source, a stage maps each fetched batch, and
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
 * Memory: batches are bounded by maxBytesPerPartition/maxBytes and processed one at a time per
 * partition (at most `concurrency` in parallel), the next fetch waiting for the current one — the
 * topic is never buffered.
 */
export interface RunnerOptions {
  readonly job: string
  /** `label` names the cluster in errors (environment name or bootstrap list, never credentials). */
  readonly source: {readonly kafka: Kafka; readonly topic: string; readonly label?: string}
  /** The connection too: the output side runs its own producers over it (transactional-producer.ts). */
  readonly target: {readonly kafka: Kafka; readonly connection: JobConnection}
  readonly crossCluster: boolean
  readonly stage: Stage
  /** bounded: stop at the end offsets captured at start; follow: run until signalled. */
  readonly mode: 'bounded' | 'follow'
  readonly signal?: AbortSignal
  readonly onEvent?: (e: JobEvent) => void
  readonly groupId?: string
  readonly concurrency?: number
  readonly maxBytesPerPartition?: number
  readonly transactionTimeoutMs?: number
  /** How long the job keeps restarting while Kafka cannot be reached before it fails (default 60 s). */
  readonly unreachableTimeoutMs?: number
  /** The topics the stage writes: checked for transactions Kafka left open (orphan-transactions.ts) on take-over and before leaving. */
  readonly outputTopics?: readonly string[]
}


export function jobGroupId(job: string): string {
  return `streamctl-job-${job}`
}

export function transactionalId(job: string, topic: string, partition: number): string {
  return `streamctl-${job}-${topic}-${partition}`
}


export async function runJob(o: RunnerOptions): Promise<JobReport> {
  const started = Date.now()
  const groupId = o.groupId ?? jobGroupId(o.job)
  const topic = o.source.topic
  const emit = o.onEvent ?? (() => {})
  const sourceAdmin = o.source.kafka.admin()
  const targetAdmin = o.crossCluster ? o.target.kafka.admin() : sourceAdmin
  const pool = new ProducerPool(o.target.connection)
  const producers = new Map<number, TransactionalProducer>()
  let consumer: Consumer | undefined
  const counters = {read: 0, written: 0, deadLettered: 0, skipped: 0}
  const meter = new RateMeter()
  const parts = new Map<number, PartitionState>()
  let assigned: number[] = []
  let joined = false
  /** Set once this process leaves the group: later joins must not fence or open producers. */
  let stopping = false
  /** Set when the run ends: batches still delivered are left for the next run (not consumed, not committed). */
  let draining = false
  let fatal: unknown
  let ready: Promise<void> = Promise.resolve()
  /** Start of the current run of consumer crashes; any successful fetch ends it. */
  let failingSince: number | undefined
  const unreachableTimeoutMs = o.unreachableTimeoutMs ?? 60_000

  try {
    await sourceAdmin.connect()
    if (o.crossCluster) await targetAdmin.connect()
    const offsets = await topicOffsets(sourceAdmin, topic)
    const ends = new Map(offsets.map((p) => [p.partition, p]))
    const checkpoints = o.crossCluster ? new JobCheckpoints(targetAdmin, o.job, topic) : undefined
    if (checkpoints) await checkpoints.prepare(offsets.length)

    const committedPositions = async (partitions: number[]): Promise<Map<number, number>> => {
      const got = checkpoints
        ? await checkpoints.read()
        : new Map((await sourceAdmin.fetchOffsets({groupId, topics: [topic]}))[0]?.partitions.map((p) => [p.partition, Number(p.offset)]) ?? [])
      const out = new Map<number, number>()
      for (const p of partitions) {
        const c = got.get(p) ?? -1
        out.set(p, c >= 0 ? c : (ends.get(p)?.low ?? 0))
      }
      return out
    }

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
      // Paused partitions are not fetched: a finished partition costs nothing while others run.
      consumer?.pause([{topic, partitions: [p]}])
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
        return id ? [[id.producerId, id.own] as const] : []
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

    /** What is left of the outage budget; the outage starts at the first failure since the last fetch. */
    const outageBudgetLeft = (): number => {
      failingSince ??= Date.now()
      return unreachableTimeoutMs - (Date.now() - failingSince)
    }

    consumer = o.source.kafka.consumer({
      groupId, readUncommitted: false, allowAutoTopicCreation: false,
      maxBytesPerPartition: o.maxBytesPerPartition ?? 512 << 10, maxBytes: 2 << 20, maxWaitTimeInMs: 500,
      sessionTimeout: 10_000, heartbeatInterval: 1000,
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
    c.on(c.events.FETCH, () => {
      failingSince = undefined
    })
    c.on(c.events.GROUP_JOIN, (e) => {
      // consumer.disconnect() lets the runner finish a rebalance that is under way before it leaves,
      // so a join can complete after we decided to stop. We will not read those partitions: their
      // next owner fences them, and producers opened here would outlive the cleanup below and keep
      // the process alive.
      if (stopping) return
      joined = true
      const previous = new Set(assigned)
      assigned = [...(e.payload.memberAssignment[topic] ?? [])].sort((a, b) => a - b)
      const fresh = assigned.filter((p) => !previous.has(p))
      ready = (async () => {
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
            if (stopping || isFenced(err) || Date.now() - started > unreachableTimeoutMs) throw err
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
          // Batches kafkajs fetched before the fence are stale after this seek and are not processed.
          c.seek({topic, partition: p, offset: String(position)})
          if (o.mode === 'bounded' && position >= end) markDone(p)
        }
        emit({type: 'status', message: `assigned partitions [${assigned.join(', ')}] of ${topic}`})
        progress()
      })()
      ready.catch((err) => {
        if (!stopping) fatal ??= err
      })
    })
    c.on(c.events.END_BATCH_PROCESS, (e) => {
      // A fetched batch holding only transaction markers / aborted records never reaches eachBatch.
      const s = parts.get(e.payload.partition)
      if (s && e.payload.batchSize === 0 && e.payload.topic === topic) {
        s.position = Math.max(s.position, Number(e.payload.lastOffset) + 1)
        if (o.mode === 'bounded' && s.position >= s.end) markDone(e.payload.partition)
      }
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
        // A failure while starting crashes again, and comes back here.
        c.connect().then(() => c.run(runConfig)).catch((error: unknown) => {
          if (!restartConsumer(error as Error)) fatal ??= lostCluster(error as Error, Date.now() - (failingSince ?? Date.now()))
        })
      }, 1000)
      return true
    }
    c.on(c.events.CRASH, (e) => {
      if (e.payload.restart || restartConsumer(e.payload.error)) return
      fatal ??= failingSince === undefined ? e.payload.error : lostCluster(e.payload.error, Date.now() - failingSince)
    })

    /** Gives up the open transaction: aborted, and its records read again from the committed position. */
    const abandon = async (p: number, st: PartitionState, open: OpenTransaction): Promise<void> => {
      if (st.open === open) st.open = undefined
      // A Produce still in flight must not land after the abort marker (it would open a new
      // transaction on that partition that nobody ends).
      await open.sending.catch(() => {})
      await open.tx.abort().catch(() => {})
      // A fenced or broken producer never recovers: the next batch of this partition (if we still
      // own it) starts a fresh one, whose InitProducerId takes over the transactional id.
      producers.delete(p)
      st.unsure = true
      if (assigned.includes(p) && !stopping) c.seek({topic, partition: p, offset: String(st.position)})
    }

    /** Commits the open transaction of a partition (the caller holds its lock). */
    const commitOpen = async (p: number, st: PartitionState): Promise<void> => {
      const open = st.open
      if (!open) return
      try {
        await open.sending
        if (checkpoints) await open.tx.sendOffsets(checkpoints.offsetsFor(p, open.next))
        else await open.tx.sendOffsets({consumerGroupId: groupId, topics: [{topic, partitions: [{partition: p, offset: String(open.next)}]}]})
        await open.tx.commit()
      } catch (err) {
        await abandon(p, st, open)
        throw err
      }
      st.open = undefined
      if (checkpoints) await c.commitOffsets([{topic, partition: p, offset: String(open.next)}]).catch(() => {})
      st.position = Math.max(st.position, open.next)
      st.skipBelow = st.position
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
      c.seek({topic, partition: p, offset: String(position)})
      // The failed commit may have landed at the end: no batch follows to say so.
      if (o.mode === 'bounded' && position >= st.end) markDone(p)
    }

    /** Errors of a batch or commit: bad records stop the job; fencing means the partition moved on. */
    const settle = (err: unknown): void => {
      // A record the stage cannot handle (no dead-letter topic) stops the job: retrying cannot help.
      if (err instanceof RecordError || err instanceof StreamctlError) {
        fatal ??= err
        return
      }
      // Fenced: another member owns this partition now and has taken over its transactional id.
      if (isFenced(err)) return
      throw err
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
      })))
    }

    const eachBatch = async ({batch, resolveOffset, heartbeat, isRunning, isStale}: EachBatchPayload): Promise<void> => {
      await ready
      const p = batch.partition
      const st = parts.get(p)
      if (!st) return
      await withPartition(st, async () => {
        if (!assigned.includes(p) || fatal || draining || o.signal?.aborted || !isRunning() || isStale()) return
        if (st.unsure) {
          await settleUnsure(p, st)
          return
        }
        st.highWatermark = Number(batch.highWatermark)
        const records: InputRecord[] = []
        let cutAtEnd = false
        for (const m of batch.messages) {
          const off = Number(m.offset)
          if (off < st.skipBelow) continue
          if (o.mode === 'bounded' && off >= st.end) {
            cutAtEnd = true
            break
          }
          records.push({topic, partition: p, offset: m.offset, timestamp: m.timestamp, key: m.key ?? null, value: m.value ?? null, headers: (m.headers ?? {}) as InputRecord['headers']})
        }
        // lastOffset() counts trailing transaction markers: committing past them lets a bounded run
        // reach end offsets that sit after a marker.
        const fetchedNext = Number(batch.lastOffset()) + 1
        if (records.length === 0) {
          if (!cutAtEnd) {
            if (fetchedNext > (st.open?.next ?? st.position)) {
              if (st.open) st.open.next = fetchedNext
              else st.position = fetchedNext
            }
            // Also when all of it is below what we already wrote: after a consumer restart kafkajs
            // resumes from the group's offset, which can lag our last transactional commit (markers
            // still pending). Unresolved, the same batch is fetched again forever.
            resolveOffset(batch.lastOffset())
          }
          if (o.mode === 'bounded' && st.position >= st.end) markDone(p)
          return
        }
        const next = cutAtEnd ? Number(records[records.length - 1]!.offset) + 1 : fetchedNext
        let open: OpenTransaction | undefined
        try {
          const result = await o.stage.process(records)
          const producer = await producerFor(p)
          open = st.open ??= openTransaction(producer.transaction(), st.position)
          queueSend(open, result.out)
          if (open.failed || open.queued > MAX_QUEUED_SENDS) await open.sending
          open.next = next
          open.records += records.length
          open.pending.read += records.length
          open.pending.written += result.written
          open.pending.deadLettered += result.deadLettered
          open.pending.skipped += result.skipped
          if (o.stage.afterCommit) open.afterCommit.push({records, result, next})
          st.skipBelow = next
          resolveOffset(String(next - 1))
          // A stage with a state cache sees its own writes only after commit: commit every batch.
          const due = o.stage.afterCommit !== undefined || commitDue(open, Date.now())
          if (due || (o.mode === 'bounded' && next >= st.end)) await commitOpen(p, st)
        } catch (err) {
          if (open && st.open === open) await abandon(p, st, open)
          st.skipBelow = st.position
          settle(err)
          return
        }
      })
      await heartbeat()
    }

    await c.connect()
    await c.subscribe({topic, fromBeginning: true})
    runConfig = {autoCommit: false, eachBatchAutoResolve: false, partitionsConsumedConcurrently: o.concurrency ?? Math.min(8, offsets.length), eachBatch}
    await c.run(runConfig)

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
        }).catch(() => {}).finally(() => { st.settling = false })
      }
    }
    // Commit what is open before leaving the group: new batches are refused from here on.
    draining = true
    await flushDue(true)
    if (!fatal) await endOrphans([...producers.keys()])
    stopping = true
    await c.disconnect()
    consumer = undefined
    if (fatal) throw failure(fatal)
    progress()
    const durationMs = Date.now() - started
    return {
      job: o.job, ...counters, durationMs, recordsPerSecond: durationMs > 0 ? (counters.read * 1000) / durationMs : 0,
      outcome: o.signal?.aborted ? 'stopped' : 'completed',
    }
  } finally {
    stopping = true
    await consumer?.disconnect().catch(() => {})
    // Fencing started by an earlier join may still be opening producers: let it settle so that
    // every producer it opened is in the map disconnected next.
    await ready.catch(() => {})
    await pool.close()
    await sourceAdmin.disconnect().catch(() => {})
    if (o.crossCluster) await targetAdmin.disconnect().catch(() => {})
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
