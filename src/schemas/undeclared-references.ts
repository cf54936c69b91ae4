import type {Diagnostic} from '../errors.js'
import {didYouMean} from '../manifest/suggest.js'
import type {DesiredState, SchemaSpec} from '../model/desired.js'
import {LATEST_REFERENCE_VERSION} from '../model/state.js'
import {RegistryResponseError} from '../registry/client/http.js'
import {SUBJECT_NOT_FOUND, VERSION_NOT_FOUND, type RegistryClient} from '../registry/client/registry-client.js'
import {desiredSubjects} from './desired-subjects.js'

/** A reference to a subject no Schema in the manifests declares: it must already be registered. */
export interface UndeclaredReference {
  readonly subject: string
  /** A number, or LATEST_REFERENCE_VERSION. */
  readonly version: number
  readonly by: SchemaSpec
  /** "did you mean …" when a declared subject is a plausible typo of it. */
  readonly suggestion?: string
}

/** Every reference whose subject the manifests do not declare (pure), each referring Schema once per subject. */
export function undeclaredReferences(desired: Pick<DesiredState, 'schemas' | 'topicMeta'>): UndeclaredReference[] {
  const declared = desiredSubjects(desired).subjects.map((d) => d.state.subject)
  const known = new Set(declared)
  const out: UndeclaredReference[] = []
  for (const by of desired.schemas) {
    const seen = new Set<string>()
    for (const r of by.references) {
      if (known.has(r.subject) || seen.has(r.subject)) continue
      seen.add(r.subject)
      const suggestion = didYouMean(r.subject, declared)
      out.push({subject: r.subject, version: r.version, by, ...(suggestion ? {suggestion} : {})})
    }
  }
  return out
}

function versionText(version: number): string {
  return version === LATEST_REFERENCE_VERSION ? 'its latest version' : `version ${version}`
}

export const REFERENCE_RULE = 'schema-reference'

function diagnostic(ref: UndeclaredReference, severity: Diagnostic['severity'], message: string, hint: string): Diagnostic {
  return {severity, rule: REFERENCE_RULE, resource: `Schema/${ref.by.name}`, message, hint, ...(ref.by.location ? {location: ref.by.location} : {})}
}

/**
 * Offline, an undeclared referenced subject may be registered already (a shared type another team
 * owns), so it is a warning; `validate --registry` asks the registry and makes a missing one an error.
 */
export function undeclaredReferenceWarnings(desired: Pick<DesiredState, 'schemas' | 'topicMeta'>): Diagnostic[] {
  return undeclaredReferences(desired).map((ref) => diagnostic(ref, 'warning',
    `references ${ref.subject} (${versionText(ref.version)}), which no Schema in the manifests declares; it must be registered already`,
    ref.suggestion ?? `declare a Schema with subject ${ref.subject}, or run \`streamctl validate --registry\` to check that the registry holds it`))
}

function notFound(error: unknown): boolean {
  return error instanceof RegistryResponseError && (error.errorCode === SUBJECT_NOT_FOUND || error.errorCode === VERSION_NOT_FOUND)
}

/** The undeclared references the environment's registry does not hold, as errors at the referring Schema. */
export async function unregisteredReferenceErrors(client: Pick<RegistryClient, 'latest' | 'version'>, environment: string,
  desired: Pick<DesiredState, 'schemas' | 'topicMeta'>): Promise<Diagnostic[]> {
  const errors: Diagnostic[] = []
  for (const ref of undeclaredReferences(desired)) {
    let held = true
    if (ref.version === LATEST_REFERENCE_VERSION) held = (await client.latest(ref.subject)) !== undefined
    else {
      try {
        await client.version(ref.subject, ref.version)
      } catch (error) {
        if (!notFound(error)) throw error
        held = false
      }
    }
    if (held) continue
    errors.push(diagnostic(ref, 'error',
      `references ${ref.subject} (${versionText(ref.version)}), which the registry of environment ${environment} does not hold and no Schema in the manifests declares`,
      ref.suggestion ?? `declare a Schema with subject ${ref.subject}, or register ${ref.subject} first`))
  }
  return errors
}
