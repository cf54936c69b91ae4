import {existsSync, readFileSync} from 'node:fs'
import path from 'node:path'
import {DiagnosticsError, type Diagnostic} from '../errors.js'
import {Secret} from '../model/secret.js'
import {findManifestFiles} from './find-files.js'
import {describeProblem, escapeLiteral, interpolateTree, type Lookups, type Substituted} from './interpolate.js'
import {docValidator} from './load-schema.js'
import {locate, type DocPath} from './parse-positions.js'
import {parseManifestText, type ParsedDoc} from './parse-yaml.js'
import {RESOURCE_KINDS, SECRET_PATHS, USER_SECRET_PATHS, type ManifestSet, type Resource, type ResourceKind} from './resource.js'
import {checkSchemaText, dependsOnVariables, loadSchemaText} from './read-schema-source.js'
import {sortDiagnostics} from './sort-diagnostics.js'
import {UnresolvedSecret} from './unresolved-secret.js'

export interface LoadOptions {
  cwd?: string
  /** Variables for `${env:VAR}` (usually process.env). */
  env?: Readonly<Record<string, string | undefined>>
}

/**
 * Finds, parses, schema-validates and interpolates manifests. Every problem of every file is
 * collected; if there is any error the whole set is rejected with one DiagnosticsError, so a
 * caller never sees a half-loaded set.
 */
export async function loadManifests(paths: readonly string[], opts: LoadOptions = {}): Promise<ManifestSet> {
  const loaded = await loadManifestsForCheck(paths, opts)
  if (loaded.errors.length > 0) throw new DiagnosticsError(sortDiagnostics([...loaded.errors, ...loaded.set.warnings]))
  return loaded.set
}

export interface LoadedForCheck {
  /** What could be loaded: valid documents, and what is left of schema-invalid ones (see salvage). */
  readonly set: ManifestSet
  readonly errors: readonly Diagnostic[]
}

/**
 * The lenient half of loading, for checks that report everything at once: a document with a
 * syntax error is left out, a schema-invalid one keeps its valid parts, so the semantic checks
 * still run on the rest. Its set must never be planned or applied when `errors` is not empty.
 */
export async function loadManifestsForCheck(paths: readonly string[], opts: LoadOptions = {}): Promise<LoadedForCheck> {
  const cwd = opts.cwd ?? process.cwd()
  const env = opts.env ?? process.env
  const files = await findManifestFiles(paths.length > 0 ? paths : ['./manifests'], cwd)
  const diags: Diagnostic[] = []
  const docs: ParsedDoc[] = []
  // References to a document too broken to load are not reported as undeclared as well.
  const invalid: {kind: ResourceKind; name: string}[] = []
  for (const file of files) {
    const parsed = parseManifestText(file, readFileSync(path.resolve(cwd, file), 'utf8'))
    diags.push(...parsed.diagnostics)
    docs.push(...parsed.docs)
    for (const b of parsed.broken) if ((RESOURCE_KINDS as readonly string[]).includes(b.kind)) invalid.push({kind: b.kind as ResourceKind, name: b.name})
  }
  const validate = docValidator()
  const usable: ParsedDoc[] = []
  for (const pd of docs) {
    const problems = validate(pd)
    diags.push(...problems)
    if (problems.length === 0) { usable.push(pd); continue }
    const rest = validate.salvage(pd.value)
    if (rest !== undefined) usable.push({...pd, value: rest.value, cut: rest.cut})
    else {
      const v = pd.value as {kind?: unknown; metadata?: {name?: unknown}} | null
      if (typeof v?.kind === 'string' && typeof v.metadata?.name === 'string') invalid.push({kind: v.kind as ResourceKind, name: v.metadata.name})
    }
  }

  const resources = usable.map((pd) => toResource(pd, cwd, env, diags))
  for (const r of resources) if (r.kind === 'Schema' && r.schemaText !== undefined) checkSchemaText(r, r.schemaText, diags)
  const set: ManifestSet = Object.freeze({files, resources: Object.freeze(resources), warnings: Object.freeze(sortDiagnostics(diags.filter((d) => d.severity !== 'error'))),
    ...(invalid.length > 0 ? {invalid: Object.freeze(invalid)} : {})})
  return {set, errors: diags.filter((d) => d.severity === 'error')}
}

/** Fields read while loading (a secret, a schema's source): substituted once and for all, here. */
function finalAtLoad(kind: ResourceKind, docPath: DocPath, rawSpec?: unknown): 'secret' | 'schema-source' | undefined {
  const is = (p: readonly string[]) => p.length === docPath.length && p.every((s, i) => s === docPath[i])
  if (kind === 'Environment' && SECRET_PATHS.some(is)) return 'secret'
  if (kind === 'User' && USER_SECRET_PATHS.some(is)) return 'secret'
  if (kind === 'Connector' && isConnectorSecretValue(docPath, rawSpec)) return 'secret'
  // A file path naming variables is completed per environment, and read then (resolve-environment.ts).
  if (kind === 'Schema' && is(['spec', 'file']) && dependsOnVariables((rawSpec as {file?: unknown} | undefined)?.file)) return undefined
  if (kind === 'Schema' && (is(['spec', 'file']) || is(['spec', 'schema']))) return 'schema-source'
  return undefined
}

