import type {AdminGateway} from '../cluster/gateway.js'
import type {DesiredState} from '../model/desired.js'
import type {ClusterState, InFlightReassignment} from '../model/state.js'
import {partitionKey} from '../plan/index.js'

/** Broker configs that cap replication traffic during a reassignment (kafka-reassign-partitions' keys). */
export const THROTTLE_RATE_KEYS = ['leader.replication.throttled.rate', 'follower.replication.throttled.rate'] as const

/**
 * What placement planning needs beyond the plan's usual observation: each broker's rack
 * (DescribeCluster), each partition's live leader (Metadata), the in-flight reassignments and
 * where they go, brokers left with a throttle rate, and partition sizes (DescribeLogDirs, every
 * broker, the largest replica of each partition: what a new replica has to copy). Read only when
 * some declared topic has a placement, or for a rebalance.
 */
export async function observePlacement(gateway: AdminGateway, topics: readonly string[]): Promise<{
  readonly state: Pick<ClusterState, 'brokers' | 'reassignments' | 'throttledBrokers' | 'partitionSizes'>
  readonly leaders: ReadonlyMap<string, {readonly leaders: readonly number[]; readonly isr: readonly (readonly number[])[]}>
}> {
  const [cluster, descriptions, ongoing, logDirs] = await Promise.all([
    gateway.describeCluster(),
    gateway.describeAllTopics(),
    gateway.listPartitionReassignments(),
    topics.length > 0 ? gateway.describeLogDirs(topics) : Promise.resolve([]),
  ])
  const brokerIds = cluster.brokers.map((b) => b.nodeId)
  const brokerConfigs = await gateway.describeBrokerConfigs(brokerIds)
  const throttledBrokers = brokerIds.filter((id) => THROTTLE_RATE_KEYS.some((k) => {
    const e = brokerConfigs.get(id)?.[k]
    return e !== undefined && e.source === 'DYNAMIC_BROKER' && e.value !== null
  }))
  const wanted = new Set(topics)
  const leaders = new Map<string, {leaders: number[]; isr: number[][]}>()
  for (const d of descriptions) {
    if (!wanted.has(d.name)) continue
    const ordered = [...d.partitions].sort((a, b) => a.partition - b.partition)
    leaders.set(d.name, {leaders: ordered.map((p) => p.leader), isr: ordered.map((p) => [...p.isr])})
  }
  const partitionSizes: Record<string, number> = {}
  for (const l of logDirs) {
    const key = partitionKey(l.topic, l.partition)
    partitionSizes[key] = Math.max(partitionSizes[key] ?? 0, l.sizeBytes)
  }
  const reassignments: InFlightReassignment[] = ongoing.map((r) => ({
    topic: r.topic, partition: r.partition, target: r.replicas.filter((b) => !r.removingReplicas.includes(b)),
  }))
  return {
    state: {
      brokers: cluster.brokers.map((b) => ({id: b.nodeId, rack: b.rack ?? null})),
      reassignments,
      throttledBrokers,
      partitionSizes,
    },
    leaders,
  }
}

/** The observed state with the placement facts merged in (leaders onto their topics). */
export function withPlacement(observed: ClusterState, placement: Awaited<ReturnType<typeof observePlacement>>): ClusterState {
  return {
    ...observed,
    ...placement.state,
    topics: observed.topics.map((t) => {
      const live = placement.leaders.get(t.name)
      return live ? {...t, leaders: live.leaders, isr: live.isr} : t
    }),
  }
}

/** Whether the manifests ask for placement anywhere (the Environment or a Topic). */
export function placementDeclared(desired: DesiredState): boolean {
  return desired.environment.placement !== undefined || desired.cluster.topics.some((t) => t.placement !== undefined)
}

/** The plan's observation plus the placement facts, when placement is declared or `always`. */
export async function withPlacementIfDeclared(target: {readonly gateway: AdminGateway}, desired: DesiredState, observed: ClusterState, always: boolean): Promise<ClusterState> {
  if (!always && !placementDeclared(desired)) return observed
  const declared = new Set(desired.cluster.topics.map((t) => t.name))
  const existing = observed.topics.filter((t) => declared.has(t.name)).map((t) => t.name)
  return withPlacement(observed, await observePlacement(target.gateway, existing))
}
