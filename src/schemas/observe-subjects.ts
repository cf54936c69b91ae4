import {DiagnosticsError, type Diagnostic} from '../errors.js'
import type {CompatibilityLevel, SubjectState} from '../model/state.js'
import {INVALID_SCHEMA, type RegistryClient, type SchemaInput} from '../registry/client/registry-client.js'
import {levelRule} from '../registry/compat/index.js'
import {RegistryResponseError} from '../registry/client/http.js'
import {sameSchemaText} from './canonical.js'
import type {DesiredSubject} from './desired-subjects.js'
import {invalidSchemaDiagnostic} from './invalid-schema.js'
import {verdictAtNewLevel} from './level-change-check.js'
import {checkWithManifestReferences} from './manifest-references.js'

/** Registry requests in flight at once: enough to hide latency, few enough for a small registry. */
const CONCURRENCY = 8

export async function mapLimited<T, R>(items: readonly T[], limit: number, fn: (t: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length)
  let next = 0
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++
      out[i] = await fn(items[i]!)
    }
  }
  await Promise.all(Array.from({length: Math.min(limit, items.length)}, worker))
  return out
}

async function readSubject(client: RegistryClient, subject: string): Promise<SubjectState | undefined> {
  const [latest, compatibility] = await Promise.all([client.latest(subject), client.subjectCompatibility(subject)])
  if (!latest) return undefined
  return {
    subject, schemaType: latest.schemaType, schema: latest.schema, references: latest.references,
    version: latest.version, id: latest.id, ...(compatibility ? {compatibility} : {}),
  }
}

/** Every subject of the registry, as is (for `export` and `diff`: no desired side to check). */
export async function observeAllSubjects(client: RegistryClient): Promise<SubjectState[]> {
  const names = (await client.subjects()).sort()
  const states = await mapLimited(names, CONCURRENCY, (s) => readSubject(client, s))
  return states.filter((s): s is SubjectState => s !== undefined)
}

export interface CheckedSubjects {
  /** Observed state of the desired subjects that exist, with the registry's verdict on each change. */
  readonly subjects: SubjectState[]
  /** Schemas the registry refused to parse (42201), one diagnostic each. */
  readonly invalid: {readonly subject: string; readonly diagnostic: Diagnostic}[]
}

/**
 * Observes only the desired subjects, and asks the registry about each desired schema that is not
 * the latest version: the lookup (registries may re-render the text, so "same" is theirs to say)
 * and the compatibility check with reasons. The verdicts go into the observed state, so the
 * planner stays pure. New subjects are checked too: the registry parses the text (42201 when
 * invalid) and an empty subject is compatible.
 */
