import type {TopicMeta} from '../model/desired.js'
import type {TopicState} from '../model/state.js'
import type {Action} from './actions.js'
import {maxRisk} from './actions.js'
import type {BlockedItem} from './blocked.js'
import {brokerDrift, diffTopicConfig} from './config-diff.js'
import type {TopicConfigDefaults} from './options.js'
import {placeReplicas} from './placement.js'
import {repartitionJob} from './repartition-job.js'

/** Everything the per-topic planner needs besides the two topic states. */
export interface TopicPlanContext {
  readonly defaults: TopicConfigDefaults
  readonly clusterInherited: Readonly<Record<string, string | null>>
  readonly readOnlyKeys: ReadonlySet<string>
  readonly retentionStep?: number
  readonly throttle?: number
  readonly brokerCount?: number
  readonly brokerIds?: readonly number[]
  readonly reassigning: ReadonlySet<string>
  /** Topic names declared or existing: generated repartition targets avoid them. */
  readonly takenNames: ReadonlySet<string>
}

export interface TopicPlan {
  readonly actions: Action[]
  readonly blocked: BlockedItem[]
  readonly drift: ReturnType<typeof brokerDrift>
}

function aboveBrokers(topic: string, rf: number, brokers: number, current?: number): BlockedItem {
  return {
    kind: 'topic.replication.above-brokers', resource: `Topic/${topic}`, topic,
    reason: `replication factor ${current === undefined ? '' : `${current} → `}${rf} needs ${rf} brokers, the cluster has ${brokers}`,
    wayOut: `lower replicationFactor of ${topic} to at most ${brokers}, or add brokers first`,
  }
}

/** Plans one declared topic against what exists (`observed` undefined = it does not exist). */
export function planTopic(desired: TopicState, observed: TopicState | undefined, meta: TopicMeta | undefined, ctx: TopicPlanContext): TopicPlan {
  const topic = desired.name
  const resource = `Topic/${topic}`
  const actions: Action[] = []
  const blocked: BlockedItem[] = []

  if (observed === undefined) {
    if (ctx.brokerCount !== undefined && desired.replicationFactor > ctx.brokerCount) {
      return {actions, blocked: [aboveBrokers(topic, desired.replicationFactor, ctx.brokerCount)], drift: []}
    }
    actions.push({
      kind: 'topic.create', id: `topic.create:${topic}`, risk: 'safe', dependsOn: [],
      reason: 'declared in the manifests, missing on the cluster',
      topic, partitions: desired.partitions, replicationFactor: desired.replicationFactor, config: desired.config,
    })
    return {actions, blocked, drift: []}
  }

  if (desired.partitions > observed.partitions) {
    actions.push({
      kind: 'topic.partitions.increase', id: `topic.partitions.increase:${topic}`, risk: 'disruptive', dependsOn: [],
      reason: 'more partitions declared; keyed records will map to different partitions from now on',
      topic, before: observed.partitions, after: desired.partitions,
    })
  } else if (desired.partitions < observed.partitions) {
    blocked.push({
      kind: 'topic.partitions.decrease', resource, topic,
      reason: `partitions ${observed.partitions} → ${desired.partitions}: Kafka cannot remove partitions`,
      wayOut: 'declare a new topic with the wanted partition count, run the generated repartition job, move consumers, then retire the old topic',
      job: repartitionJob(topic, desired.partitions, ctx.takenNames),
    })
  }

  const configDiff = diffTopicConfig(topic, desired.config, observed, {
    defaults: ctx.defaults, clusterInherited: ctx.clusterInherited, readOnlyKeys: ctx.readOnlyKeys, retentionStep: ctx.retentionStep, policy: meta?.policy,
  })
  blocked.push(...configDiff.blocked)
  if (configDiff.changes.length > 0) {
    const keys = configDiff.changes.map((c) => c.key).join(', ')
    actions.push({
      kind: 'topic.config.alter', id: `topic.config.alter:${topic}`, dependsOn: [],
      risk: maxRisk(configDiff.changes.map((c) => c.risk)),
      reason: `topic config differs from the manifests: ${keys}`,
      topic, changes: configDiff.changes,
    })
  }

  if (desired.replicationFactor !== observed.replicationFactor) {
    const rf = desired.replicationFactor
    if (ctx.reassigning.has(topic)) {
      blocked.push({
        kind: 'topic.replication.reassignment-in-flight', resource, topic,
        reason: `replication factor ${observed.replicationFactor} → ${rf}: a partition reassignment of ${topic} is still in flight`,
        wayOut: 'wait for the running reassignment to finish (kafka-reassign-partitions --verify), then plan again',
      })
    } else if (ctx.brokerCount !== undefined && rf > ctx.brokerCount) {
      blocked.push(aboveBrokers(topic, rf, ctx.brokerCount, observed.replicationFactor))
    } else if (ctx.brokerIds === undefined || ctx.brokerIds.length < rf || observed.replicas === undefined) {
      blocked.push({
        kind: 'topic.replication.brokers-unknown', resource, topic,
        reason: `replication factor ${observed.replicationFactor} → ${rf}: the broker ids or current replica assignment were not observed`,
        wayOut: 'plan again against the live cluster (the observed state lacked broker or replica data)',
      })
    } else {
      actions.push({
        kind: 'topic.replication.change', id: `topic.replication.change:${topic}`, dependsOn: [],
        risk: 'disruptive',
        reason: `replication factor declared ${rf}, is ${observed.replicationFactor}; replicas move through a partition reassignment`,
        topic, before: observed.replicationFactor, after: rf,
        assignments: placeReplicas(observed.replicas, ctx.brokerIds, rf),
        ...(ctx.throttle === undefined ? {} : {throttle: ctx.throttle}),
      })
    }
  }
  return {actions, blocked, drift: brokerDrift(desired.config, observed, ctx.defaults)}
}
