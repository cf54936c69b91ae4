import type {Admin, Consumer, EachBatchPayload, Kafka} from 'kafkajs'
import {StreamctlError} from '../errors.js'
import {JobCheckpoints} from './checkpoints.js'
import type {JobConnection} from './connection.js'
import {RateMeter, etaSeconds, type JobEvent} from './progress.js'
import type {InputRecord, JobReport, Stage} from './record.js'
import {topicOffsets} from './topics.js'
import {ProducerPool, type TransactionalProducer} from './transactional-producer.js'

/**
 * The streaming runtime: a consumer group reads the source, a stage maps each fetched batch, and
 * one Kafka transaction per batch writes the output *and* the input position (read-process-write,
 * `sendOffsets`), so a crash or a rerun never loses or duplicates a record in read_committed view.
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
  readonly source: {readonly kafka: Kafka; readonly topic: string}
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
}

export function jobGroupId(job: string): string {
  return `streamctl-job-${job}`
}

export function transactionalId(job: string, topic: string, partition: number): string {
  return `streamctl-${job}-${topic}-${partition}`
}

export class RecordError extends Error {}

interface PartitionState {
  end: number
  position: number
  highWatermark: number
  done: boolean
  /** Cross-cluster: records below the target checkpoint were already written. */
  skipBelow: number
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
  let fatal: unknown
  let ready: Promise<void> = Promise.resolve()

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

    consumer = o.source.kafka.consumer({
      groupId, readUncommitted: false, allowAutoTopicCreation: false,
      maxBytesPerPartition: o.maxBytesPerPartition ?? 512 << 10, maxBytes: 2 << 20, maxWaitTimeInMs: 500,
      sessionTimeout: 10_000, heartbeatInterval: 1000, retry: {retries: 5},
    })
    const c = consumer
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
        await Promise.all(fresh.map(async (p) => {
          producers.delete(p)
          await producerFor(p)
        }))
        const pos = await committedPositions(fresh)
        if (stopping) return
        for (const p of fresh) {
          const position = pos.get(p)!
          const end = ends.get(p)?.high ?? 0
          parts.set(p, {end, position, highWatermark: end, done: false, skipBelow: position})
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
    c.on(c.events.CRASH, (e) => {
      if (!e.payload.restart) fatal ??= e.payload.error
    })

    const eachBatch = async ({batch, resolveOffset, heartbeat, isRunning, isStale}: EachBatchPayload): Promise<void> => {
      await ready
      const p = batch.partition
      const s = parts.get(p)
      if (!s || !assigned.includes(p) || fatal || o.signal?.aborted || !isRunning() || isStale()) return
      s.highWatermark = Number(batch.highWatermark)
      const records: InputRecord[] = []
      let cutAtEnd = false
      for (const m of batch.messages) {
        const off = Number(m.offset)
        if (off < s.skipBelow) continue
        if (o.mode === 'bounded' && off >= s.end) {
          cutAtEnd = true
          break
        }
        records.push({topic, partition: p, offset: m.offset, timestamp: m.timestamp, key: m.key ?? null, value: m.value ?? null, headers: (m.headers ?? {}) as InputRecord['headers']})
      }
      // lastOffset() counts trailing transaction markers: committing past them lets a bounded run
      // reach end offsets that sit after a marker.
      const fetchedNext = Number(batch.lastOffset()) + 1
      if (records.length === 0) {
        if (!cutAtEnd && fetchedNext > s.position) {
          s.position = fetchedNext
          resolveOffset(batch.lastOffset())
        }
        if (o.mode === 'bounded' && s.position >= s.end) markDone(p)
        return
      }
      const next = cutAtEnd ? Number(records[records.length - 1]!.offset) + 1 : fetchedNext
      let result
      try {
        result = await o.stage.process(records)
        const producer = await producerFor(p)
        const tx = producer.transaction()
        try {
          await tx.send(result.out)
          if (checkpoints) await tx.sendOffsets(checkpoints.offsetsFor(p, next))
          else await tx.sendOffsets({consumerGroupId: groupId, topics: [{topic, partitions: [{partition: p, offset: String(next)}]}]})
          await tx.commit()
        } catch (err) {
          await tx.abort().catch(() => {})
          // A fenced or broken producer never recovers: the next batch of this partition (if we
          // still own it) starts a fresh one, whose InitProducerId takes over the transactional id.
          producers.delete(p)
          throw err
        }
      } catch (err) {
        // A record the stage cannot handle (no dead-letter topic) stops the job: retrying cannot help.
        if (err instanceof RecordError || err instanceof StreamctlError) {
          fatal ??= err
          return
        }
        // Fenced: another member owns this partition now and has taken over its transactional id.
        // Our batch was aborted; nothing to do but leave the partition to it.
        if ((err as {type?: string}).type === 'INVALID_PRODUCER_EPOCH' || (err as {type?: string}).type === 'PRODUCER_FENCED') return
        throw err
      }
      if (checkpoints) await c.commitOffsets([{topic, partition: p, offset: String(next)}]).catch(() => {})
      resolveOffset(String(next - 1))
      s.position = next
      s.skipBelow = next
      counters.read += records.length
      counters.written += result.written
      counters.deadLettered += result.deadLettered
      counters.skipped += result.skipped
      o.stage.afterCommit?.(records, result, next)
      if (o.mode === 'bounded' && next >= s.end) markDone(p)
      progress()
      await heartbeat()
    }

    await c.connect()
    await c.subscribe({topic, fromBeginning: true})
    await c.run({autoCommit: false, eachBatchAutoResolve: false, partitionsConsumedConcurrently: o.concurrency ?? Math.min(8, offsets.length), eachBatch})

    // Bounded: this process stops when every partition it holds is done. A member left without
    // partitions (more processes than partitions) stops once the group as a whole is done.
    let lastGlobalCheck = 0
    for (;;) {
      if (fatal) throw fatal
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
    }
    // consumer.disconnect waits for the in-flight batch: its transaction commits (or aborts) first.
    stopping = true
    await c.disconnect()
    consumer = undefined
    if (fatal) throw fatal
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
