import type {ReplicaSpec} from '../model/replica.js'
import type {ReplicaStatus} from './plan.js'

/** End offsets by partition, or why they could not be read. */
export type EndOffsets = {readonly ends: ReadonlyMap<number, number>} | {readonly missing: string}

/** A replica's lag from both sides' end offsets (pure): per partition source end − copy end, never below 0. */
export function replicaStatus(r: ReplicaSpec, source: EndOffsets, copy: EndOffsets): ReplicaStatus {
  const base = {replica: r.name, source: {...r.source}, topic: r.topic, connector: r.connector}
  const sourceEnds = 'ends' in source ? source.ends : undefined
  const copyEnds = 'ends' in copy ? copy.ends : undefined
  const partitions = [...Array(r.partitions).keys()].map((partition) => ({
    partition, sourceEnd: sourceEnds?.get(partition) ?? null, copyEnd: copyEnds?.get(partition) ?? null,
  }))
  if (!sourceEnds || !copyEnds) {
    const note = [('missing' in source ? source.missing : undefined), ('missing' in copy ? copy.missing : undefined)].filter(Boolean).join('; ')
    return {...base, lag: null, partitions, note}
  }
  const lag = partitions.reduce((n, p) => n + Math.max(0, (p.sourceEnd ?? 0) - (p.copyEnd ?? 0)), 0)
  return {...base, lag, partitions}
}
