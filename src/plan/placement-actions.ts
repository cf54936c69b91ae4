import type {ClusterState, TopicState} from '../model/state.js'
import type {Action, LeaderElectAction, PlacementMove, PlacementReassignAction} from './actions.js'
import type {BlockedItem} from './blocked.js'
import {planPlacement, type TopicAssignment} from './placement-planner.js'
import {placementViolations, type PlacementBroker, type PlacementSpec} from './placement-spec.js'
import {batchMoves, estimateSeconds, partitionKey} from './reassignment-batches.js'

/**
 * Turns placement into actions (pure): which declared topics break their strategy, the
 * reassignment that fixes each (batched, sized, timed at the throttle), the preferred-leader
 * elections that follow, and the removal of throttles an interrupted move left behind. Used by
 * the manifest plan (topics whose assignment breaks its placement) and by `rebalance` (every
 * declared topic, spread over the brokers, optionally draining some).
 */
export const DEFAULT_REASSIGNMENT_BATCH = 10

export interface PlacementContext {
  readonly throttle?: number
  /** Partitions per reassignment batch (default DEFAULT_REASSIGNMENT_BATCH). */
  readonly batchSize?: number
}

/**
 * The observed state as it will be once the in-flight reassignments finish: their partitions
 * list the target replicas (Kafka lists targets and the replicas being removed together), so a
 * rerun after a crash plans from where the moves are going instead of seeing a larger RF.
 */
export function settleInFlight(observed: ClusterState): ClusterState {
  const moving = observed.reassignments ?? []
  if (moving.length === 0) return observed
  const byTopic = new Map<string, Map<number, readonly number[]>>()
  for (const r of moving) {
    const m = byTopic.get(r.topic) ?? new Map<number, readonly number[]>()
    m.set(r.partition, r.target)
    byTopic.set(r.topic, m)
  }
  return {
    ...observed,
    topics: observed.topics.map((t) => {
      const targets = byTopic.get(t.name)
      if (!targets || t.replicas === undefined) return t
      const replicas = t.replicas.map((r, p) => targets.get(p) ?? r)
      return {...t, replicas, replicationFactor: replicas[0]?.length ?? t.replicationFactor}
    }),
  }
}

export interface PlacementActions {
  readonly actions: Action[]
  readonly blocked: BlockedItem[]
}

/** Declared topics whose (settled) live assignment breaks their placement, planned as moves. */
export function planDeclaredPlacement(desired: readonly TopicState[], observed: ClusterState, ctx: PlacementContext): PlacementActions {
  const brokers = observedBrokers(observed)
  if (!brokers) return {actions: [], blocked: []}
  const byName = new Map(observed.topics.map((t) => [t.name, t]))
  const requests: TopicRequest[] = []
  for (const d of desired) {
    const seen = byName.get(d.name)
    if (!d.placement || !seen?.replicas || seen.replicas.length === 0 || d.replicationFactor !== seen.replicationFactor) continue
    const violations = placementViolations(brokers, d.placement, seen.replicas)
    requests.push({topic: seen, placement: d.placement, violations})
  }
  return placementActions(requests, brokers, observed, {...ctx, spread: false, drain: []})
}

export interface RebalanceRequest extends PlacementContext {
  /** Brokers to empty before their decommission. */
  readonly drain?: readonly number[]
  /** Spread replicas evenly (default); false moves only what breaks the placement or sits on a drained broker. */
  readonly spread?: boolean
}

/**
 * A cluster-wide rebalance of the declared topics that exist: each keeps its placement strategy
 * (`defaultPlacement` when it declares none), replicas spread evenly over the eligible brokers,
 * nothing left on a drained broker.
 */
export function planRebalanceMoves(desired: readonly TopicState[], observed: ClusterState, defaultPlacement: (brokers: readonly PlacementBroker[], rf: number) => PlacementSpec, request: RebalanceRequest): PlacementActions {
  const brokers = observedBrokers(observed)
  if (!brokers) return {actions: [], blocked: []}
  const byName = new Map(observed.topics.map((t) => [t.name, t]))
  const drain = request.drain ?? []
  const requests: TopicRequest[] = []
  for (const d of desired) {
    const seen = byName.get(d.name)
    if (!seen?.replicas || seen.replicas.length === 0) continue
    const placement = d.placement ?? defaultPlacement(brokers, seen.replicationFactor)
    const violations = placementViolations(brokers, placement, seen.replicas, drain)
    requests.push({topic: seen, placement, violations: violations.length > 0 ? violations : ['rebalance: spread replicas over the brokers']})
  }
  return placementActions(requests, brokers, observed, {...request, spread: request.spread ?? true, drain})
}

interface TopicRequest {
  readonly topic: TopicState
  readonly placement: PlacementSpec
  /** Empty: the assignment is fine (only in-flight moves or off leaders may need work). */
  readonly violations: readonly string[]
}

function observedBrokers(observed: ClusterState): PlacementBroker[] | undefined {
  return observed.brokers?.map((b) => ({id: b.id, rack: b.rack}))
}

