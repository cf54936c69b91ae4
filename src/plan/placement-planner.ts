import {MinCostFlow} from './min-cost-flow.js'
import {balancesLeaders, isRefusal, placementScope, type PlacementBroker, type PlacementScope, type PlacementSpec} from './placement-spec.js'

/**
 * The placement planner: live assignments in, the assignment each topic's strategy asks for out,
 * moving as few replicas as the strategy allows. Pure and deterministic (no I/O, no randomness).
 *
 * How it chooses, per topic:
 * 1. For each partition and each broker that may lead it, the fewest replica moves that give a
 *    valid replica set led by that broker (keep every current replica the strategy allows, fill
 *    the rest). Constraints other than leader balance are per partition, so these are exact.
 * 2. Leaders: when the strategy balances leaders, a min-cost flow gives each leader candidate
 *    floor(P/C) or ceil(P/C) partitions at the least total moves; then, at equal moves, the most
 *    partitions keep their current leader; then the extra (ceil) leaderships go to the brokers
 *    that lead least cluster-wide. Without balance each partition takes its cheapest leader,
 *    preferring the current one. So the moved-replica count is the minimum for the strategy.
 * 3. Fill: a partition short of replicas takes the eligible broker (allowed by its rack rule)
 *    holding the fewest replicas of the topic, then of the cluster, one replica per partition
 *    per round so early partitions do not take all the light brokers.
 * 4. `spreadReplicas` (a cluster-wide rebalance): moves followers from the topic's most-loaded
 *    brokers to its least-loaded ones until no single follower move allowed by the strategy
 *    brings two brokers' replica counts closer, undoing this plan's own additions first (they
 *    cost no extra move). Leaders stay, so the leader balance holds.
 */
export interface TopicAssignment {
  readonly topic: string
  /** Replicas per partition, indexed by partition id; the first is the preferred leader. */
  readonly replicas: readonly (readonly number[])[]
  readonly placement: PlacementSpec
}

export interface PlacementRequest {
  readonly brokers: readonly PlacementBroker[]
  readonly topics: readonly TopicAssignment[]
  /** Brokers to empty (before a decommission): no replica may stay on them. */
  readonly drain?: readonly number[]
  /** A cluster-wide rebalance: also spread each topic's replicas over its brokers (step 4). */
  readonly spreadReplicas?: boolean
}

export interface PartitionMove {
  readonly topic: string
  readonly partition: number
  readonly current: readonly number[]
  readonly target: readonly number[]
  /** Brokers that receive a copy: the data to move. */
  readonly added: readonly number[]
  readonly removed: readonly number[]
  readonly leaderChanged: boolean
}

export type TopicPlacement =
  | {readonly topic: string; readonly status: 'planned'; readonly target: readonly (readonly number[])[]; readonly moves: readonly PartitionMove[]}
  | {readonly topic: string; readonly status: 'refused'; readonly reason: string; readonly hint: string}

export interface PlacementPlan {
  readonly topics: readonly TopicPlacement[]
  /** Every changed partition, in request order. */
  readonly moves: readonly PartitionMove[]
  /** Replicas copied to a broker that did not hold them. */
  readonly movedReplicas: number
}

// Cost weights, in priority order: replica moves, then a changed leader, then a tie-break of at
// most LEADER_WEIGHT - 1 by cluster-wide leadership.
const MOVE_WEIGHT = 10_000_000
const LEADER_WEIGHT = 1_000

