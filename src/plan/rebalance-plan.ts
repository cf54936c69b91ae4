import type {DesiredState} from '../model/desired.js'
import type {ClusterState, TopicState} from '../model/state.js'
import type {BlockedItem} from './blocked.js'
import type {PlanOptions} from './options.js'
import {orderActions} from './order.js'
import type {Plan} from './plan.js'
import {planRebalanceMoves, settleInFlight} from './placement-actions.js'
import type {PlacementBroker, PlacementSpec} from './placement-spec.js'
import {finish} from './planner.js'
import {isInternalTopic} from './topic-scope.js'

export interface RebalanceOptions extends PlanOptions {
  /** Brokers to empty before their decommission. */
  readonly drain?: readonly number[]
}

/**
 * The strategy of a declared topic without a placement of its own: rack-aware when every broker
 * has a rack and there are enough racks for the topic's replicas, else balanced-leaders.
 */
export function defaultRebalancePlacement(brokers: readonly PlacementBroker[], rf: number): PlacementSpec {
  const racks = new Set(brokers.map((b) => b.rack ?? ''))
  const everyRack = brokers.every((b) => (b.rack ?? '') !== '')
  return {strategy: everyRack && racks.size >= rf ? 'rack-aware' : 'balanced-leaders'}
}

const ANY: PlacementSpec = {strategy: 'any'}

/**
 * `streamctl rebalance`: desired + observed → a plan of placement moves only (pure). Every
 * declared topic that exists keeps its strategy and has its replicas and leaders spread evenly
 * over the eligible brokers, moving as few replicas as that allows. With `drain`, every other
 * topic holding a replica on a drained broker (undeclared ones, Kafka's and streamctl's internal
 * topics) moves that replica off as well, with the least movement and its leaders kept where
 * they may stay: a drained broker is empty afterwards.
 */
export function planRebalance(desired: DesiredState, live: ClusterState, options: RebalanceOptions): Plan {
  const observed = settleInFlight(live)
  const drain = [...new Set(options.drain ?? [])].sort((a, b) => a - b)
  const none = {topics: [], acls: [], users: [], quotas: []}
  const blocked: BlockedItem[] = []
  const expectedId = desired.cluster.clusterId ?? desired.environment.clusterId
  if (expectedId !== undefined && observed.clusterId !== expectedId) {
    return finish(desired, live, options, [], [{
      kind: 'cluster.id-mismatch', resource: 'Cluster',
      reason: `environment ${desired.environment.name} expects cluster id ${expectedId}, the cluster reports ${observed.clusterId ?? 'no id'}`,
      wayOut: `check the bootstrap servers of ${desired.environment.name}; if the cluster was rebuilt on purpose, update clusterId in the Environment`,
    }], [], none)
  }
  const liveBrokers = new Set((observed.brokers ?? []).map((b) => b.id))
  const unknown = drain.filter((b) => !liveBrokers.has(b))
  if (unknown.length > 0) {
    blocked.push({
      kind: 'placement.drain-unknown', resource: `Broker/${unknown.join(',')}`,
      reason: `--drain names broker ${unknown.join(', ')}, which is not a live broker of the cluster`,
      wayOut: `drain a live broker: ${[...liveBrokers].sort((a, b) => a - b).join(', ')}`,
    })
    return finish(desired, live, options, [], blocked, [], none)
  }
  const declared = new Map(desired.cluster.topics.map((t) => [t.name, t]))
  const inScope = (t: TopicState) => declared.has(t.name) && !isInternalTopic(t.name, t.internal)
  const envPlacement = desired.environment.placement
  const declaredTopics = observed.topics.filter(inScope).map((t) => {
    const d = declared.get(t.name)!
    return d.placement === undefined && envPlacement !== undefined ? {...d, placement: envPlacement} : d
  })
  const spread = planRebalanceMoves(declaredTopics, observed, defaultRebalancePlacement, {throttle: options.throttle, drain})
  const onDrained = (t: TopicState) => (t.replicas ?? []).some((r) => r.some((b) => drain.includes(b)))
  const others = drain.length === 0 ? [] : observed.topics.filter((t) => !inScope(t) && onDrained(t)).map((t) => ({name: t.name, partitions: t.partitions, replicationFactor: t.replicationFactor, config: {}, placement: ANY}))
  const off = planRebalanceMoves(others, observed, () => ANY, {throttle: options.throttle, drain, spread: false})
  const actions = [...spread.actions, ...off.actions.filter((a) => a.kind !== 'replication.throttle.clear' || !spread.actions.some((s) => s.kind === a.kind))]
  return finish(desired, live, options, orderActions(actions), [...spread.blocked, ...off.blocked], [], none)
}
