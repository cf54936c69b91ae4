import type {DesiredState} from '../model/desired.js'
import type {ClusterState} from '../model/state.js'
import {TOPIC_CONFIGS} from '../manifest/kafka-topic-configs.js'
import {observeCluster} from '../observe/observe-cluster.js'
import {isInternalTopic, planChanges, topicDefaultsFrom, type Plan} from '../plan/index.js'
import type {Target} from './target.js'

export interface PlanRequest {
  readonly allowDelete?: boolean
  readonly retentionStep?: number
  readonly throttle?: number
}

export interface PlannedChanges {
  readonly plan: Plan
  readonly observed: ClusterState
}

export const TOPIC_DEFAULTS = topicDefaultsFrom(TOPIC_CONFIGS)

/**
 * Observes the cluster and plans. Internal topics (Kafka's, the registry's, our lock and audit
 * topics) are left out of the observation: the planner never touches them, and the lock topic
 * appearing between plan and apply must not make a saved plan look stale.
 */
export async function observeForPlan(target: Target, desired: DesiredState): Promise<ClusterState> {
  return observeCluster(target.gateway, {acls: desired.services.length > 0, topicFilter: (name) => !isInternalTopic(name)})
}

export async function planEnvironment(target: Target, desired: DesiredState, request: PlanRequest = {}): Promise<PlannedChanges> {
  const observed = await observeForPlan(target, desired)
  const plan = planChanges(desired, observed, {
    allowDelete: request.allowDelete ?? false,
    retentionStep: request.retentionStep,
    throttle: request.throttle,
    now: new Date().toISOString(),
    topicDefaults: TOPIC_DEFAULTS,
  })
  return {plan, observed}
}
