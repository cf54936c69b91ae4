import type {PartitionMove} from './placement-planner.js'

/**
 * Cuts a placement plan's moves into reassignment batches (at most `batchSize` partitions each,
 * one batch in flight at a time) and estimates the bytes each batch copies. Pure.
 *
 * A partition copies its size once per added replica (every new replica fetches the whole log
 * from the leader); a leader-only change copies nothing. Moves that copy nothing come first, in
 * batches of their own: they finish at once and the preferred-leader election after them
 * spreads load before the long copies start. The copying moves keep the plan's order.
 */
export interface ReassignmentBatch {
  readonly moves: readonly PartitionMove[]
  /** Bytes copied, counting only partitions of known size. */
  readonly bytes: number
  /** Partitions that copy data but whose size is unknown (no log dir reported it). */
  readonly unknownSizes: number
  /**
   * The most bytes one broker receives (as a new follower) or sends (as the current leader) in
   * this batch: Kafka throttles each broker's replication traffic on its own, so this broker
   * paces the batch.
   */
  readonly busiestBrokerBytes: number
}

export interface BatchPlan {
  readonly batches: readonly ReassignmentBatch[]
  readonly bytes: number
  readonly unknownSizes: number
}

/** `topic:partition`, the key of `sizes`. */
export function partitionKey(topic: string, partition: number): string {
  return `${topic}:${partition}`
}

export function batchMoves(
  moves: readonly PartitionMove[],
  opts: {readonly batchSize: number; readonly sizes?: ReadonlyMap<string, number>},
): BatchPlan {
  if (!Number.isInteger(opts.batchSize) || opts.batchSize < 1) throw new RangeError(`batch size must be a positive integer, got ${opts.batchSize}`)
  const copyBytes = (m: PartitionMove): number | undefined => {
    if (m.added.length === 0) return 0
    const size = opts.sizes?.get(partitionKey(m.topic, m.partition))
    return size === undefined ? undefined : size * m.added.length
  }
  const ordered = [...moves.filter((m) => m.added.length === 0), ...moves.filter((m) => m.added.length > 0)]
  const batches: ReassignmentBatch[] = []
  for (let i = 0; i < ordered.length;) {
    const copies = ordered[i]!.added.length > 0
    const batch: PartitionMove[] = []
    while (i < ordered.length && batch.length < opts.batchSize && (ordered[i]!.added.length > 0) === copies) batch.push(ordered[i++]!)
    const sizes = batch.map(copyBytes)
    const inbound = new Map<number, number>()
    const outbound = new Map<number, number>()
    batch.forEach((m, j) => {
      const each = (sizes[j] ?? 0) / Math.max(1, m.added.length)
      for (const b of m.added) inbound.set(b, (inbound.get(b) ?? 0) + each)
      const leader = m.current[0]
      if (leader !== undefined) outbound.set(leader, (outbound.get(leader) ?? 0) + (sizes[j] ?? 0))
    })
    batches.push({
      moves: batch,
      bytes: sizes.reduce<number>((n, s) => n + (s ?? 0), 0),
      unknownSizes: sizes.filter((s) => s === undefined).length,
      busiestBrokerBytes: Math.max(0, ...inbound.values(), ...outbound.values()),
    })
  }
  return {
    batches,
    bytes: batches.reduce((n, b) => n + b.bytes, 0),
    unknownSizes: batches.reduce((n, b) => n + b.unknownSizes, 0),
  }
}

/**
 * Seconds to run the batches one after another at a replication throttle of `bytesPerSecond`
 * per broker (Kafka's leader and follower throttled rates), or undefined without a throttle.
 * Each batch lasts as long as its busiest broker needs; partitions of unknown size count as
 * empty, so the estimate is low when `unknownSizes` is not zero.
 */
export function estimateSeconds(plan: BatchPlan, bytesPerSecond: number | undefined): number | undefined {
  if (bytesPerSecond === undefined) return undefined
  if (!(bytesPerSecond > 0)) throw new RangeError(`throttle must be a positive number of bytes per second, got ${bytesPerSecond}`)
  return Math.ceil(plan.batches.reduce((s, b) => s + b.busiestBrokerBytes / bytesPerSecond, 0))
}