export function planPlacement(req: PlacementRequest): PlacementPlan {
  const drain = req.drain ?? []
  const clusterLeaders = new Map<number, number>()
  const clusterReplicas = new Map<number, number>()
  const bump = (m: Map<number, number>, b: number, by: number) => m.set(b, (m.get(b) ?? 0) + by)
  /** Adds (by 1) or takes away (by -1) one topic's assignment from the cluster-wide counts. */
  const count = (assignment: readonly (readonly number[])[], by: number) => {
    for (const r of assignment) r.forEach((b, i) => {
      bump(clusterReplicas, b, by)
      if (i === 0) bump(clusterLeaders, b, by)
    })
  }
  for (const t of req.topics) count(t.replicas, 1)

  const topics: TopicPlacement[] = []
  const moves: PartitionMove[] = []
  for (const t of req.topics) {
    const scope = placementScope(req.brokers, t.placement, t.replicas, drain)
    const empty = t.replicas.findIndex((r) => r.length === 0)
    if (isRefusal(scope) || empty >= 0) {
      const refusal = isRefusal(scope) ? scope : {reason: `partition ${empty} has no replicas`, hint: 'recover the partition before placing it'}
      topics.push({topic: t.topic, status: 'refused', ...refusal})
      continue
    }
    count(t.replicas, -1)
    const target = planTopic(t, scope, clusterLeaders, clusterReplicas, req.spreadReplicas === true)
    count(target, 1)
    const changed: PartitionMove[] = []
    target.forEach((next, partition) => {
      const current = t.replicas[partition]!
      if (sameList(current, next)) return
      changed.push({
        topic: t.topic, partition, current: [...current], target: next,
        added: next.filter((b) => !current.includes(b)),
        removed: current.filter((b) => !next.includes(b)),
        leaderChanged: current[0] !== next[0],
      })
    })
    topics.push({topic: t.topic, status: 'planned', target, moves: changed})
    moves.push(...changed)
  }
  return {topics, moves, movedReplicas: moves.reduce((n, m) => n + m.added.length, 0)}
}

/** Cost and kept replicas of leading `current` by `leader` (see step 1). */
interface LeaderOption {
  readonly kept: readonly number[]
  readonly moves: number
}

function leaderOption(t: TopicAssignment, scope: PlacementScope, eligible: ReadonlySet<number>, current: readonly number[], leader: number): LeaderOption {
  const rf = current.length
  const rackOf = (b: number) => scope.rackOf.get(b)
  const strategy = t.placement.strategy
  const usedRacks = new Set([rackOf(leader)])
  const kept: number[] = []
  for (const b of new Set(current)) {
    if (b === leader || !eligible.has(b) || kept.length === rf - 1) continue
    if (strategy === 'rack-aware') {
      if (usedRacks.has(rackOf(b))) continue
      usedRacks.add(rackOf(b))
    }
    if (strategy === 'in-rack' && rackOf(b) !== rackOf(leader)) continue
    kept.push(b)
  }
  return {kept, moves: (current.includes(leader) ? 0 : 1) + (rf - 1 - kept.length)}
}

function planTopic(
  t: TopicAssignment,
  scope: PlacementScope,
  clusterLeaders: ReadonlyMap<number, number>,
  clusterReplicas: ReadonlyMap<number, number>,
  spread: boolean,
): number[][] {
  const candidates = scope.leaderCandidates
  const eligible = new Set(scope.eligible)
  const options = t.replicas.map((current) => candidates.map((b) => leaderOption(t, scope, eligible, current, b)))
  const cost = (p: number, c: number) => options[p]![c]!.moves * MOVE_WEIGHT + (t.replicas[p]![0] === candidates[c] ? 0 : LEADER_WEIGHT)
  const tie = (b: number) => Math.min(LEADER_WEIGHT - 1, clusterLeaders.get(b) ?? 0)
  const leaderIndex = balancesLeaders(t.placement.strategy)
    ? balancedLeaders(t.replicas.length, candidates, cost, tie)
    : t.replicas.map((_, p) => {
      let best = 0
      for (let c = 1; c < candidates.length; c++) {
        if (cost(p, c) + tie(candidates[c]!) < cost(p, best) + tie(candidates[best]!)) best = c
      }
      return best
    })
  const target = leaderIndex.map((c, p) => [candidates[c]!, ...options[p]![c]!.kept])
  fill(t, scope, target, clusterReplicas)
  if (spread) spreadFollowers(t, scope, target, clusterReplicas)
  return target
}

