import type {LeaderElectAction, PlacementReassignAction, ThrottleClearAction} from '../plan/actions.js'
import type {Plan} from '../plan/plan.js'
import type {DisplayLine} from './plan-sections.js'

const ARROW = '→'

/** 1.5 MiB, 320 B: sizes as a person reads them (binary units, as Kafka's tools print). */
export function formatBytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB']
  let v = n
  let i = 0
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024
    i++
  }
  return i === 0 ? `${n} B` : `${v.toFixed(1)} ${units[i]}`
}

/** 95 s → 1m35s. */
export function formatSeconds(s: number): string {
  if (s < 60) return `${s}s`
  const h = Math.floor(s / 3600)
  const m = Math.floor((s % 3600) / 60)
  const sec = s % 60
  return h > 0 ? `${h}h${String(m).padStart(2, '0')}m` : `${m}m${String(sec).padStart(2, '0')}s`
}

function sizeText(bytes: number, unknown: number): string {
  return `${formatBytes(bytes)} to copy${unknown > 0 ? ` (+${unknown} partition(s) of unknown size)` : ''}`
}

function etaText(eta: number | null, throttle: number | undefined): string {
  return eta === null || throttle === undefined ? 'no throttle: as fast as the brokers replicate' : `ETA ${formatSeconds(eta)} at ${formatBytes(throttle)}/s`
}

/** The display lines of the placement actions (shared by the text and markdown renderers). */
export function placementLines(a: PlacementReassignAction | LeaderElectAction | ThrottleClearAction): DisplayLine[] {
  switch (a.kind) {
    case 'topic.placement.reassign': {
      const lines: DisplayLine[] = a.violations.map((v): DisplayLine => ({sign: '!', text: `placement ${a.placement.strategy}: ${v}`}))
      if (a.inFlight.length > 0) lines.push({sign: '~', text: `wait for the reassignment in flight (partition ${a.inFlight.join(', ')})`, risk: a.risk})
      if (a.moves.length > 0) {
        lines.push({sign: '~', text: `reassign ${a.moves.length} partition(s) in ${a.batches.length} batch(es), ${sizeText(a.bytes, a.unknownSizes)}, ${etaText(a.etaSeconds, a.throttle)}`, risk: a.risk})
        for (const m of a.moves) lines.push({sign: '~', text: `partition ${m.partition}: [${m.current.join(',')}] ${ARROW} [${m.target.join(',')}]`})
      }
      return lines
    }
    case 'topic.leaders.elect':
      return [{sign: '~', text: `preferred-leader election: ${a.partitions.map((p) => `partition ${p.partition} ${p.from} ${ARROW} ${p.to}`).join(', ')}`, risk: a.risk}]
    case 'replication.throttle.clear':
      return [{sign: '-', text: `replication throttle rates on broker ${a.brokers.join(', ')}`, risk: a.risk}]
  }
}

/** Totals of a plan's placement moves (the rebalance summary line), or undefined when there are none. */
export function placementTotals(plan: Plan): string | undefined {
  const moves = plan.actions.filter((a): a is PlacementReassignAction => a.kind === 'topic.placement.reassign')
  if (moves.length === 0) return undefined
  const partitions = moves.reduce((n, a) => n + a.moves.length, 0)
  const replicas = moves.reduce((n, a) => n + a.moves.reduce((k, m) => k + m.added.length, 0), 0)
  const bytes = moves.reduce((n, a) => n + a.bytes, 0)
  const unknown = moves.reduce((n, a) => n + a.unknownSizes, 0)
  const throttle = moves[0]!.throttle
  const eta = moves.every((a) => a.etaSeconds !== null) ? moves.reduce((n, a) => n + (a.etaSeconds ?? 0), 0) : null
  return `Moves: ${partitions} partition(s), ${replicas} replica(s) copied, ${sizeText(bytes, unknown)}, ${etaText(eta, throttle)}.`
}