export async function checkDesiredSubjects(client: RegistryClient, wanted: readonly DesiredSubject[]): Promise<CheckedSubjects> {
  let globalLevel: Promise<CompatibilityLevel> | undefined
  const invalid: CheckedSubjects['invalid'] = []
  const declared = new Map(wanted.map((d) => [d.state.subject, d.state]))
  const states = await mapLimited(wanted, CONCURRENCY, async (d): Promise<SubjectState | undefined> => {
    const have = await readSubject(client, d.state.subject)
    const want = d.state
    const input = {schemaType: want.schemaType, schema: want.schema, references: want.references}
    if (have && have.schemaType === want.schemaType && sameSchemaText(want.schemaType, want.schema, have.schema)) return have
    try {
      if (have) {
        const found = await client.lookup(want.subject, input)
        if (found && found.version === have.version) return {...have, matchesDesired: true}
      }
      if (!have) {
        await client.checkCompatibility(want.subject, input)
        return undefined
      }
      globalLevel ??= client.globalCompatibility()
      const level = have.compatibility ?? (await globalLevel)
      const verdict = await client.checkCompatibility(want.subject, input, levelRule(level).transitive ? 'all' : 'latest')
      if (want.compatibility !== undefined && want.compatibility !== level) {
        // The apply sets the new level before registering: judge the change at that level.
        const atNew = await verdictAtNewLevel(client, want, want.compatibility)
        if (atNew) {
          const conflictsWith = atNew.compatible ? [] : versionsNamedIn(atNew.messages)
          return {...have, compatibilityWithDesired: {...atNew, level: want.compatibility, conflictsWith}}
        }
      }
      const messages = verdict.messages.filter((m) => !CONTEXT_MESSAGE.test(m))
      const conflictsWith = verdict.compatible ? [] : await conflictingVersions(client, want.subject, input, verdict.messages, level, have.version!)
      return {...have, compatibilityWithDesired: {compatible: verdict.compatible, messages, level, conflictsWith}}
    } catch (error) {
      if (!(error instanceof RegistryResponseError && error.errorCode === INVALID_SCHEMA)) throw error
      // References to subjects this apply registers first: the registry cannot resolve them yet.
      const local = want.references.length > 0
        ? await checkWithManifestReferences(client, want, declared, have ? want.compatibility ?? have.compatibility ?? (await (globalLevel ??= client.globalCompatibility())) : undefined)
        : {kind: 'registered' as const}
      if (local.kind === 'valid') {
        if (!have || !local.verdict) return have
        const level = want.compatibility ?? have.compatibility ?? (await (globalLevel ??= client.globalCompatibility()))
        return {...have, compatibilityWithDesired: {...local.verdict, level, conflictsWith: local.verdict.compatible ? [] : versionsNamedIn(local.verdict.messages)}}
      }
      const message = local.kind === 'registered' ? registryMessageOf(error.message) : local.message
      invalid.push({subject: want.subject, diagnostic: invalidSchemaDiagnostic(d, message, local.kind === 'unresolved' ? local.hint : undefined)})
      return have
    }
  })
  return {subjects: states.filter((s): s is SubjectState => s !== undefined), invalid}
}

/**
 * Confluent appends context to its reasons (`{oldSchemaVersion: 1}`, the old schema's whole text,
 * `{validateFields: 'false', compatibility: 'BACKWARD'}`): the version is read from it, the rest
 * is noise in a plan.
 */
const CONTEXT_MESSAGE = /^\{(oldSchemaVersion|oldSchema|validateFields|compatibility):/

/** Versions a registry's reasons name: ours ("… incompatible with version 2: …") and Confluent's ("{oldSchemaVersion: 2}"). */
export function versionsNamedIn(messages: readonly string[]): number[] {
  const found = new Set<number>()
  for (const m of messages) {
    const v = /incompatible with version (\d+)/.exec(m) ?? /^\{oldSchemaVersion: (\d+)\}/.exec(m)
    if (v) found.add(Number(v[1]))
  }
  return [...found].sort((a, b) => a - b)
}

/**
 * The live versions an incompatible text conflicts with. A non-transitive level judges the latest
 * only; under a transitive one a registry whose reasons name no version is asked version by
 * version (each check is against that one version, at the subject's level).
 */
async function conflictingVersions(client: RegistryClient, subject: string, input: SchemaInput, messages: readonly string[], level: CompatibilityLevel, latest: number): Promise<number[]> {
  const named = versionsNamedIn(messages)
  if (named.length > 0) return named
  if (!levelRule(level).transitive) return [latest]
  const versions = await client.versions(subject)
  const verdicts = await mapLimited(versions, CONCURRENCY, (v) => client.checkCompatibility(subject, input, v))
  return versions.filter((_, i) => !verdicts[i]!.compatible)
}

/** The registry's own words, without the request prefix the client adds. */
function registryMessageOf(message: string): string {
  const i = message.indexOf('(error 42201): ')
  return i < 0 ? message : message.slice(i + '(error 42201): '.length)
}

/** Throws the invalid-schema diagnostics together, so every broken schema is named at once. */
export function refuseInvalid(checked: CheckedSubjects): void {
  if (checked.invalid.length > 0) throw new DiagnosticsError(checked.invalid.map((i) => i.diagnostic), 'REGISTRY_ERROR')
}
