/**
 * Placement strategies: what a topic's replica assignment must look like. Pure; the planner
 * (placement-planner.ts) moves replicas until an assignment satisfies its strategy, and
 * `placementViolations` says whether a live assignment already does.
 *
 * Terms used in every definition below (one topic, its partitions in order, first replica = the
 * preferred leader):
 * - eligible brokers: the live brokers, minus drained ones, and only those whose `broker.rack` is
 *   in `racks` when `racks` is given. Every replica must sit on an eligible broker; a partition
 *   keeps its replication factor (changing it is `placeReplicas`' job).
 * - leader candidates: the eligible brokers, or only the eligible ones in `preferredLeaders` when
 *   given; for `in-rack`, only candidates whose rack holds at least RF eligible brokers (a leader
 *   elsewhere could not have its followers in its rack).
 * - balanced leaders: the preferred leaders of the topic's partitions are all leader candidates,
 *   and their counts per candidate differ by at most one (so with P partitions and C candidates,
 *   each leads floor(P/C) or ceil(P/C)). This is per broker: topicctl balances leaders per rack,
 *   which per broker implies whenever the racks hold equal numbers of brokers, and per-broker is
 *   what the load of a broker depends on.
 *
 * The strategies (topicctl's, with `rack-aware` for its `cross-rack`):
 * - `any`: replicas on distinct eligible brokers; with `preferredLeaders`, every preferred leader
 *   is one of them (no balance asked).
 * - `balanced-leaders`: `any` plus balanced leaders.
 * - `rack-aware`: balanced leaders, and the replicas of each partition on distinct racks. Every
 *   eligible broker needs a rack, and RF may not exceed the number of eligible racks.
 * - `in-rack`: balanced leaders, and all replicas of each partition in its leader's rack. Every
 *   eligible broker needs a rack, and some rack needs RF eligible brokers.
 */
export const PLACEMENT_STRATEGIES = ['any', 'balanced-leaders', 'rack-aware', 'in-rack'] as const
export type PlacementStrategy = (typeof PLACEMENT_STRATEGIES)[number]

export interface PlacementSpec {
  readonly strategy: PlacementStrategy
  /** The racks the topic may use (all when absent). */
  readonly racks?: readonly string[]
  /** Broker ids that may be preferred leaders (all eligible brokers when absent). */
  readonly preferredLeaders?: readonly number[]
}

export interface PlacementBroker {
  readonly id: number
  /** `broker.rack`; absent or null when the broker has none. */
  readonly rack?: string | null
}

/** Whether the strategy asks for balanced leaders (see the module comment). */
export function balancesLeaders(strategy: PlacementStrategy): boolean {
  return strategy !== 'any'
}

/** The brokers one topic may use under its spec, or why none will do. Pure and deterministic. */
export interface PlacementScope {
  readonly eligible: readonly number[]
  readonly rackOf: ReadonlyMap<number, string | undefined>
  readonly leaderCandidates: readonly number[]
  /** The largest replication factor among the topic's partitions. */
  readonly rf: number
}

export interface PlacementRefusal {
  readonly reason: string
  readonly hint: string
}

