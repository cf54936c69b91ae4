import {formatLocation, type Diagnostic} from '../errors.js'
import {where, type Resource} from './resource.js'
import {collisionKey, topicNameProblem} from './topic-names.js'

/** The same kind and name declared twice (in one file or across files): report the second, point at the first. */
export function checkDuplicates(resources: readonly Resource[], diags: Diagnostic[]): void {
  const first = new Map<string, Resource>()
  for (const r of resources) {
    const key = `${r.kind}/${r.name}`
    const prev = first.get(key)
    if (!prev) { first.set(key, r); continue }
    diags.push({severity: 'error', rule: 'duplicate', resource: key, location: where(r),
      message: `${key} is declared twice; first declared at ${formatLocation(where(prev))}`,
      hint: 'remove one declaration, or use overrides for per-environment differences'})
  }
}

/**
 * Kafka's legal-name rules, and names that collide once '.' and '_' are treated alike, on the
 * resolved names (a literal `${` written as `$${` is checked like any other character).
 */
export function checkTopicNames(topics: readonly Resource[], diags: Diagnostic[]): void {
  const byKey = new Map<string, Resource>()
  for (const t of topics) {
    const problem = topicNameProblem(t.name)
    if (problem) {
      diags.push({severity: 'error', rule: 'topic-name', resource: `Topic/${t.name}`, location: where(t), ...problem})
      continue
    }
    const key = collisionKey(t.name)
    const prev = byKey.get(key)
    if (prev && prev.name !== t.name) {
      diags.push({severity: 'error', rule: 'topic-name-collision', resource: `Topic/${t.name}`, location: where(t),
        message: `topic "${t.name}" collides with "${prev.name}" (${formatLocation(where(prev))}): Kafka treats "." and "_" alike in topic names`,
        hint: 'rename one of them; use either "." or "_" as separator, not both'})
    } else if (!prev) {
      byKey.set(key, t)
    }
  }
}
