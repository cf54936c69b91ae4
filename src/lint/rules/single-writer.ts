import {connectorTopics} from '../../model/connector.js'
import type {Finding, LintRule} from '../rule.js'

/**
 * At most one Service produces to a topic, and it is the topic's owner. A source connector is a
 * writer too: it may write a declared topic only as the owner's principal.
 */
export const singleWriter: LintRule = {
  id: 'single-writer',
  description: 'at most one service produces to a topic, and it is the owner',
  defaultSeverity: 'error',
  check(desired) {
    const out: Finding[] = []
    for (const t of desired.topicMeta) {
      const writers = desired.services.filter((s) => s.produces.includes(t.name))
      if (writers.length > 1) {
        out.push({resource: `Topic/${t.name}`, location: t.location,
          message: `topic "${t.name}" has ${writers.length} writers: ${writers.map((w) => w.name).join(', ')}`,
          hint: `only the owner${t.owner ? ` (${t.owner})` : ''} may produce; others should publish to their own topic`})
      }
      for (const w of writers) {
        if (t.owner && w.name !== t.owner) {
          out.push({resource: `Service/${w.name}`, location: w.location,
            message: `service "${w.name}" produces to "${t.name}" but the topic's owner is "${t.owner}"`,
            hint: 'remove the topic from produces, or make this service the owner'})
        }
      }
    }
    const topics = new Map(desired.topicMeta.map((t) => [t.name, t]))
    const services = new Map(desired.services.map((s) => [s.name, s]))
    for (const c of desired.connectors ?? []) {
      const {direction, key, topics: written} = connectorTopics(c)
      if (direction !== 'source') continue
      for (const name of written) {
        const t = topics.get(name)
        if (!t) continue
        const owner = t.owner ? services.get(t.owner) : undefined
        if (owner && c.principal !== undefined && owner.principal === c.principal) continue
        out.push({resource: `Connector/${c.name}`, location: (key && c.keyLocations[key]) || c.location,
          message: `source connector "${c.name}" writes "${name}"${c.principal ? ` as ${c.principal}` : ''}, but ${owner ? `the topic's owner is "${owner.name}" (${owner.principal})` : 'the topic has no owner whose principal it is'}`,
          hint: c.principal === undefined
            ? 'set spec.principal to the principal the Connect worker writes as, and make the topic\'s owner a Service with that principal'
            : 'make the topic\'s owner a Service with the connector\'s principal, or let the connector write its own topic'})
      }
    }
    return out
  },
}
