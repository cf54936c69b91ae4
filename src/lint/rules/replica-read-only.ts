import {connectorTopics} from '../../model/connector.js'
import type {Finding, LintRule} from '../rule.js'

const WRITE_OPERATIONS: ReadonlySet<string> = new Set(['WRITE', 'ALL'])

/**
 * A replica's copy is written by its replicator alone: no Service produces it, no Acl grants
 * another principal WRITE on it, no source Connector writes it. Anything else would make the
 * historic view disagree with its source.
 */
export const replicaReadOnly: LintRule = {
  id: 'replica-read-only',
  description: "a replica's copy is written only by its replicator",
  defaultSeverity: 'error',
  check(desired) {
    const out: Finding[] = []
    for (const r of desired.replicas ?? []) {
      const whose = `the read-only copy of ${r.source.environment}/${r.source.topic} (Replica ${r.name})`
      for (const s of desired.services) {
        const i = s.produces.indexOf(r.topic)
        if (i < 0) continue
        out.push({resource: `Service/${s.name}`, location: s.location, message: `service "${s.name}" produces to "${r.topic}", ${whose}`,
          hint: `remove "${r.topic}" from produces (a consumer may read it); to write, produce to ${r.source.topic} in ${r.source.environment}`})
      }
      for (const a of desired.cluster.acls) {
        if (a.resourceType !== 'TOPIC' || a.permission !== 'ALLOW' || !WRITE_OPERATIONS.has(a.operation) || a.principal === r.principal) continue
        const covers = a.patternType === 'LITERAL' ? a.resourceName === r.topic || a.resourceName === '*' : r.topic.startsWith(a.resourceName)
        if (!covers) continue
        out.push({resource: `Acl/${a.principal}`, location: r.location, message: `${a.principal} is granted ${a.operation} on "${r.topic}" (${a.patternType} ${a.resourceName}), ${whose}`,
          hint: `only the replicator${r.principal ? ` (${r.principal})` : ''} may write the copy: narrow or remove that grant`})
      }
      for (const c of desired.connectors ?? []) {
        const {direction, key, topics} = connectorTopics(c)
        if (direction !== 'source' || !topics.includes(r.topic)) continue
        out.push({resource: `Connector/${c.name}`, location: (key && c.keyLocations[key]) || c.location, message: `source connector "${c.name}" writes "${r.topic}", ${whose}`,
          hint: 'let the connector write its own topic'})
      }
    }
    return out
  },
}