export function placementScope(
  brokers: readonly PlacementBroker[],
  spec: PlacementSpec,
  replicas: readonly (readonly number[])[],
  drain: readonly number[] = [],
): PlacementScope | PlacementRefusal {
  const rackOf = new Map<number, string | undefined>(brokers.map((b) => [b.id, b.rack ?? undefined]))
  const knownRacks = new Set(brokers.flatMap((b) => (b.rack ? [b.rack] : [])))
  const unknownRack = (spec.racks ?? []).find((r) => !knownRacks.has(r))
  if (unknownRack !== undefined) {
    return {reason: `placement.racks names rack "${unknownRack}", which no live broker has`, hint: `use the racks the brokers declare (broker.rack): ${[...knownRacks].sort().join(', ') || 'none is set'}`}
  }
  const unknownLeader = (spec.preferredLeaders ?? []).find((id) => !rackOf.has(id))
  if (unknownLeader !== undefined) {
    return {reason: `placement.preferredLeaders names broker ${unknownLeader}, which is not a live broker`, hint: `use live broker ids: ${[...rackOf.keys()].sort((a, b) => a - b).join(', ')}`}
  }
  const drained = new Set(drain)
  const allowedRacks = spec.racks ? new Set(spec.racks) : undefined
  const eligible = [...new Set(brokers.map((b) => b.id))]
    .filter((id) => !drained.has(id) && (allowedRacks === undefined || allowedRacks.has(rackOf.get(id) ?? '')))
    .sort((a, b) => a - b)
  const rf = Math.max(0, ...replicas.map((r) => r.length))
  const where = describeScope(spec, drain)
  if (rf > eligible.length) {
    return {reason: `replication factor ${rf} needs ${rf} brokers, but only ${eligible.length} are eligible${where}`, hint: 'allow more racks, drain fewer brokers, or lower the replication factor'}
  }
  const rackAware = spec.strategy === 'rack-aware' || spec.strategy === 'in-rack'
  if (rackAware) {
    const noRack = eligible.find((id) => rackOf.get(id) === undefined)
    if (noRack !== undefined) {
      return {reason: `strategy ${spec.strategy} needs every broker's rack, but broker ${noRack} has no broker.rack`, hint: 'set broker.rack on every broker, or use strategy balanced-leaders'}
    }
  }
  const perRack = new Map<string, number>()
  for (const id of eligible) perRack.set(rackOf.get(id) ?? '', (perRack.get(rackOf.get(id) ?? '') ?? 0) + 1)
  /** Eligible brokers in broker `id`'s rack. */
  const rackSize = (id: number) => perRack.get(rackOf.get(id) ?? '') ?? 0
  if (spec.strategy === 'rack-aware' && rf > perRack.size) {
    return {reason: `strategy rack-aware puts each replica in its own rack, but replication factor ${rf} exceeds the ${perRack.size} eligible rack(s)${where}`, hint: 'add racks (or allow more in placement.racks), lower the replication factor, or use strategy balanced-leaders'}
  }
  const preferred = spec.preferredLeaders ? new Set(spec.preferredLeaders) : undefined
  const leaderCandidates = eligible.filter((id) =>
    (preferred === undefined || preferred.has(id)) &&
    (spec.strategy !== 'in-rack' || rackSize(id) >= rf))
  if (spec.strategy === 'in-rack' && !eligible.some((id) => rackSize(id) >= rf)) {
    return {reason: `strategy in-rack keeps a partition's replicas in one rack, but no eligible rack has ${rf} brokers${where}`, hint: 'lower the replication factor, add brokers to a rack, or use strategy rack-aware'}
  }
  if (leaderCandidates.length === 0 && replicas.length > 0) {
    const why = spec.strategy === 'in-rack' ? ` in a rack with ${rf} eligible brokers` : ''
    return {reason: `no broker of placement.preferredLeaders (${(spec.preferredLeaders ?? []).join(', ')}) is eligible to lead${why}${where}`, hint: 'name eligible brokers in placement.preferredLeaders, or leave it out'}
  }
  return {eligible, rackOf, leaderCandidates, rf}
}

export function isRefusal(x: PlacementScope | PlacementRefusal): x is PlacementRefusal {
  return 'reason' in x
}

function describeScope(spec: PlacementSpec, drain: readonly number[]): string {
  const parts = [
    ...(spec.racks ? [`racks ${spec.racks.join(', ')}`] : []),
    ...(drain.length > 0 ? [`broker ${drain.join(', ')} drained`] : []),
  ]
  return parts.length > 0 ? ` (${parts.join('; ')})` : ''
}

/**
 * What keeps an assignment from satisfying its strategy, as readable sentences (empty: it
 * satisfies it). The manifest planner plans a reassignment for a topic with any violation.
 */
export function placementViolations(
  brokers: readonly PlacementBroker[],
  spec: PlacementSpec,
  replicas: readonly (readonly number[])[],
  drain: readonly number[] = [],
): string[] {
  const scope = placementScope(brokers, spec, replicas, drain)
  if (isRefusal(scope)) return [scope.reason]
  const eligible = new Set(scope.eligible)
  const out: string[] = []
  replicas.forEach((r, p) => {
    if (new Set(r).size !== r.length) out.push(`partition ${p} lists a broker twice (${r.join(', ')})`)
    const off = r.filter((b) => !eligible.has(b))
    if (off.length > 0) out.push(`partition ${p} has replicas on broker ${off.join(', ')}, which ${off.length === 1 ? 'is' : 'are'} not eligible`)
    const racks = r.map((b) => scope.rackOf.get(b))
    if (spec.strategy === 'rack-aware' && new Set(racks).size !== r.length) out.push(`partition ${p} has two replicas in one rack (${r.map((b, i) => `${b}:${racks[i]}`).join(', ')})`)
    if (spec.strategy === 'in-rack' && new Set(racks).size > 1) out.push(`partition ${p} spans racks ${[...new Set(racks)].join(', ')}`)
  })
  const candidates = new Set(scope.leaderCandidates)
  const leaders = replicas.flatMap((r) => (r.length > 0 ? [r[0]!] : []))
  const badLeaders = [...new Set(leaders.filter((b) => !candidates.has(b)))]
  if (spec.preferredLeaders !== undefined || balancesLeaders(spec.strategy)) {
    if (badLeaders.length > 0) out.push(`broker ${badLeaders.join(', ')} ${badLeaders.length === 1 ? 'is a preferred leader but may not lead' : 'are preferred leaders but may not lead'}`)
  }
  if (balancesLeaders(spec.strategy)) {
    const counts = scope.leaderCandidates.map((b) => leaders.filter((l) => l === b).length)
    const spread = Math.max(...counts) - Math.min(...counts)
    if (spread > 1) out.push(`leaders are unbalanced: ${scope.leaderCandidates.map((b, i) => `broker ${b} leads ${counts[i]}`).join(', ')}`)
  }
  return out
}
