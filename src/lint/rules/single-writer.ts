import type {Finding, LintRule} from '../rule.js'

/** At most one Service produces to a topic, and it is the topic's owner. */
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
    return out
  },
}
