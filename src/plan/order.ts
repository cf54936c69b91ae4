import type {Action} from './actions.js'
import {ACTION_KINDS, actionTopic} from './actions.js'

/**
 * Execution order (docs/plan-format.md): actions run phase by phase in ACTION_KINDS order —
 * subject compatibility levels, schema registrations, topic creates, partition increases, config alters, replication changes, ACL creates, ACL
 * deletes, topic deletes last — and by id within a phase. Explicit dependencies:
 * an ACL create on a topic waits for that topic's create; a topic delete waits for the deletes
 * of ACLs on it (ACLs outlive their topic in Kafka, so they are removed while still meaningful).
 */
export function orderActions(actions: readonly Action[]): Action[] {
  const ids = new Set(actions.map((a) => a.id))
  const aclDeletesByTopic = new Map<string, string[]>()
  for (const a of actions) {
    if (a.kind !== 'acl.delete') continue
    const t = actionTopic(a)
    if (t !== undefined) aclDeletesByTopic.set(t, [...(aclDeletesByTopic.get(t) ?? []), a.id])
  }
  const withDeps = actions.map((a): Action => {
    const topic = actionTopic(a)
    let deps: string[] = []
    if (a.kind === 'acl.create' && topic !== undefined && ids.has(`topic.create:${topic}`)) deps = [`topic.create:${topic}`]
    if (a.kind === 'topic.delete') deps = [...(aclDeletesByTopic.get(a.topic) ?? [])].sort()
    // An election makes the moved replicas' first broker lead: it waits for the move.
    if (a.kind === 'topic.leaders.elect' && ids.has(`topic.placement.reassign:${a.topic}`)) deps = [`topic.placement.reassign:${a.topic}`]
    if (a.kind === 'schema.register') deps = [...new Set(a.references.map((r) => `schema.register:${r.subject}`))].filter((d) => ids.has(d)).sort()
    return {...a, dependsOn: deps}
  })
  const phase = (a: Action): number => ACTION_KINDS.indexOf(a.kind)
  const sorted = withDeps.sort((a, b) => phase(a) - phase(b) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
  return dependenciesFirst(sorted)
}

/**
 * Within the order above, moves an action after the actions it depends on when they would run
 * later (schema registrations referencing subjects the same plan registers). A cycle (refused by
 * validation) keeps the order as it is.
 */
function dependenciesFirst(actions: Action[]): Action[] {
  const byId = new Map(actions.map((a) => [a.id, a]))
  const out: Action[] = []
  const placed = new Set<string>()
  const visiting = new Set<string>()
  const place = (a: Action): void => {
    if (placed.has(a.id) || visiting.has(a.id)) return
    visiting.add(a.id)
    for (const d of a.dependsOn) {
      const dep = byId.get(d)
      if (dep && dep.kind === a.kind) place(dep)
    }
    visiting.delete(a.id)
    placed.add(a.id)
    out.push(a)
  }
  for (const a of actions) place(a)
  return out
}
