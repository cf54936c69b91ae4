import type {Diagnostic, SourceLocation} from '../errors.js'
import type {DesiredState, SchemaSpec} from '../model/desired.js'
import type {SubjectState} from '../model/state.js'
import {sameSchemaText} from './canonical.js'
import {recordFullName} from './record-name.js'

/** A subject the manifests want, with the Schema resource it comes from (for error positions). */
export interface DesiredSubject {
  readonly state: SubjectState
  readonly schema: SchemaSpec
  /** `Topic/<name>` when the subject comes from a topic's keySchema/valueSchema reference. */
  readonly via?: string
}

export interface SubjectProblem {
  readonly subject: string
  readonly message: string
  readonly hint: string
  readonly resource: string
  readonly location?: SourceLocation
}

/** A subject problem as a diagnostic (rule `schema-subject`). */
export function subjectDiagnostic(p: SubjectProblem): Diagnostic {
  return {severity: 'error', rule: 'schema-subject', resource: p.resource, message: p.message, hint: p.hint, ...(p.location ? {location: p.location} : {})}
}

/**
 * Every subject the manifests ask for (pure): each Schema's own `subject`, plus the subjects its
 * topic references imply — TopicNameStrategy `<topic>-key` / `<topic>-value`, RecordNameStrategy
 * the record's full name. A subject asked for twice must get the same text and level.
 */
export function desiredSubjects(desired: Pick<DesiredState, 'schemas' | 'topicMeta'>): {subjects: DesiredSubject[]; problems: SubjectProblem[]} {
  const bySubject = new Map<string, DesiredSubject>()
  const problems: SubjectProblem[] = []
  const add = (subject: string, schema: SchemaSpec, via?: string): void => {
    const state: SubjectState = {
      subject, schemaType: schema.type, schema: schema.schema, references: schema.references,
      ...(schema.compatibility ? {compatibility: schema.compatibility} : {}),
    }
    const seen = bySubject.get(subject)
    if (!seen) {
      bySubject.set(subject, {state, schema, ...(via ? {via} : {})})
      return
    }
    if (seen.schema.name === schema.name) return
    const same = seen.state.schemaType === state.schemaType && sameSchemaText(state.schemaType, seen.state.schema, state.schema) &&
      seen.state.compatibility === state.compatibility
    if (!same) {
      problems.push({
        subject, resource: via ?? `Schema/${schema.name}`, ...(schema.location ? {location: schema.location} : {}),
        message: `subject ${subject} is asked for by Schema/${seen.schema.name}${seen.via ? ` (via ${seen.via})` : ''} and by Schema/${schema.name}${via ? ` (via ${via})` : ''} with different schemas or compatibility`,
        hint: 'one subject holds one schema history: point both at the same Schema resource, or use distinct subjects',
      })
    }
  }
  const byName = new Map(desired.schemas.map((s) => [s.name, s]))
  for (const s of desired.schemas) add(s.subject, s)
  for (const t of desired.topicMeta) {
    for (const [part, ref] of [['key', t.keySchema], ['value', t.valueSchema]] as const) {
      if (!ref) continue
      const schema = byName.get(ref.schema)
      if (!schema) continue // check-references reports unknown Schema names
      if (ref.strategy === 'topic') {
        add(`${t.name}-${part}`, schema, `Topic/${t.name}`)
        continue
      }
      const full = recordFullName(schema.type, schema.schema)
      if (full === undefined) {
        problems.push({
          subject: `${t.name}-${part}`, resource: `Topic/${t.name}`, ...(t.location ? {location: t.location} : {}),
          message: `${part}Schema of ${t.name} uses the record strategy, but Schema/${schema.name} names no record (${schema.type === 'AVRO' ? 'a named record' : schema.type === 'JSON' ? 'a "title"' : 'a message'})`,
          hint: `give the schema a record name, or use strategy: topic (subject ${t.name}-${part})`,
        })
        continue
      }
      add(full, schema, `Topic/${t.name}`)
    }
  }
  const subjects = [...bySubject.values()].sort((a, b) => (a.state.subject < b.state.subject ? -1 : a.state.subject > b.state.subject ? 1 : 0))
  problems.push(...referenceCycles(subjects))
  return {subjects, problems}
}

/** Declared subjects that reference themselves through others: no registration order exists. */
function referenceCycles(subjects: readonly DesiredSubject[]): SubjectProblem[] {
  const bySubject = new Map(subjects.map((d) => [d.state.subject, d]))
  const done = new Set<string>()
  const problems: SubjectProblem[] = []
  const visit = (subject: string, path: string[]): void => {
    if (done.has(subject)) return
    const at = path.indexOf(subject)
    if (at >= 0) {
      const d = bySubject.get(path[at]!)!
      problems.push({
        subject: d.state.subject, resource: `Schema/${d.schema.name}`, ...(d.schema.location ? {location: d.schema.location} : {}),
        message: `schema references form a cycle: ${[...path.slice(at), subject].join(' → ')}`,
        hint: 'a schema cannot import itself, directly or through others: move the shared types into a schema both import',
      })
      return
    }
    const d = bySubject.get(subject)
    if (!d) return
    for (const r of d.state.references) visit(r.subject, [...path, subject])
    done.add(subject)
  }
  for (const d of subjects) visit(d.state.subject, [])
  return problems
}
