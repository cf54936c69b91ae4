import type {Admin} from 'kafkajs'
import type {JobConnection} from './connection.js'
import {FetchLoop} from './fetch-loop.js'
import {newPartitionState, rewind, withPartition} from './partition-state.js'
import type {InputRecord} from './record.js'
import {DEFAULT_FETCH_LIMITS, SourceFetcher} from './source-fetcher.js'
import {topicOffsets} from './topics.js'

/** How long reading may make no progress (leaders moving, a broker restarting, a stuck transaction) before it fails. */
const STALL_MS = 30_000

/**
 * Reads a whole topic once, read_committed, up to the end offsets captured at the start, with the
 * job runtime's own fetch loop (any codec it reads, no consumer group to create or clean up).
 * Records are handed over chunk by chunk, in offset order per partition, never collected.
 */
export async function readTopicOnce(conn: JobConnection, admin: Admin, topic: string, onBatch: (records: readonly InputRecord[]) => void | Promise<void>): Promise<number> {
  const parts = new Map((await topicOffsets(admin, topic)).filter((p) => p.high > p.low).map((p) => [p.partition, newPartitionState(p.low, p.high)]))
  const fetcher = new SourceFetcher(conn, topic, {...DEFAULT_FETCH_LIMITS, maxWaitMs: 200})
  let count = 0
  let failure: unknown
  let lastError: unknown
  let progressAt = Date.now()
  const stalled = (): boolean => {
    if (Date.now() - progressAt > STALL_MS) failure ??= lastError ?? new Error(`no progress reading ${topic} for ${STALL_MS / 1000} s`)
    return failure !== undefined
  }
  const loop = new FetchLoop(fetcher, {
    bounded: true,
    reading: () => !stalled() && [...parts.values()].some((st) => !st.done),
    partitions: () => [...parts.keys()],
    ready: async () => {},
    state: (p) => parts.get(p),
    deliver: (_p, st, chunk) => withPartition(st, async () => {
      const records = chunk.records.filter((r) => r.offset < st.end)
      if (records.length > 0) {
        await onBatch(records)
        count += records.length
      }
      if (chunk.nextOffset > st.position) progressAt = Date.now()
      st.position = chunk.nextOffset
      if (st.position >= st.end) st.done = true
    }),
    fetched: () => {},
    // What retention removed is gone for every reader: the rest is read.
    gap: (_p, st, _from, to) => rewind(st, to),
    transient: (err) => { lastError = err },
    fatal: (err) => { failure ??= err },
    status: () => {},
  })
  try {
    await loop.run()
    // Chunks handed over before the loop ended finish first: nothing of the topic is left half-read.
    await Promise.all([...parts.values()].map((st) => st.lock))
  } finally {
    await fetcher.close()
  }
  if (failure !== undefined) throw failure
  return count
}