/**
 * A Connector's config value that reads the process environment or a file is a secret (database
 * passwords, API keys): held in a Secret from loading on, so it is never printed. Other values
 * (topics, files, `${var:}` names) stay plain.
 */
function isConnectorSecretValue(docPath: DocPath, rawSpec: unknown): boolean {
  if (docPath.length !== 3 || docPath[0] !== 'spec' || docPath[1] !== 'config') return false
  const v = (rawSpec as {config?: Record<string, unknown>} | undefined)?.config?.[String(docPath[2])]
  return typeof v === 'string' && CONNECTOR_SECRET_REFERENCE.test(v)
}

/** `${env:` or `${file:` not escaped as `$${`. */
const CONNECTOR_SECRET_REFERENCE = /(?<!\$)\$\{(?:env|file):/

function toResource(pd: ParsedDoc, cwd: string, env: LoadOptions['env'] & object, diags: Diagnostic[]): Resource {
  const raw = pd.value as {kind: ResourceKind; metadata: {name: string; description?: string; labels?: Record<string, string>}; spec: unknown}
  const dir = path.dirname(path.resolve(cwd, pd.file))
  const lookups: Lookups = {
    env: (name) => env[name],
    file: (p) => {
      const abs = path.resolve(dir, p)
      return existsSync(abs) ? readFileSync(abs, 'utf8').replace(/\r?\n$/, '') : undefined
    },
  }
  const isEnv = raw.kind === 'Environment'
  const deferred: (Diagnostic & {secret?: boolean})[] = []
  const resource = `${raw.kind}/${raw.metadata.name}`
  const sources: {file?: string; schema?: string} = {}
  const report = (docPath: DocPath, problems: Substituted['problems'], secret: boolean) => {
    for (const p of problems) {
      const {message, hint} = describeProblem(p)
      const d: Diagnostic & {secret?: boolean} = {severity: 'error', rule: 'interpolation', message, hint, resource, location: locate(pd, docPath)}
      // An Environment's problems only count when that environment is used; offline commands
      // may do without a secret that is missing, not with one written wrong.
      const missingSecret = secret && (p.scheme === 'env' || p.scheme === 'file')
      if (isEnv) deferred.push(missingSecret ? {...d, secret: true} : d)
      // A User's password matters only where the User applies, and only to commands that connect.
      else if (missingSecret) deferred.push({...d, secret: true})
      else diags.push(d)
    }
  }
  const onString = (prefix: DocPath) => (relPath: DocPath, r: Substituted): unknown => {
    const docPath: DocPath = [...prefix, ...relPath]
    const special = finalAtLoad(raw.kind, docPath, raw.spec)
    report(docPath, r.problems, special === 'secret')
    if (special === 'schema-source') {
      sources[docPath[1] as 'file' | 'schema'] = r.value
      // Stored as template text again: resolving the environment substitutes the spec once more.
      return escapeLiteral(r.value)
    }
    if (special !== 'secret') return r.value
    if (r.problems.length > 0) return new UnresolvedSecret(r.origin)
    if (r.origin === 'inline') {
      diags.push({severity: 'warning', rule: 'inline-secret', resource, location: locate(pd, docPath),
        message: `secret ${docPath.join('.')} is written inline in the manifest`, hint: 'use ${env:VAR} or ${file:path} so the secret stays out of version control'})
    }
    return new Secret(r.value, r.origin)
  }
  const optsFor = (prefix: DocPath) => (relPath: DocPath) => (finalAtLoad(raw.kind, [...prefix, ...relPath], raw.spec) ? {final: true} : {})
  const spec = interpolateTree(raw.spec, lookups, onString(['spec']), [], optsFor(['spec']))
  const meta = interpolateTree(raw.metadata, lookups, onString(['metadata']), [], {}) as typeof raw.metadata
  let schemaText: string | undefined
  const fileByEnvironment = raw.kind === 'Schema' && dependsOnVariables((raw.spec as {file?: unknown}).file)
  if (raw.kind === 'Schema' && !(fileByEnvironment && sources.schema === undefined)) {
    schemaText = loadSchemaText(pd, fileByEnvironment ? {...sources, file: String((raw.spec as {file: string}).file)} : sources, dir, resource, diags)
  }
  return Object.freeze({
    kind: raw.kind,
    name: meta.name,
    description: meta.description,
    labels: Object.freeze({...(meta.labels ?? {})}),
    spec,
    doc: pd,
    deferred: Object.freeze(deferred),
    schemaText,
    ...(fileByEnvironment ? {schemaDir: dir} : {}),
  })
}

