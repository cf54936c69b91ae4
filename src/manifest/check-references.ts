import type {Diagnostic} from '../errors.js'
import type {DocPath} from './parse-positions.js'
import {where, type Resource} from './resource.js'
import {didYouMean} from './suggest.js'

/**
 * Every name a resource mentions must be declared: owners and clients are Services, schema
 * references are Schemas, producers/consumers/jobs use Topics, overrides and job endpoints name
 * Environments.
 */
export function checkReferences(resources: readonly Resource[], envs: readonly Resource[], diags: Diagnostic[],
  invalid: readonly {kind: Resource['kind']; name: string}[] = [], replicaCopies: readonly string[] = []): void {
  // A document too broken to load still declares its name: its own errors are reported instead.
  const names = (k: Resource['kind'], from: readonly {kind: Resource['kind']; name: string}[] = [...resources, ...invalid]) => from.filter((r) => r.kind === k).map((r) => r.name)
  // A replica's copy is a topic of the target environment too (read-only: the replica-read-only rule).
  const topics = [...names('Topic'), ...replicaCopies], schemas = names('Schema'), services = names('Service'), envNames = names('Environment', [...envs, ...invalid])
  const check = (r: Resource, path: DocPath, kind: string, name: unknown, known: string[], key = false) => {
    if (typeof name !== 'string' || known.includes(name)) return
    diags.push({severity: 'error', rule: 'reference', resource: `${r.kind}/${r.name}`, location: where(r, path, key),
      message: `${kind} "${name}" is not declared`,
      hint: didYouMean(name, known) ?? `declare ${/^[AEIOU]/.test(kind) ? 'an' : 'a'} ${kind} named "${name}"${known.length ? ` (declared: ${known.slice(0, 8).join(', ')}${known.length > 8 ? ', …' : ''})` : ''}`})
  }
  for (const r of resources) {
    const s = r.spec
    if (r.kind === 'Topic') {
      check(r, ['spec', 'owner'], 'Service', s.owner, services)
      for (const f of ['keySchema', 'valueSchema'] as const) {
        const ref = s[f]
        if (typeof ref === 'string') check(r, ['spec', f], 'Schema', ref, schemas)
        else if (ref) check(r, ['spec', f, 'schema'], 'Schema', ref.schema, schemas)
      }
      for (const env of Object.keys(s.overrides ?? {})) check(r, ['spec', 'overrides', env], 'Environment', env, envNames, true)
    } else if (r.kind === 'Service') {
      ;(s.produces ?? []).forEach((t: string, i: number) => check(r, ['spec', 'produces', i], 'Topic', t, topics))
      ;(s.consumes ?? []).forEach((c: string | {topic: string}, i: number) =>
        typeof c === 'string' ? check(r, ['spec', 'consumes', i], 'Topic', c, topics) : check(r, ['spec', 'consumes', i, 'topic'], 'Topic', c.topic, topics))
    } else if (r.kind === 'Job') {
      for (const end of ['source', 'target'] as const) {
        const e = s[end] as {topic: string; environment?: string}
        if (e.environment !== undefined) check(r, ['spec', end, 'environment'], 'Environment', e.environment, envNames)
        // A topic of another environment may be declared elsewhere; a target may be created by the job (check-jobs).
        else if (end === 'source') check(r, ['spec', end, 'topic'], 'Topic', e.topic, topics)
      }
    }
  }
}
