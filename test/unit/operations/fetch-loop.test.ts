import {describe, expect, it} from 'vitest'
import {FetchLoop, type ChunkSource, type FetchLoopHost} from '../../../src/operations/fetch-loop.js'
import {MAX_FETCHED_CHUNKS, newPartitionState, rewind, withPartition, type PartitionState} from '../../../src/operations/partition-state.js'
import type {FetchedChunk, PartitionFetch} from '../../../src/operations/source-fetcher.js'

const TOPIC = 't'

/** A log of `size` records per partition, served 3 at a time; partitions 0–1 led by node 1, the rest by node 2. */
function logSource(size: number, opts: {fetchDelayMs?: number; answer?: (p: number, offset: number) => PartitionFetch | undefined; logStart?: number} = {}) {
  const calls: {node: number; positions: [number, number][]}[] = []
  const concurrentByNode = new Map<number, number>()
  let maxConcurrentPerNode = 0
  const source: ChunkSource & {calls: typeof calls; maxConcurrentPerNode: () => number} = {
    topic: TOPIC,
    calls,
    maxConcurrentPerNode: () => maxConcurrentPerNode,
    async byLeader(partitions) {
      const out = new Map<number, number[]>()
      for (const p of partitions) {
        const node = p < 2 ? 1 : 2
        out.set(node, [...(out.get(node) ?? []), p])
      }
      return out
    },
    async fetch(node, positions) {
      calls.push({node, positions: [...positions]})
      const now = (concurrentByNode.get(node) ?? 0) + 1
      concurrentByNode.set(node, now)
      maxConcurrentPerNode = Math.max(maxConcurrentPerNode, now)
      await new Promise((r) => setTimeout(r, opts.fetchDelayMs ?? 1))
      concurrentByNode.set(node, now - 1)
      return [...positions].map(([partition, offset]): PartitionFetch => {
        const special = opts.answer?.(partition, offset)
        if (special) return special
        const records = []
        for (let o = offset; o < Math.min(size, offset + 3); o++) {
          records.push({topic: TOPIC, partition, offset: o, timestamp: 0, key: null, value: Buffer.from(`${partition}:${o}`), headers: []})
        }
        const chunk: FetchedChunk = {partition, fetchOffset: offset, records, nextOffset: offset + records.length, highWatermark: size}
        return {partition, chunk}
      })
    },
    async refreshMetadata() {},
    async logRange() {
      return {start: opts.logStart ?? 0, end: size}
    },
  }
  return source
}

function host(parts: Map<number, PartitionState>, o: {bounded?: boolean; processMs?: number; onDeliver?: (p: number, chunk: FetchedChunk) => void} = {}) {
  const delivered = new Map<number, number[]>()
  const events = {transient: [] as unknown[], fatal: [] as unknown[], status: [] as string[], gaps: [] as [number, number, number][], maxInFlight: 0}
  let reading = true
  const h: FetchLoopHost & {stop(): void} = {
    bounded: o.bounded ?? true,
    stop: () => { reading = false },
    reading: () => reading,
    partitions: () => [...parts.keys()],
    ready: async () => {},
    state: (p) => parts.get(p),
    deliver: (p, st, chunk, generation) => {
      events.maxInFlight = Math.max(events.maxInFlight, st.inFlight)
      return withPartition(st, async () => {
        // As the runner's processChunk: a chunk queued before a rewind is stale by the time it runs.
        if (st.generation !== generation) return
        await new Promise((r) => setTimeout(r, o.processMs ?? 0))
        delivered.set(p, [...(delivered.get(p) ?? []), ...chunk.records.map((r) => r.offset)])
        o.onDeliver?.(p, chunk)
        if (h.bounded && chunk.nextOffset >= st.end) st.done = true
      })
    },
    fetched: () => {},
    gap: (p, st, from, to) => {
      events.gaps.push([p, from, to])
      rewind(st, to)
    },
    transient: (e) => { events.transient.push(e) },
    fatal: (e) => { events.fatal.push(e); reading = false },
    status: (m) => { events.status.push(m) },
  }
  return {h, delivered, events}
}

