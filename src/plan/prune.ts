import {compareStrings} from './compare.js'
import type {EnvironmentSpec} from '../model/environment.js'
import type {TopicState} from '../model/state.js'
import type {Action} from './actions.js'
import type {Unmanaged} from './plan.js'
import {inPruneScope, isInternalTopic, matchesAnyGlob} from './topic-scope.js'

/**
 * Topics that exist but are not declared. Ownership-scoped pruning: when the environment declares
 * a prune scope, only topics inside it are deleted (the scope is the permission) and everything
 * outside is left alone even with `--allow-delete`, so two teams' manifests never delete each
 * other's topics. Without a scope, `--allow-delete` deletes every undeclared topic. `protect`
 * globs and internal topics always win.
 */
/** Why an undeclared topic name may not be deleted, or `null` when this plan may delete it. */
export function undeletableReason(name: string, env: EnvironmentSpec, allowDelete: boolean): Unmanaged['topics'][number]['reason'] | null {
  if (matchesAnyGlob(name, env.protect)) return 'protected'
  if (env.prune !== undefined) return inPruneScope(name, env.prune) ? null : 'outside-prune-scope'
  return allowDelete ? null : 'not-declared'
}

export function planUndeclaredTopics(
  observed: readonly TopicState[],
  declared: ReadonlySet<string>,
  env: EnvironmentSpec,
  allowDelete: boolean,
): {actions: Action[]; unmanaged: Unmanaged['topics'][number][]} {
  const actions: Action[] = []
  const unmanaged: Unmanaged['topics'][number][] = []
  for (const t of [...observed].sort((a, b) => compareStrings(a.name, b.name))) {
    if (declared.has(t.name) || isInternalTopic(t.name, t.internal)) continue
    const refused = undeletableReason(t.name, env, allowDelete)
    if (refused !== null) {
      unmanaged.push({name: t.name, reason: refused})
      continue
    }
    const scoped = env.prune !== undefined
    actions.push({
      kind: 'topic.delete', id: `topic.delete:${t.name}`, risk: 'destructive', dependsOn: [],
      reason: scoped ? 'not declared, inside the environment\'s prune scope' : 'not declared, deletion allowed by --allow-delete',
      topic: t.name, allowedBy: scoped ? 'prune-scope' : 'allow-delete',
    })
  }
  return {actions, unmanaged}
}
