import type {Diagnostic} from '../errors.js'
import type {TopicPolicy} from '../model/desired.js'
import {where, type Resource} from './resource.js'

/** What each job reads and writes: derive-latest turns history into a table, derive-versioned the reverse. */
const EXPECTED: Readonly<Record<string, {source?: TopicPolicy; target?: TopicPolicy}>> = {
  'derive-latest': {source: 'versioned', target: 'table'},
  'derive-versioned': {source: 'table', target: 'versioned'},
}

/**
 * Jobs in the same environment: the source must be declared (checked with the other references);
 * an undeclared target is created by the job but unmanaged (prune could delete it): a warning.
 * Declared topics must have the policy the job kind produces or consumes.
 */
export function checkJobs(jobs: readonly Resource[], topics: readonly Resource[], diags: Diagnostic[]): void {
  for (const j of jobs) {
    const s = j.spec as {type: string; source: {topic: string; environment?: string}; target: {topic: string; environment?: string}}
    const resource = `Job/${j.name}`
    if (s.target.environment === undefined) {
      if (s.source.environment === undefined && s.source.topic === s.target.topic) {
        diags.push({severity: 'error', rule: 'job', resource, location: where(j, ['spec', 'target', 'topic']),
          message: `job ${j.name} reads and writes the same topic "${s.target.topic}"`, hint: 'a job copies into another topic; name a new target (e.g. bump the version suffix)'})
      }
      if (!topics.some((t) => t.name === s.target.topic)) {
        diags.push({severity: 'warning', rule: 'job', resource, location: where(j, ['spec', 'target', 'topic']),
          message: `target topic "${s.target.topic}" is not declared; the job will create it unmanaged`, hint: 'declare it as a Topic so plan/apply manage it'})
      }
    }
    const want = EXPECTED[s.type]
    if (!want) continue
    for (const end of ['source', 'target'] as const) {
      const policy = want[end]
      const t = s[end].environment === undefined ? topics.find((x) => x.name === s[end].topic) : undefined
      if (!policy || !t || t.spec.policy === policy) continue
      diags.push({severity: 'error', rule: 'job', resource, location: where(j, ['spec', end, 'topic']),
        message: `${s.type} needs a ${end} topic with policy "${policy}", but "${t.name}" has ${t.spec.policy ? `policy "${t.spec.policy}"` : 'no policy'}`,
        hint: `set policy: ${policy} on ${t.name}, or pick another ${end}`})
    }
  }
}