async function until(cond: () => boolean, ms = 3000): Promise<void> {
  const end = Date.now() + ms
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out')
    await new Promise((r) => setTimeout(r, 5))
  }
}

describe('fetch loop', () => {
  it('reads every partition to its end in order, one fetch in flight per leader, at most MAX_FETCHED_CHUNKS waiting per partition', async () => {
    const parts = new Map([0, 1, 2].map((p) => [p, newPartitionState(0, 20)]))
    const source = logSource(20)
    const {h, delivered, events} = host(parts, {processMs: 3})
    const loop = new FetchLoop(source, h, 10)
    const running = loop.run()
    await until(() => [...parts.values()].every((s) => s.done))
    h.stop()
    await running
    for (const p of [0, 1, 2]) expect(delivered.get(p)).toEqual(Array.from({length: 20}, (_, i) => i))
    expect(source.maxConcurrentPerNode()).toBe(1)
    expect(events.maxInFlight).toBeLessThanOrEqual(MAX_FETCHED_CHUNKS)
    // Fetching ran ahead of processing: some fetch went out while a chunk of the same partition waited.
    expect(events.maxInFlight).toBeGreaterThan(1)
    // Bounded: nothing was asked past the end.
    expect(source.calls.flatMap((c) => c.positions).every(([, offset]) => offset < 20)).toBe(true)
  })

  it('drops chunks fetched before a rewind and reads again from the rewound position', async () => {
    const st = newPartitionState(0, 12)
    const parts = new Map([[0, st]])
    let rewound = false
    const {h, delivered} = host(parts, {
      onDeliver: (_p, chunk) => {
        // The first chunk "fails": the partition goes back to 0, and whatever was fetched ahead is stale.
        if (!rewound && chunk.fetchOffset === 0) {
          rewound = true
          rewind(st, 0)
        }
      },
      processMs: 5,
    })
    const loop = new FetchLoop(logSource(12), h, 10)
    const running = loop.run()
    await until(() => st.done)
    h.stop()
    await running
    // 0–2 delivered, then (after the rewind) the whole log again from 0, with no chunk of the old generation in between.
    expect(delivered.get(0)).toEqual([0, 1, 2, ...Array.from({length: 12}, (_, i) => i)])
  })

  it('finds the log start with ListOffsets when a position fell below it (Kafka sends -1 in the fetch) and reports the gap; other refusals stop the job; retriable ones are retried', async () => {
    const parts = new Map([[0, newPartitionState(0, 9)], [2, newPartitionState(0, 9)]])
    let refusedOnce = false
    const source = logSource(9, {
      answer: (p, offset) => {
        if (p === 0 && offset === 0) {
          return {partition: p, error: Object.assign(new Error('out of range'), {type: 'OFFSET_OUT_OF_RANGE', retriable: false}), logStartOffset: -1, highWatermark: 9}
        }
        if (p === 2 && !refusedOnce) {
          refusedOnce = true
          return {partition: p, error: Object.assign(new Error('not leader'), {type: 'NOT_LEADER_OR_FOLLOWER', retriable: true}), logStartOffset: 0, highWatermark: 9}
        }
        return undefined
      },
      logStart: 6,
    })
    const {h, delivered, events} = host(parts)
    const running = new FetchLoop(source, h, 10).run()
    await until(() => [...parts.values()].every((s) => s.done))
    h.stop()
    await running
    expect(delivered.get(0)).toEqual([6, 7, 8])
    expect(events.gaps).toEqual([[0, 0, 6]])
    expect(delivered.get(2)).toEqual(Array.from({length: 9}, (_, i) => i))
    expect(events.transient).toHaveLength(1)
    expect(events.fatal).toHaveLength(0)

    const denied = new Map([[1, newPartitionState(0, 9)]])
    const refusing = logSource(9, {answer: (p) => ({partition: p, error: Object.assign(new Error('not authorised'), {type: 'TOPIC_AUTHORIZATION_FAILED', retriable: false}), logStartOffset: 0, highWatermark: 9})})
    const second = host(denied)
    await new FetchLoop(refusing, second.h, 10).run()
    expect((second.events.fatal[0] as Error).message).toBe('not authorised')
    expect(second.delivered.size).toBe(0)
  })
})
