import {MAX_FETCHED_CHUNKS, type PartitionState} from './partition-state.js'
import type {FetchedChunk, PartitionFetch} from './source-fetcher.js'

/** What the loop needs of the fetcher (source-fetcher.ts); a narrow seam, so tests can drive it. */
export interface ChunkSource {
  readonly topic: string
  byLeader(partitions: readonly number[]): Promise<Map<number, number[]>>
  fetch(nodeId: number, positions: ReadonlyMap<number, number>): Promise<PartitionFetch[]>
  refreshMetadata(): Promise<void>
  /** Log start and end of a partition (ListOffsets): where an out-of-range position really is. */
  logRange(partition: number): Promise<{start: number; end: number}>
}

/** The runner's side of the loop. */
export interface FetchLoopHost {
  readonly bounded: boolean
  /** While false the loop ends (the job drains, stops, failed or was signalled). */
  reading(): boolean
  /** The partitions to read now; empty while the group is (re)joining. */
  partitions(): readonly number[]
  /** Resolves once the latest assignment has been taken over (fenced, positions read). */
  ready(): Promise<void>
  state(partition: number): PartitionState | undefined
  /**
   * Processes one chunk, after the partition's earlier work; the loop counts it until it settles.
   * A chunk queued before a rewind is stale by the time it runs: the host drops it (generation).
   */
  deliver(partition: number, st: PartitionState, chunk: FetchedChunk, generation: number): Promise<void>
  /** A fetch answered: the outage clock may stop. */
  fetched(): void
  /**
   * Retention (or DeleteRecords) removed offsets [from, to) before the job read them. The host
   * reports them and moves on (rewind to `to`), or stops.
   */
  gap(partition: number, st: PartitionState, from: number, to: number): void
  transient(err: unknown): void
  fatal(err: unknown): void
  status(message: string): void
}

/**
 * The job's input side: one Fetch in flight per leader, for the partitions that are not done, not
 * being settled and not backed up (MAX_FETCHED_CHUNKS waiting). The next fetch of a partition goes
 * out while its last chunk is processed; a rewind (PartitionState.generation) drops what was
 * fetched beyond it.
 */
export class FetchLoop {
  private readonly wake = new Wakeup()
  private readonly fetching = new Set<number>()
  private readonly inflight = new Map<number, Promise<void>>()
  /** Partitions whose out-of-range position is being looked up (ListOffsets): not fetched meanwhile. */
  private readonly resolving = new Set<number>()
  private lastRefresh = 0

  constructor(private readonly source: ChunkSource, private readonly host: FetchLoopHost, private readonly retryMs = 500) {}

  /** Something the loop may be waiting for changed (a chunk settled, a partition was settled). */
  notify(): void {
    this.wake.notify()
  }

  async run(): Promise<void> {
    while (this.host.reading()) {
      const partitions = this.host.partitions()
      if (partitions.length > 0) {
        await this.host.ready().catch(() => {})
        const want = this.host.partitions().filter((p) => this.wantsFetch(p))
        if (want.length > 0) {
          try {
            for (const [node, ps] of await this.source.byLeader(want)) {
              if (node < 0) {
                await this.refreshLeaders()
                continue
              }
              if (this.inflight.has(node)) continue
              for (const p of ps) this.fetching.add(p)
              this.inflight.set(node, this.fetchFrom(node, ps).finally(() => {
                this.inflight.delete(node)
                this.wake.notify()
              }))
            }
          } catch (err) {
            this.host.transient(err)
            await delay(this.retryMs)
          }
        }
      }
      await this.wake.wait(50)
    }
    await Promise.allSettled([...this.inflight.values()])
  }

  private wantsFetch(p: number): boolean {
    const st = this.host.state(p)
    return st !== undefined && !this.fetching.has(p) && !this.resolving.has(p) && !st.done && !st.unsure && st.inFlight < MAX_FETCHED_CHUNKS
      && !(this.host.bounded && st.fetchAt >= st.end)
  }

  private async fetchFrom(node: number, partitions: readonly number[]): Promise<void> {
    const asked = new Map(partitions.map((p) => {
      const st = this.host.state(p)!
      return [p, {st, generation: st.generation}]
    }))
    try {
      const results = await this.source.fetch(node, new Map([...asked].map(([p, a]) => [p, a.st.fetchAt])))
      this.host.fetched()
      for (const r of results) {
        const a = asked.get(r.partition)
        if (a) this.onFetched(r, a.st, a.generation)
      }
    } catch (err) {
      this.host.transient(err)
      await delay(this.retryMs)
      await this.refreshLeaders()
    } finally {
      for (const p of partitions) this.fetching.delete(p)
    }
  }

  private onFetched(r: PartitionFetch, st: PartitionState, generation: number): void {
    // Rewound (or handed to a new owner and back) since this fetch went out: stale.
    if (this.host.state(r.partition) !== st || st.generation !== generation) return
    if ('error' in r) {
      if (r.error.type === 'OFFSET_OUT_OF_RANGE') {
        this.resolving.add(r.partition)
        void this.outOfRange(r.partition, st, generation, r.error).finally(() => {
          this.resolving.delete(r.partition)
          this.wake.notify()
        })
      } else if (r.error.retriable) {
        this.host.transient(r.error)
        void this.refreshLeaders()
      } else {
        this.host.fatal(r.error)
      }
      return
    }
    st.fetchAt = r.chunk.nextOffset
    st.inFlight++
    this.host.deliver(r.partition, st, r.chunk, generation)
      .catch((err: unknown) => this.host.fatal(err))
      .finally(() => {
        st.inFlight--
        this.wake.notify()
      })
  }

  /**
   * Kafka answers OFFSET_OUT_OF_RANGE with log_start_offset -1, so where the log starts comes from
   * ListOffsets: a position below it is a retention gap (the host decides); a position past the end
   * cannot be read whatever is retried; inside the range it was a leader change in between, and is
   * fetched again.
   */
  private async outOfRange(partition: number, st: PartitionState, generation: number, error: Error): Promise<void> {
    let range: {start: number; end: number}
    try {
      range = await this.source.logRange(partition)
    } catch (err) {
      this.host.transient(err)
      await delay(this.retryMs)
      return
    }
    if (this.host.state(partition) !== st || st.generation !== generation) return
    if (range.start > st.fetchAt) this.host.gap(partition, st, st.fetchAt, range.start)
    else if (st.fetchAt > range.end) this.host.fatal(Object.assign(new Error(`${this.source.topic}-${partition}: position ${st.fetchAt} is past the end of the log (${range.end}); the partition was truncated or recreated since the job committed it`), {retriable: false}))
    else this.host.transient(error)
  }

  private async refreshLeaders(): Promise<void> {
    if (Date.now() - this.lastRefresh < this.retryMs) return
    this.lastRefresh = Date.now()
    await this.source.refreshMetadata().catch((err: unknown) => this.host.transient(err))
  }
}

/** Lets the loop sleep until something it waits for changes; one waiter at a time. */
class Wakeup {
  private waiting: (() => void) | undefined

  notify(): void {
    const w = this.waiting
    this.waiting = undefined
    w?.()
  }

  wait(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(() => this.notify(), ms)
      this.waiting = () => {
        clearTimeout(t)
        resolve()
      }
    })
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}
