import type {AdminGateway} from '../cluster/gateway.js'
import {LATEST_TIMESTAMP} from '../cluster/protocol/list-offsets.js'
import type {DesiredState} from '../model/desired.js'
import type {ClusterState} from '../model/state.js'
import type {ReplicaStatus} from '../plan/plan.js'
import {replicaStatus, type EndOffsets} from '../plan/replica-status.js'
import {connectEnvironment} from '../reconcile/target.js'

/**
 * The lag of each Replica of the environment: the source topics' end offsets read through each
 * source environment's own connection, the copies' through the target's gateway, one batched
 * ListOffsets per side and leader. A copy not created yet, or a source topic missing, leaves that
 * replica's lag unknown with the reason.
 */
export async function observeReplicaLag(gateway: AdminGateway, desired: DesiredState, observed: ClusterState, opts: {start: boolean}): Promise<ReplicaStatus[] | undefined> {
  const replicas = desired.replicas ?? []
  if (replicas.length === 0) return undefined
  const existing = new Map(observed.topics.map((t) => [t.name, t.partitions]))
  const copies = replicas.filter((r) => existing.has(r.topic))
  // Lag is reported, never required: a side that cannot be read leaves it unknown with the reason.
  const copyEnds = await endOffsets(gateway, copies.map((r) => ({topic: r.topic, partitions: existing.get(r.topic)!}))).catch((e: unknown) => reason(e))
  const sourceEnds = new Map<string, EndOffsets>()
  for (const environment of [...new Set(replicas.map((r) => r.source.environment))]) {
    const mine = replicas.filter((r) => r.source.environment === environment)
    try {
      const source = await connectEnvironment(mine[0]!.sourceEnvironment, {start: opts.start})
      try {
        const present = new Map((await source.gateway.describeTopics(mine.map((r) => r.source.topic)).catch(() => [])).map((t) => [t.name, t.partitions.length]))
        const ends = await endOffsets(source.gateway, mine.filter((r) => present.has(r.source.topic)).map((r) => ({topic: r.source.topic, partitions: present.get(r.source.topic)!})))
        for (const r of mine) sourceEnds.set(r.name, present.has(r.source.topic) ? {ends: ends.get(r.source.topic)!} : {missing: `topic ${r.source.topic} does not exist in ${environment}`})
      } finally {
        await source.close()
      }
    } catch (e) {
      for (const r of mine) sourceEnds.set(r.name, {missing: `${environment} could not be read: ${reason(e).missing}`})
    }
  }
  const copyEnd = (r: (typeof replicas)[number]): EndOffsets => 'missing' in copyEnds ? {missing: `the copy could not be read: ${copyEnds.missing}`}
    : copyEnds.has(r.topic) ? {ends: copyEnds.get(r.topic)!} : {missing: `the copy ${r.topic} does not exist yet`}
  return replicas.map((r) => replicaStatus(r, sourceEnds.get(r.name)!, copyEnd(r)))
}

/** An error's message (our errors carry no secrets: they are cut where they are made). */
function reason(e: unknown): {missing: string} {
  return {missing: e instanceof Error ? e.message : String(e)}
}

async function endOffsets(gateway: AdminGateway, topics: readonly {topic: string; partitions: number}[]): Promise<Map<string, Map<number, number>>> {
  const queries = topics.flatMap((t) => [...Array(t.partitions).keys()].map((partition) => ({topic: t.topic, partition, timestamp: LATEST_TIMESTAMP})))
  const out = new Map<string, Map<number, number>>(topics.map((t) => [t.topic, new Map()]))
  if (queries.length === 0) return out
  for (const o of await gateway.listOffsets(queries)) if (o.offset !== null) out.get(o.topic)?.set(o.partition, o.offset)
  return out
}
