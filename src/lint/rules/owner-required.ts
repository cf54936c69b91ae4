import type {LintRule} from '../rule.js'

export const ownerRequired: LintRule = {
  id: 'owner-required',
  description: 'every topic names its owner (the one service that writes it)',
  defaultSeverity: 'error',
  check(desired) {
    return desired.topicMeta.filter((t) => !t.owner).map((t) => ({
      resource: `Topic/${t.name}`, location: t.location,
      message: `topic "${t.name}" has no owner`, hint: 'add spec.owner: <service> (the Service that produces it)',
    }))
  },
}
