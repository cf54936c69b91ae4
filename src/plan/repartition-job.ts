import type {JobManifest} from './blocked.js'

/**
 * Kafka cannot remove partitions: the way out is a new topic with the wanted count, filled by the
 * repartition job. The target name bumps a trailing version (`orders.v1` → `orders.v2`) or adds
 * `.v2`, skipping names already taken.
 */
export function repartitionTargetName(source: string, taken: ReadonlySet<string>): string {
  const m = /^(.*[._-]v)(\d+)$/.exec(source)
  const base = m ? m[1]! : `${source}.v`
  let version = m ? Number(m[2]) + 1 : 2
  while (taken.has(`${base}${version}`)) version++
  return `${base}${version}`
}

export function repartitionJob(source: string, partitions: number, taken: ReadonlySet<string>): JobManifest {
  const target = repartitionTargetName(source, taken)
  return {
    apiVersion: 'streamctl/v1',
    kind: 'Job',
    metadata: {name: `repartition-${source.replace(/[^a-zA-Z0-9-]+/g, '-')}`},
    spec: {type: 'repartition', source: {topic: source}, target: {topic: target}, options: {partitions}},
  }
}
