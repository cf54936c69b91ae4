import {connectorTopics} from '../../model/connector.js'
import type {Finding, LintRule} from '../rule.js'

/**
 * A connector's topics are declared: a sink reading an undeclared topic reads what nobody
 * manages, and a source writing one makes Kafka create it unmanaged (prune could delete it).
 */
export const connectorTopicsRule: LintRule = {
  id: 'connector-topics',
  description: 'the topics a connector reads or writes are declared Topics',
  defaultSeverity: 'warning',
  check(desired) {
    const declared = new Set([...desired.topicMeta.map((t) => t.name), ...(desired.replicas ?? []).map((r) => r.topic)])
    const out: Finding[] = []
    for (const c of desired.connectors ?? []) {
      const {direction, key, topics} = connectorTopics(c)
      for (const t of topics) {
        if (declared.has(t)) continue
        out.push({resource: `Connector/${c.name}`, location: (key && c.keyLocations[key]) || c.location,
          message: direction === 'sink' ? `sink connector "${c.name}" reads undeclared topic "${t}"` : `source connector "${c.name}" writes undeclared topic "${t}" (Kafka would create it unmanaged)`,
          hint: `declare Topic ${t}, or fix the topic name`})
      }
    }
    return out
  },
}
