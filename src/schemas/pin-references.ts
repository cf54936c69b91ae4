import type {DesiredState, SchemaSpec} from '../model/desired.js'
import {LATEST_REFERENCE_VERSION, type SchemaType} from '../model/state.js'
import {sameSchemaText} from './canonical.js'
import {desiredSubjects, subjectDiagnostic, type SubjectProblem} from './desired-subjects.js'
import {DiagnosticsError} from '../errors.js'
import type {RegistryClient} from '../registry/client/registry-client.js'

/** A subject's latest registered version, as the registry answers it. */
export interface LatestVersion {
  readonly version: number
  readonly schemaType: SchemaType
  readonly schema: string
}

/** Subjects that some Schema references as `version: latest`. */
export function latestReferencedSubjects(desired: Pick<DesiredState, 'schemas'>): string[] {
  const subjects = new Set(desired.schemas.flatMap((s) => s.references.filter((r) => r.version === LATEST_REFERENCE_VERSION).map((r) => r.subject)))
  return [...subjects].sort()
}

/**
 * Each `version: latest` reference pinned to a number (pure), so the plan shows, compares and
 * registers a fixed version: a subject the manifests declare is referenced at the version this
 * apply leaves it at (its latest when the text is unchanged, the next one when it registers the
 * text, 1 when the subject is new); any other subject at its latest registered version. A
 * subject neither declared nor registered is a problem at the referring Schema.
 */
export function pinLatestReferences(desired: DesiredState, latest: ReadonlyMap<string, LatestVersion | undefined>): {desired: DesiredState; problems: SubjectProblem[]} {
  if (latestReferencedSubjects(desired).length === 0) return {desired, problems: []}
  const declared = new Map(desiredSubjects(desired).subjects.map((d) => [d.state.subject, d.state]))
  const problems: SubjectProblem[] = []
  const versionOf = (subject: string, by: SchemaSpec): number => {
    const have = latest.get(subject)
    const want = declared.get(subject)
    if (want) return !have ? 1 : have.schemaType === want.schemaType && sameSchemaText(want.schemaType, want.schema, have.schema) ? have.version : have.version + 1
    if (have) return have.version
    problems.push({
      subject: by.subject, resource: `Schema/${by.name}`, ...(by.location ? {location: by.location} : {}),
      message: `references the latest version of ${subject}, which the registry does not hold and no Schema in the manifests declares`,
      hint: `declare a Schema with subject ${subject}, or register ${subject} first`,
    })
    return LATEST_REFERENCE_VERSION
  }
  const pinned = new Map<string, number>()
  const pin = (subject: string, by: SchemaSpec): number => {
    if (!pinned.has(subject)) pinned.set(subject, versionOf(subject, by))
    return pinned.get(subject)!
  }
  const pinRefs = <R extends {readonly subject: string; readonly version: number}>(refs: readonly R[], by: SchemaSpec): R[] =>
    refs.map((r) => (r.version === LATEST_REFERENCE_VERSION ? {...r, version: pin(r.subject, by)} : r))
  const schemas = desired.schemas.map((s) => ({...s, references: pinRefs(s.references, s)}))
  const bySubject = new Map(schemas.map((s) => [s.subject, s]))
  const subjects = desired.cluster.subjects.map((s) => {
    const by = bySubject.get(s.subject)
    return by ? {...s, references: pinRefs(s.references, by)} : s
  })
  return {desired: {...desired, schemas, cluster: {...desired.cluster, subjects}}, problems}
}

/** pinLatestReferences with the referenced subjects' latest versions read from the registry; problems are thrown. */
export async function pinReferencesAtRegistry(client: Pick<RegistryClient, 'latest'>, desired: DesiredState): Promise<DesiredState> {
  const subjects = latestReferencedSubjects(desired)
  if (subjects.length === 0) return desired
  const latest = new Map(await Promise.all(subjects.map(async (s) => [s, await client.latest(s)] as const)))
  const {desired: pinned, problems} = pinLatestReferences(desired, latest)
  if (problems.length > 0) throw new DiagnosticsError(problems.map(subjectDiagnostic))
  return pinned
}
