import type {AdminGateway, ConfigAlteration} from '../cluster/gateway.js'
import {StreamctlError} from '../errors.js'
import type {Action} from '../plan/index.js'
import type {ApplyEventListener} from './events.js'

type ReplicationChange = Extract<Action, {kind: 'topic.replication.change'}>

const POLL_MS = 500
export const DEFAULT_REASSIGNMENT_TIMEOUT_MS = 10 * 60_000

/**
 * Changes a topic's replicas through AlterPartitionReassignments and waits for the data to move.
 * With a throttle, replication traffic is capped the way kafka-reassign-partitions does it
 * (broker-level rates + topic-level throttled-replica lists) and the caps are always removed
 * afterwards, so a finished or failed apply never leaves a cluster throttled.
 */
export async function moveReplicas(
  gateway: AdminGateway,
  action: ReplicationChange,
  options: {timeoutMs?: number; onEvent?: ApplyEventListener; signal?: AbortSignal},
): Promise<void> {
  const brokers = action.throttle ? (await gateway.describeCluster()).brokers.map((b) => String(b.nodeId)) : []
  if (action.throttle) await gateway.incrementalAlterConfigs(throttleOps(action.topic, brokers, String(action.throttle)))
  try {
    await gateway.alterPartitionReassignments(action.assignments.map((replicas, partition) => ({topic: action.topic, partition, replicas})))
    const deadline = Date.now() + (options.timeoutMs ?? DEFAULT_REASSIGNMENT_TIMEOUT_MS)
    for (;;) {
      const ongoing = await gateway.listPartitionReassignments([action.topic])
      options.onEvent?.({type: 'reassignment.progress', topic: action.topic, remainingPartitions: ongoing.length})
      if (ongoing.length === 0) return
      if (options.signal?.aborted) throw new StreamctlError('APPLY_FAILED', `interrupted while ${action.topic} is being reassigned`, {hint: 'the reassignment continues in Kafka; re-run apply once it finishes'})
      if (Date.now() > deadline) {
        throw new StreamctlError('APPLY_FAILED', `reassignment of ${action.topic} still running after ${Math.round((options.timeoutMs ?? DEFAULT_REASSIGNMENT_TIMEOUT_MS) / 1000)} s (${ongoing.length} partitions left)`, {
          hint: 'Kafka keeps moving the data; re-run apply later (the planner waits for in-flight reassignments)',
          retriable: true,
        })
      }
      await new Promise((r) => setTimeout(r, POLL_MS))
    }
  } finally {
    if (action.throttle) await gateway.incrementalAlterConfigs(throttleOps(action.topic, brokers, null)).catch(() => undefined)
  }
}

export function throttleOps(topic: string, brokers: readonly string[], rate: string | null): ConfigAlteration[] {
  const set = rate !== null
  return [
    ...brokers.map((id): ConfigAlteration => ({
      resourceType: 'BROKER',
      resourceName: id,
      ops: ['leader.replication.throttled.rate', 'follower.replication.throttled.rate'].map((key) => (set ? {key, op: 'SET' as const, value: rate} : {key, op: 'DELETE' as const})),
    })),
    {
      resourceType: 'TOPIC',
      resourceName: topic,
      ops: ['leader.replication.throttled.replicas', 'follower.replication.throttled.replicas'].map((key) => (set ? {key, op: 'SET' as const, value: '*'} : {key, op: 'DELETE' as const})),
    },
  ]
}
