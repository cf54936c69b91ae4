import type {AdminGateway, ConfigAlteration} from '../cluster/gateway.js'
import {StreamctlError} from '../errors.js'
import type {LeaderElectAction, PlacementReassignAction, ThrottleClearAction} from '../plan/index.js'
import type {ApplyEventListener} from './events.js'
import {DEFAULT_REASSIGNMENT_TIMEOUT_MS, throttleOps} from './reassign.js'

const POLL_MS = 500

export interface PlacementMoveOptions {
  /** How long one batch (or the wait for a reassignment already in flight) may take. */
  readonly timeoutMs?: number
  readonly onEvent?: ApplyEventListener
  readonly signal?: AbortSignal
  /** Between polls of ListPartitionReassignments (tests shorten it). */
  readonly pollMs?: number
}

/**
 * Runs placement reassignments: one batch at a time and never while any other reassignment is
 * in flight on the cluster (a crashed apply's is waited for first, not duplicated). The
 * throttle, when asked, is applied the way kafka-reassign-partitions does it (broker rates plus
 * the topics' throttled-replica lists); at the end, whatever happened, every broker's rates and
 * the topics' lists are removed, so neither a finished, a failed nor a rerun-after-crash move
 * leaves the cluster throttled.
 */
export async function runPlacementMoves(gateway: AdminGateway, actions: readonly PlacementReassignAction[], options: PlacementMoveOptions = {}): Promise<void> {
  if (actions.length === 0) return
  const brokers = (await gateway.describeCluster()).brokers.map((b) => String(b.nodeId))
  const topics = actions.map((a) => a.topic)
  const throttle = actions.find((a) => a.throttle !== undefined)?.throttle
  try {
    if (throttle !== undefined) await gateway.incrementalAlterConfigs(throttleAll(topics, brokers, String(throttle)))
    for (const a of actions) {
      if (a.inFlight.length > 0) await awaitNoneInFlight(gateway, a.topic, options)
      for (const [i, partitions] of a.batches.entries()) {
        await awaitNoneInFlight(gateway, a.topic, options)
        const moves = partitions.map((p) => a.moves.find((m) => m.partition === p)!)
        options.onEvent?.({
          type: 'reassignment.batch', topic: a.topic, batch: i + 1, batches: a.batches.length, partitions: [...partitions],
          bytes: moves.reduce((n, m) => n + (m.sizeBytes ?? 0) * m.added.length, 0),
        })
        await gateway.alterPartitionReassignments(moves.map((m) => ({topic: a.topic, partition: m.partition, replicas: m.target})))
        await awaitNoneInFlight(gateway, a.topic, options)
      }
    }
  } finally {
    await gateway.incrementalAlterConfigs(throttleAll(topics, brokers, null)).catch(() => undefined)
  }
}

/** The broker rates once, then each topic's throttled-replica lists (set, or deleted when `rate` is null). */
function throttleAll(topics: readonly string[], brokers: readonly string[], rate: string | null): ConfigAlteration[] {
  return topics.flatMap((t, i) => throttleOps(t, i === 0 ? brokers : [], rate))
}

/** Waits until the cluster has no partition reassignment in flight, reporting what is left of `topic`'s. */
async function awaitNoneInFlight(gateway: AdminGateway, topic: string, options: PlacementMoveOptions): Promise<void> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_REASSIGNMENT_TIMEOUT_MS
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const ongoing = await gateway.listPartitionReassignments()
    options.onEvent?.({type: 'reassignment.progress', topic, remainingPartitions: ongoing.filter((r) => r.topic === topic).length})
    if (ongoing.length === 0) return
    if (options.signal?.aborted) throw new StreamctlError('APPLY_FAILED', `interrupted while ${ongoing.length} partition(s) are being reassigned`, {hint: 'the reassignment continues in Kafka; re-run apply to wait for it and lift the throttles'})
    if (Date.now() > deadline) {
      throw new StreamctlError('APPLY_FAILED', `a partition reassignment is still running after ${Math.round(timeoutMs / 1000)} s (${ongoing.length} partition(s) left, e.g. ${ongoing[0]!.topic}:${ongoing[0]!.partition})`, {
        hint: 'Kafka keeps moving the data; re-run apply later: it waits for the move in flight, then continues',
        retriable: true,
      })
    }
    await new Promise((r) => setTimeout(r, options.pollMs ?? POLL_MS))
  }
}

/** Preferred-leader elections; a partition whose preferred leader already leads is not an error. */
export async function electPreferredLeaders(gateway: AdminGateway, actions: readonly LeaderElectAction[]): Promise<void> {
  const partitions = actions.flatMap((a) => a.partitions.map((p) => ({topic: a.topic, partition: p.partition})))
  if (partitions.length > 0) await gateway.electLeaders(partitions, 'PREFERRED')
}

/** Removes the replication throttle rates of the named brokers. */
export async function clearThrottles(gateway: AdminGateway, actions: readonly ThrottleClearAction[]): Promise<void> {
  const brokers = [...new Set(actions.flatMap((a) => a.brokers))].map(String)
  await gateway.incrementalAlterConfigs(brokers.map((id): ConfigAlteration => ({
    resourceType: 'BROKER', resourceName: id,
    ops: ['leader.replication.throttled.rate', 'follower.replication.throttled.rate'].map((key) => ({key, op: 'DELETE' as const})),
  })))
}