/** Step 2: each candidate leads floor(P/C) or ceil(P/C) partitions, at the least total cost. */
function balancedLeaders(partitions: number, candidates: readonly number[], cost: (p: number, c: number) => number, tie: (b: number) => number): number[] {
  const c = candidates.length
  const low = Math.floor(partitions / c)
  const extra = partitions % c
  const source = 0
  const sink = partitions + c + 1
  const flow = new MinCostFlow(partitions + c + 2)
  let worst = 0
  const edges: number[][] = []
  for (let p = 0; p < partitions; p++) {
    flow.addEdge(source, 1 + p, 1, 0)
    edges.push(candidates.map((_, i) => {
      worst = Math.max(worst, cost(p, i))
      return flow.addEdge(1 + p, 1 + partitions + i, 1, cost(p, i))
    }))
  }
  // A reward above any total cost makes every candidate take its floor share first.
  const reward = (worst + LEADER_WEIGHT) * (partitions + 1)
  candidates.forEach((b, i) => {
    if (low > 0) flow.addEdge(1 + partitions + i, sink, low, -reward)
    if (extra > 0) flow.addEdge(1 + partitions + i, sink, 1, tie(b))
  })
  flow.run(source, sink, partitions)
  return edges.map((row) => row.findIndex((e) => flow.flowOn(e) === 1))
}

/** Whether `b` may join `replicas` (led by replicas[0]) under the strategy's rack rule. */
function fits(t: TopicAssignment, scope: PlacementScope, replicas: readonly number[], b: number): boolean {
  if (replicas.includes(b)) return false
  const rack = scope.rackOf.get(b)
  if (t.placement.strategy === 'rack-aware') return !replicas.some((x) => scope.rackOf.get(x) === rack)
  if (t.placement.strategy === 'in-rack') return rack === scope.rackOf.get(replicas[0]!)
  return true
}

function topicLoad(target: readonly (readonly number[])[]): Map<number, number> {
  const load = new Map<number, number>()
  for (const r of target) for (const b of r) load.set(b, (load.get(b) ?? 0) + 1)
  return load
}

/** Step 3. */
function fill(t: TopicAssignment, scope: PlacementScope, target: number[][], clusterReplicas: ReadonlyMap<number, number>): void {
  const load = topicLoad(target)
  const n = scope.eligible.length
  for (let busy = true; busy;) {
    busy = false
    target.forEach((replicas, p) => {
      if (replicas.length >= t.replicas[p]!.length) return
      let best: number | undefined
      for (let i = 0; i < n; i++) {
        const b = scope.eligible[(p + i) % n]!
        if (!fits(t, scope, replicas, b)) continue
        if (best === undefined || lighter(b, best, load, clusterReplicas)) best = b
      }
      // placementScope guarantees a fitting broker: enough eligible brokers, racks, rack sizes.
      if (best === undefined) throw new Error(`internal: no broker fits partition ${p} of ${t.topic}`)
      replicas.push(best)
      load.set(best, (load.get(best) ?? 0) + 1)
      busy = true
    })
  }
}

function lighter(a: number, b: number, load: ReadonlyMap<number, number>, cluster: ReadonlyMap<number, number>): boolean {
  const la = load.get(a) ?? 0
  const lb = load.get(b) ?? 0
  return la !== lb ? la < lb : (cluster.get(a) ?? 0) < (cluster.get(b) ?? 0)
}

/** Step 4: single follower moves that narrow the gap between two brokers' replica counts. */
function spreadFollowers(t: TopicAssignment, scope: PlacementScope, target: number[][], clusterReplicas: ReadonlyMap<number, number>): void {
  const load = topicLoad(target)
  const count = (b: number) => load.get(b) ?? 0
  for (;;) {
    let best: {p: number; at: number; to: number; extra: number; gap: number} | undefined
    for (const from of scope.eligible) {
      for (const to of scope.eligible) {
        const gap = count(from) - count(to)
        if (gap < 2) continue
        target.forEach((replicas, p) => {
          const at = replicas.indexOf(from)
          if (at <= 0) return
          const rest = replicas.filter((_, i) => i !== at)
          if (!fits(t, scope, rest, to)) return
          const current = t.replicas[p]!
          const extra = (current.includes(to) ? 0 : 1) - (current.includes(from) ? 0 : 1)
          const better = best === undefined || extra < best.extra || (extra === best.extra && gap > best.gap) ||
            (extra === best.extra && gap === best.gap && (clusterReplicas.get(to) ?? 0) < (clusterReplicas.get(best.to) ?? 0))
          if (better) best = {p, at, to, extra, gap}
        })
      }
    }
    if (best === undefined) return
    const replicas = target[best.p]!
    load.set(replicas[best.at]!, count(replicas[best.at]!) - 1)
    load.set(best.to, count(best.to) + 1)
    replicas[best.at] = best.to
  }
}

function sameList(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i])
}