function placementActions(
  requests: readonly TopicRequest[], brokers: readonly PlacementBroker[], observed: ClusterState,
  ctx: PlacementContext & {readonly spread: boolean; readonly drain: readonly number[]},
): PlacementActions {
  const toMove = requests.filter((r) => r.violations.length > 0)
  const plan = planPlacement({
    brokers,
    topics: toMove.map((r): TopicAssignment => ({topic: r.topic.name, replicas: r.topic.replicas!, placement: r.placement})),
    drain: ctx.drain,
    spreadReplicas: ctx.spread,
  })
  const planned = new Map(plan.topics.map((t) => [t.topic, t]))
  const sizes = new Map(Object.entries(observed.partitionSizes ?? {}))
  const inFlightOf = (topic: string) => (observed.reassignments ?? []).filter((r) => r.topic === topic).map((r) => r.partition).sort((a, b) => a - b)
  const actions: Action[] = []
  const blocked: BlockedItem[] = []
  for (const r of requests) {
    const name = r.topic.name
    const result = planned.get(name)
    if (result?.status === 'refused') {
      blocked.push({kind: 'topic.placement.refused', resource: `Topic/${name}`, topic: name, key: 'placement', reason: `placement ${r.placement.strategy}: ${result.reason}`, wayOut: result.hint})
      continue
    }
    const moves = result?.moves ?? []
    const inFlight = inFlightOf(name)
    const target = result?.target ?? r.topic.replicas!
    let reassignId: string | undefined
    if (moves.length > 0 || inFlight.length > 0) {
      const batchPlan = batchMoves(moves, {batchSize: ctx.batchSize ?? DEFAULT_REASSIGNMENT_BATCH, sizes})
      reassignId = `topic.placement.reassign:${name}`
      const action: PlacementReassignAction = {
        kind: 'topic.placement.reassign', id: reassignId, risk: 'disruptive', dependsOn: [],
        reason: moves.length > 0
          ? `${r.violations.join('; ')}; ${moves.length} partition(s) move through a partition reassignment`
          : `a reassignment of ${inFlight.length} partition(s) is in flight (an interrupted apply's): wait for it, then lift the throttles`,
        topic: name, placement: r.placement, violations: r.violations,
        moves: moves.map((m): PlacementMove => ({partition: m.partition, current: m.current, target: m.target, added: m.added, sizeBytes: sizes.get(partitionKey(name, m.partition)) ?? null})),
        batches: batchPlan.batches.map((b) => b.moves.map((m) => m.partition)),
        inFlight,
        bytes: batchPlan.bytes,
        unknownSizes: batchPlan.unknownSizes,
        etaSeconds: estimateSeconds(batchPlan, ctx.throttle) ?? null,
        ...(ctx.throttle === undefined ? {} : {throttle: ctx.throttle}),
      }
      actions.push(action)
    }
    const elect = offLeaders(r.topic, target, new Set([...moves.map((m) => m.partition), ...inFlight]))
    if (elect.length > 0) {
      const action: LeaderElectAction = {
        kind: 'topic.leaders.elect', id: `topic.leaders.elect:${name}`, risk: 'safe', dependsOn: reassignId ? [reassignId] : [],
        reason: `${elect.length} partition(s) led by another broker than their preferred leader`,
        topic: name, partitions: elect,
      }
      actions.push(action)
    }
  }
  const moving = actions.some((a) => a.kind === 'topic.placement.reassign') || (observed.reassignments ?? []).length > 0
  const throttled = observed.throttledBrokers ?? []
  if (!moving && throttled.length > 0) {
    actions.push({
      kind: 'replication.throttle.clear', id: 'replication.throttle.clear:brokers', risk: 'safe', dependsOn: [],
      reason: `broker ${throttled.join(', ')} still ${throttled.length === 1 ? 'has' : 'have'} a replication throttle rate and no reassignment is in flight (an interrupted move left it)`,
      brokers: [...throttled],
    })
  }
  return {actions, blocked}
}

/**
 * Partitions whose live leader is not the preferred one (first of `target`). An unmoved partition
 * whose preferred leader is out of sync is left out: Kafka would refuse the election
 * (PREFERRED_LEADER_NOT_AVAILABLE) until it catches up. A moved one (planned now or in flight)
 * ends in sync: a reassignment completes only once every target replica has joined the ISR.
 */
function offLeaders(t: TopicState, target: readonly (readonly number[])[], moved: ReadonlySet<number>): {partition: number; from: number; to: number}[] {
  const leaders = t.leaders
  if (!leaders) return []
  return target.flatMap((r, partition) => {
    const to = r[0]
    const from = leaders[partition] ?? -1
    if (to === undefined || from === to) return []
    const isr = t.isr?.[partition]
    if (!moved.has(partition) && isr !== undefined && !isr.includes(to)) return []
    return [{partition, from, to}]
  })
}

/**
 * The partition sizes a plan's moves were planned with: re-planning a saved plan with them gives
 * the same bytes and ETA, while the live sizes have grown since.
 */
export function plannedSizes(actions: readonly Action[]): Record<string, number> {
  const out: Record<string, number> = {}
  for (const a of actions) {
    if (a.kind !== 'topic.placement.reassign') continue
    for (const m of a.moves) if (m.sizeBytes !== null) out[partitionKey(a.topic, m.partition)] = m.sizeBytes
  }
  return out
}
