import type {Finding, LintRule} from '../rule.js'

/**
 * In production-like environments a topic must survive a broker loss: replication factor of at
 * least 2 and min.insync.replicas strictly below it (else acks=all writes stop when one replica is down).
 */
export const minIsrBelowRf: LintRule = {
  id: 'min-isr-below-rf',
  description: 'production-like environments: min.insync.replicas < replicationFactor, and replicationFactor >= 2',
  defaultSeverity: 'error',
  check(desired) {
    if (!desired.environment.productionLike) return []
    const out: Finding[] = []
    for (const t of desired.cluster.topics) {
      const meta = desired.topicMeta.find((m) => m.name === t.name)
      const minIsr = Number(t.config['min.insync.replicas'] ?? '1')
      if (t.replicationFactor < 2) {
        out.push({resource: `Topic/${t.name}`, location: meta?.location,
          message: `topic "${t.name}" has replication factor ${t.replicationFactor} in production-like environment ${desired.environment.name}`,
          hint: 'use replicationFactor 3 (set it in the Environment defaults)'})
      } else if (minIsr >= t.replicationFactor) {
        out.push({resource: `Topic/${t.name}`, location: meta?.location,
          message: `topic "${t.name}": min.insync.replicas=${minIsr} is not below replication factor ${t.replicationFactor}`,
          hint: `one broker down would block acks=all writes; use min.insync.replicas=${t.replicationFactor - 1}`})
      }
    }
    return out
  },
}
