/**
 * Consumer-group offset resets as data: the target spec, the per-partition lag, and the plan
 * (current → target) that `offsets reset` shows before it writes anything. Pure: the I/O side
 * (offsets.ts) gathers the numbers and executes a plan.
 */
export type ResetTarget =
  | {readonly kind: 'earliest'}
  | {readonly kind: 'latest'}
  | {readonly kind: 'datetime'; readonly at: number}
  | {readonly kind: 'offset'; readonly offset: number}
  | {readonly kind: 'shift'; readonly by: number}

export class ResetTargetError extends Error {}

export function parseResetTarget(raw: string): ResetTarget {
  const s = raw.trim()
  if (s === 'earliest') return {kind: 'earliest'}
  if (s === 'latest') return {kind: 'latest'}
  let m = /^shift:([+-]?\d+)$/.exec(s)
  if (m) return {kind: 'shift', by: Number(m[1])}
  m = /^(?:offset:)?(\d+)$/.exec(s)
  if (m) return {kind: 'offset', offset: Number(m[1])}
  const iso = s.startsWith('datetime:') ? s.slice('datetime:'.length) : s
  if (/^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?(Z|[+-]\d{2}:?\d{2})?$/.test(iso)) {
    const at = Date.parse(iso)
    if (!Number.isNaN(at)) return {kind: 'datetime', at}
  }
  throw new ResetTargetError(`cannot read --to '${raw}'`)
}

export function describeTarget(t: ResetTarget): string {
  switch (t.kind) {
    case 'earliest':
    case 'latest':
      return t.kind
    case 'datetime':
      return `first offset at or after ${new Date(t.at).toISOString()}`
    case 'offset':
      return `offset ${t.offset}`
    case 'shift':
      return `shift by ${t.by >= 0 ? '+' : ''}${t.by}`
  }
}

export interface PartitionPosition {
  readonly topic: string
  readonly partition: number
  /** Committed offset of the group, null when it has none. */
  readonly committed: number | null
  readonly low: number
  readonly high: number
  /** datetime targets: the offset Kafka's ListOffsets gave for the timestamp (null: after the last record). */
  readonly offsetForTime?: number | null
}

export interface LagRow extends PartitionPosition {
  /** Records between the committed offset (or the log start when none) and the end. */
  readonly lag: number
}

export function lagRows(positions: readonly PartitionPosition[]): LagRow[] {
  return positions.map((p) => ({...p, lag: Math.max(0, p.high - Math.max(p.low, p.committed ?? p.low))}))
}

export interface ResetPlanRow {
  readonly topic: string
  readonly partition: number
  readonly current: number | null
  readonly target: number
  /** target − current; null when the group had no committed offset. */
  readonly delta: number | null
}

const clamp = (v: number, low: number, high: number): number => Math.min(high, Math.max(low, v))

export function planReset(positions: readonly PartitionPosition[], target: ResetTarget): ResetPlanRow[] {
  return positions.map((p) => {
    let t: number
    switch (target.kind) {
      case 'earliest':
        t = p.low
        break
      case 'latest':
        t = p.high
        break
      case 'offset':
        t = target.offset
        break
      case 'shift':
        t = (p.committed ?? p.low) + target.by
        break
      case 'datetime':
        t = p.offsetForTime ?? p.high
        break
    }
    // Kafka accepts any committed number, but one outside [log start, end] only triggers
    // auto.offset.reset on the consumer: clamp so the plan shows where the group will really start.
    const target_ = clamp(t, p.low, p.high)
    return {topic: p.topic, partition: p.partition, current: p.committed, target: target_, delta: p.committed === null ? null : target_ - p.committed}
  })
}

export function formatLagTable(rows: readonly LagRow[]): string {
  const head = ['TOPIC', 'PARTITION', 'COMMITTED', 'LOG-START', 'END', 'LAG']
  const body = rows.map((r) => [r.topic, String(r.partition), r.committed === null ? '-' : String(r.committed), String(r.low), String(r.high), String(r.lag)])
  return table([head, ...body])
}

export function formatResetPlan(rows: readonly ResetPlanRow[]): string {
  const head = ['TOPIC', 'PARTITION', 'CURRENT', 'TARGET', 'DELTA']
  const body = rows.map((r) => [r.topic, String(r.partition), r.current === null ? '-' : String(r.current), String(r.target), r.delta === null ? '-' : (r.delta > 0 ? `+${r.delta}` : String(r.delta))])
  return table([head, ...body])
}

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)))
  return rows.map((r) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ')).join('\n')
}
