import type {Admin} from 'kafkajs'
import type {JobConnection} from './connection.js'
import type {InputRecord} from './record.js'
import {DEFAULT_FETCH_LIMITS, SourceFetcher} from './source-fetcher.js'
import {topicOffsets} from './topics.js'

/** How long reading may make no progress (leaders moving, a broker restarting) before it fails. */
const STALL_MS = 30_000

/**
 * Reads a whole topic once, read_committed, up to the end offsets captured at the start, with the
 * job runtime's own fetcher (any codec it reads, no consumer group to create or clean up).
 * Records are handed over chunk by chunk, never collected.
 */
export async function readTopicOnce(conn: JobConnection, admin: Admin, topic: string, onBatch: (records: readonly InputRecord[]) => void | Promise<void>): Promise<number> {
  const offsets = await topicOffsets(admin, topic)
  const ends = new Map(offsets.map((p) => [p.partition, p.high]))
  const positions = new Map(offsets.filter((p) => p.high > p.low).map((p) => [p.partition, p.low]))
  const fetcher = new SourceFetcher(conn, topic, {...DEFAULT_FETCH_LIMITS, maxWaitMs: 200})
  let count = 0
  let progressAt = Date.now()
  let lastError: unknown
  try {
    while (positions.size > 0) {
      if (Date.now() - progressAt > STALL_MS) throw lastError ?? new Error(`no progress reading ${topic} for ${STALL_MS / 1000} s`)
      for (const [node, partitions] of await fetcher.byLeader([...positions.keys()])) {
        if (node < 0) {
          await fetcher.refreshMetadata().catch((err: unknown) => { lastError = err })
          continue
        }
        let results
        try {
          results = await fetcher.fetch(node, new Map(partitions.map((p) => [p, positions.get(p)!])))
        } catch (err) {
          lastError = err
          await new Promise((r) => setTimeout(r, 300))
          await fetcher.refreshMetadata().catch(() => {})
          continue
        }
        for (const r of results) {
          const at = positions.get(r.partition)
          if (at === undefined) continue
          const end = ends.get(r.partition) ?? 0
          if ('error' in r) {
            if (r.error.type === 'OFFSET_OUT_OF_RANGE' && r.logStartOffset > at) positions.set(r.partition, r.logStartOffset)
            else if (r.error.retriable) lastError = r.error
            else throw r.error
            continue
          }
          let records: readonly InputRecord[] = r.chunk.records
          if (records.length > 0 && records[records.length - 1]!.offset >= end) records = records.filter((x) => x.offset < end)
          if (records.length > 0) {
            await onBatch(records)
            count += records.length
          }
          if (r.chunk.nextOffset > at) progressAt = Date.now()
          if (r.chunk.nextOffset >= end) positions.delete(r.partition)
          else positions.set(r.partition, r.chunk.nextOffset)
        }
      }
    }
    return count
  } finally {
    await fetcher.close()
  }
}
