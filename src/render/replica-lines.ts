import type {ReplicaStatus} from '../plan/plan.js'

/** One line per replica: where it copies from and how far behind its copy is. */
export function replicaLine(r: ReplicaStatus): string {
  const lag = r.lag === null ? `lag unknown (${r.note ?? 'not read'})` : r.lag === 0 ? 'in sync' : `${r.lag} record(s) behind`
  return `replica ${r.replica}: ${r.source.environment}/${r.source.topic} → ${r.topic} (connector ${r.connector}): ${lag}`
}

/** The partitions of a replica that are behind (none when it is in sync). */
export function replicaPartitionLines(r: ReplicaStatus): string[] {
  const behind = r.partitions.filter((p) => p.sourceEnd !== null && p.copyEnd !== null && p.sourceEnd > p.copyEnd)
  return behind.map((p) => `partition ${p.partition}: source end ${p.sourceEnd}, copy end ${p.copyEnd}`)
}
