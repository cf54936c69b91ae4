import type {DesiredState} from '../model/desired.js'
import type {ClusterState} from '../model/state.js'
import {observeCluster} from '../observe/observe-cluster.js'
import {observePlacement, withPlacement} from '../observe/observe-placement.js'
import {planRebalance} from '../plan/index.js'
import {TOPIC_DEFAULTS, type PlannedChanges} from './plan-environment.js'
import type {Target} from './target.js'

export interface RebalanceRequest {
  readonly throttle?: number
  /** Brokers to empty (`--drain`). */
  readonly drain?: readonly number[]
}

/**
 * What a rebalance looks at: every topic's layout (internal ones too: a drained broker must end
 * up empty), no topic configs (a rebalance changes none), and the placement facts — racks,
 * leaders, moves in flight, throttles, sizes.
 */
export async function observeForRebalance(target: Target): Promise<ClusterState> {
  const cluster = await observeCluster(target.gateway, {configFilter: () => false, kafkaDefaults: TOPIC_DEFAULTS})
  return withPlacement(cluster, await observePlacement(target.gateway, cluster.topics.map((t) => t.name)))
}

export async function planRebalanceEnvironment(target: Target, desired: DesiredState, request: RebalanceRequest = {}): Promise<PlannedChanges> {
  const observed = await observeForRebalance(target)
  const plan = planRebalance(desired, observed, {
    allowDelete: false,
    throttle: request.throttle,
    drain: request.drain,
    now: new Date().toISOString(),
    topicDefaults: TOPIC_DEFAULTS,
  })
  return {plan, observed}
}
