import type {DesiredState} from '../model/desired.js'
import type {CompatibilityLevel, SubjectState} from '../model/state.js'
import {sameSchemaText} from '../schemas/canonical.js'
import {desiredSubjects} from '../schemas/desired-subjects.js'
import type {Action, Risk} from './actions.js'
import type {BlockedItem} from './blocked.js'
import {compareStrings} from './compare.js'

/**
 * The subjects the manifests want: the desired cluster's subjects (Schema resources, or a live
 * side of `diff`) plus those implied by topic key/value schema references.
 */
export function wantedSubjects(desired: DesiredState): SubjectState[] {
  const out = new Map(desired.cluster.subjects.map((s) => [s.subject, s]))
  for (const d of desiredSubjects(desired).subjects) if (!out.has(d.state.subject)) out.set(d.state.subject, d.state)
  return [...out.values()].sort((a, b) => compareStrings(a.subject, b.subject))
}

/**
 * Subjects: a new version when the desired text differs from the latest (canonically), a
 * per-subject level when it differs. An incompatible change (the registry's verdict, gathered by
 * the observe step) is blocked with the registry's reasons, unless the desired level is NONE.
 * Subjects the manifests do not mention are never deleted.
 */
export function planSubjects(wanted: readonly SubjectState[], observed: readonly SubjectState[]): {actions: Action[]; blocked: BlockedItem[]} {
  const seen = new Map(observed.map((s) => [s.subject, s]))
  const actions: Action[] = []
  const blocked: BlockedItem[] = []
  for (const want of wanted) {
    const have = seen.get(want.subject)
    if (want.compatibility !== undefined && want.compatibility !== have?.compatibility) {
      actions.push({
        kind: 'schema.compatibility.set', id: `schema.compatibility.set:${want.subject}`, dependsOn: [],
        subject: want.subject, before: have?.compatibility ?? null, after: want.compatibility,
        risk: levelRisk(want.compatibility),
        reason: have?.compatibility === undefined ? `set the compatibility level of ${want.subject} to ${want.compatibility}` : `compatibility ${have.compatibility} → ${want.compatibility}`,
      })
    }
    const same = have !== undefined && (have.matchesDesired === true ||
      (have.schemaType === want.schemaType && sameSchemaText(want.schemaType, want.schema, have.schema) && sameRefs(want, have)))
    if (same) continue
    const verdict = have?.compatibilityWithDesired
    if (have && verdict && !verdict.compatible && (want.compatibility ?? verdict.level) !== 'NONE') {
      const level = verdict.level ?? 'the registry level'
      const versions = verdict.conflictsWith?.length ? verdict.conflictsWith : [have.version ?? '?']
      const several = versions.length > 1
      const against = `${several ? 'versions' : 'version'} ${versions.join(', ')}`
      const reasons = [...new Set(verdict.messages.map((m) => withoutLevelPrefix(m, several)))]
      blocked.push({
        kind: 'schema.incompatible', resource: `Subject/${want.subject}`,
        reason: `the new schema is not ${level}-compatible with ${against} of ${want.subject}: ${reasons.length ? reasons.join('; ') : 'the registry gave no reason'}`,
        wayOut: 'make the change compatible (e.g. give a new field a default, keep removed fields optional), or publish it under a new subject/topic version; set compatibility: NONE only on purpose',
      })
      continue
    }
    actions.push({
      kind: 'schema.register', id: `schema.register:${want.subject}`, dependsOn: [],
      subject: want.subject, schemaType: want.schemaType, schema: want.schema, references: want.references,
      before: have ? {version: have.version ?? null, id: have.id ?? null} : null,
      ...(want.version === undefined ? {} : {sourceVersion: want.version}),
      risk: 'safe',
      reason: have ? `new ${want.schemaType} version after version ${have.version ?? '?'}` : `new subject (${want.schemaType})`,
    })
  }
  return {actions, blocked}
}

/**
 * Our dev registry prefixes each reason with "<LEVEL> incompatible with version N: ", which the
 * reason already says; when several versions conflict, each reason keeps its version.
 */
function withoutLevelPrefix(message: string, keepVersion: boolean): string {
  return message.replace(/^[A-Z_]+ incompatible with (version \d+): /, keepVersion ? '$1: ' : '')
}

function levelRisk(level: CompatibilityLevel): Risk {
  // NONE lets any later change through, breaking readers: worth a second look.
  return level === 'NONE' ? 'disruptive' : 'safe'
}

function sameRefs(a: SubjectState, b: SubjectState): boolean {
  const key = (s: SubjectState) => s.references.map((r) => `${r.name}\u0000${r.subject}\u0000${r.version}`).sort().join('\u0001')
  return key(a) === key(b)
}
