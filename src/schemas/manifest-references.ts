import type {CompatibilityLevel, SchemaReference, SubjectState} from '../model/state.js'
import {RegistryResponseError} from '../registry/client/http.js'
import {SUBJECT_NOT_FOUND, VERSION_NOT_FOUND, type RegistryClient} from '../registry/client/registry-client.js'
import {checkCompatibility, levelRule, type PreviousVersion} from '../registry/compat/index.js'
import {RegistryHttpError} from '../registry/http-error.js'
import {parseSchema} from '../registry/parse-schema.js'
import type {ResolvedReference} from '../registry/schema-types.js'

/**
 * A schema whose references name subjects the registry does not hold yet — declared in the same
 * manifests and registered earlier in the same apply — cannot be judged by the registry (it
 * answers "invalid schema"). Here each reference resolves from the registry where it has that
 * version, else from the manifests when the version is the one this apply registers, and the text
 * is judged with the parsers and compatibility rules the dev registry uses.
 */
export type ManifestReferenceCheck =
  /** Every reference is registered: the registry's own verdict stands. */
  | {readonly kind: 'registered'}
  | {readonly kind: 'unresolved'; readonly message: string; readonly hint: string}
  | {readonly kind: 'invalid'; readonly message: string}
  | {readonly kind: 'valid'; readonly verdict?: {readonly compatible: boolean; readonly messages: string[]}}

function notFound(error: unknown): boolean {
  return error instanceof RegistryResponseError && (error.errorCode === SUBJECT_NOT_FOUND || error.errorCode === VERSION_NOT_FOUND)
}

class Unresolved extends Error {
  constructor(message: string, readonly hint: string) {
    super(message)
  }
}

/** Resolves references the way the registry does (dependencies first, each name once). */
async function resolve(
  client: RegistryClient, refs: readonly SchemaReference[], desired: ReadonlyMap<string, SubjectState>,
  nextVersion: (subject: string) => Promise<number>, out: ResolvedReference[], seen: Set<string>, fromManifests: {used: boolean}, path: readonly string[],
): Promise<void> {
  for (const ref of refs) {
    if (seen.has(ref.name)) continue
    if (path.includes(ref.subject)) throw new Unresolved(`references form a cycle: ${[...path, ref.subject].join(' → ')}`, 'a schema cannot import itself, directly or through others: move the shared types into a schema both import')
    let registered: {schemaType: ResolvedReference['schemaType']; schema: string; references: readonly SchemaReference[]} | undefined
    try {
      registered = await client.version(ref.subject, ref.version)
    } catch (error) {
      if (!notFound(error)) throw error
    }
    if (registered) {
      await resolve(client, registered.references, desired, nextVersion, out, seen, fromManifests, [...path, ref.subject])
      seen.add(ref.name)
      out.push({name: ref.name, schemaType: registered.schemaType, schema: registered.schema})
      continue
    }
    const declared = desired.get(ref.subject)
    if (!declared) {
      throw new Unresolved(`references ${ref.subject} version ${ref.version} (as "${ref.name}"), which the registry does not hold and no Schema in the manifests declares`,
        `declare a Schema with subject ${ref.subject}, or point the reference at a registered version`)
    }
    const next = await nextVersion(ref.subject)
    if (ref.version !== next) {
      throw new Unresolved(`references ${ref.subject} version ${ref.version}, but the registry does not hold it and this apply registers the manifests' ${ref.subject} as version ${next}`,
        `reference version ${next} of ${ref.subject}, or a version the registry holds`)
    }
    fromManifests.used = true
    await resolve(client, declared.references, desired, nextVersion, out, seen, fromManifests, [...path, ref.subject])
    seen.add(ref.name)
    out.push({name: ref.name, schemaType: declared.schemaType, schema: declared.schema})
  }
}

async function previousVersions(client: RegistryClient, subject: string, transitive: boolean, nextVersion: (s: string) => Promise<number>): Promise<PreviousVersion[]> {
  const numbers = await client.versions(subject)
  const out: PreviousVersion[] = []
  for (const v of transitive ? numbers : numbers.slice(-1)) {
    const s = await client.version(subject, v)
    const refs: ResolvedReference[] = []
    await resolve(client, s.references, new Map(), nextVersion, refs, new Set(), {used: false}, [subject])
    out.push({version: v, parsed: parseSchema(s.schemaType, s.schema, refs)})
  }
  return out
}

/**
 * `level` is the level the subject will have when the new version is registered; undefined for
 * a new subject (nothing to be compatible with).
 */
export async function checkWithManifestReferences(
  client: RegistryClient, want: SubjectState, desired: ReadonlyMap<string, SubjectState>, level: CompatibilityLevel | undefined,
): Promise<ManifestReferenceCheck> {
  const latestVersions = new Map<string, Promise<number>>()
  const nextVersion = (subject: string): Promise<number> => {
    let p = latestVersions.get(subject)
    if (!p) {
      // A declared subject whose text is already the latest version is not registered again.
      p = client.latest(subject).then((l) => {
        const d = desired.get(subject)
        if (!l) return 1
        return d && l.schemaType === d.schemaType && l.schema === d.schema ? l.version : l.version + 1
      })
      latestVersions.set(subject, p)
    }
    return p
  }
  const refs: ResolvedReference[] = []
  const fromManifests = {used: false}
  try {
    await resolve(client, want.references, desired, nextVersion, refs, new Set(), fromManifests, [want.subject])
  } catch (error) {
    if (error instanceof Unresolved) return {kind: 'unresolved', message: error.message, hint: error.hint}
    throw error
  }
  if (!fromManifests.used) return {kind: 'registered'}
  let parsed
  try {
    parsed = parseSchema(want.schemaType, want.schema, refs)
  } catch (error) {
    if (error instanceof RegistryHttpError) return {kind: 'invalid', message: error.message}
    throw error
  }
  if (level === undefined) return {kind: 'valid'}
  const {directions, transitive} = levelRule(level)
  if (directions.length === 0) return {kind: 'valid', verdict: {compatible: true, messages: []}}
  const messages = checkCompatibility(level, parsed, await previousVersions(client, want.subject, transitive, nextVersion))
  return {kind: 'valid', verdict: {compatible: messages.length === 0, messages}}
}
