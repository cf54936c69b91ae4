import {existsSync, readFileSync} from 'node:fs'
import path from 'node:path'
import {DiagnosticsError, type Diagnostic} from '../errors.js'
import {Secret} from '../model/secret.js'
import {findManifestFiles} from './find-files.js'
import {describeProblem, interpolateTree, type Lookups} from './interpolate.js'
import {docValidator} from './load-schema.js'
import {locate, type DocPath} from './parse-positions.js'
import {parseManifestText, type ParsedDoc} from './parse-yaml.js'
import {SECRET_PATHS, type ManifestSet, type Resource, type ResourceKind} from './resource.js'
import {schemaTextProblem} from './schema-text-check.js'
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
  const cwd = opts.cwd ?? process.cwd()
  const env = opts.env ?? process.env
  const files = await findManifestFiles(paths.length > 0 ? paths : ['./manifests'], cwd)
  const diags: Diagnostic[] = []
  const docs: ParsedDoc[] = []
  for (const file of files) {
    const parsed = parseManifestText(file, readFileSync(path.resolve(cwd, file), 'utf8'))
    diags.push(...parsed.diagnostics)
    docs.push(...parsed.docs)
  }
  const validate = docValidator()
  for (const pd of docs) diags.push(...validate(pd))
  if (diags.length > 0) throw new DiagnosticsError(sortDiagnostics(diags))

  const resources = docs.map((pd) => toResource(pd, cwd, env, diags))
  for (const r of resources) {
    if (r.kind !== 'Schema' || r.schemaText === undefined) continue
    const problem = await schemaTextProblem(r.spec.type, r.schemaText, (r.spec.references ?? []).length > 0)
    if (problem) {
      const at: DocPath = r.spec.file !== undefined ? ['spec', 'file'] : ['spec', 'schema']
      diags.push({severity: 'error', rule: 'schema-text', resource: `Schema/${r.name}`, location: locate(r.doc, at),
        message: `${r.spec.type} schema ${r.spec.file ?? '(inline)'} does not parse: ${problem}`,
        hint: r.spec.type === 'AVRO' ? 'check the Avro schema (type names, fields, defaults)' : r.spec.type === 'JSON' ? 'the file must be valid JSON' : 'check the .proto syntax'})
    }
  }
  if (diags.some((d) => d.severity === 'error')) throw new DiagnosticsError(sortDiagnostics(diags))
  return Object.freeze({files, resources: Object.freeze(resources), warnings: Object.freeze(sortDiagnostics(diags))})
}

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
  const spec = interpolateTree(raw.spec, lookups, (relPath, r) => {
    const docPath: DocPath = ['spec', ...relPath]
    const secret = isEnv && SECRET_PATHS.some((sp) => sp.length === docPath.length && sp.every((s, i) => s === docPath[i]))
    for (const p of r.problems) {
      const {message, hint} = describeProblem(p)
      const d: Diagnostic & {secret?: boolean} = {severity: 'error', rule: 'interpolation', message, hint, resource, location: locate(pd, docPath)}
      // An Environment's problems only count when that environment is used.
      if (isEnv) deferred.push(secret ? {...d, secret: true} : d)
      else diags.push(d)
    }
    if (!secret) return r.value
    if (r.problems.length > 0) return new UnresolvedSecret(r.origin)
    if (r.origin === 'inline') {
      diags.push({severity: 'warning', rule: 'inline-secret', resource, location: locate(pd, docPath),
        message: `secret ${docPath.join('.')} is written inline in the manifest`, hint: 'use ${env:VAR} or ${file:path} so the secret stays out of version control'})
    }
    return new Secret(r.value, r.origin)
  })
  let schemaText: string | undefined
  if (raw.kind === 'Schema') schemaText = loadSchemaText(pd, spec as {file?: string; schema?: string}, dir, resource, diags)
  return Object.freeze({
    kind: raw.kind,
    name: raw.metadata.name,
    description: raw.metadata.description,
    labels: Object.freeze({...(raw.metadata.labels ?? {})}),
    spec,
    doc: pd,
    deferred: Object.freeze(deferred),
    schemaText,
  })
}

function loadSchemaText(pd: ParsedDoc, spec: {file?: string; schema?: string}, dir: string, resource: string, diags: Diagnostic[]): string | undefined {
  if (spec.file !== undefined && spec.schema !== undefined) {
    diags.push({severity: 'error', rule: 'schema-source', resource, location: locate(pd, ['spec', 'schema'], {key: true}),
      message: 'a Schema has either "file" or inline "schema", not both', hint: 'remove one of the two keys'})
    return undefined
  }
  if (spec.schema !== undefined) return spec.schema
  if (spec.file === undefined) {
    diags.push({severity: 'error', rule: 'schema-source', resource, location: locate(pd, ['spec'], {key: true}),
      message: 'a Schema needs "file" or inline "schema"', hint: 'add file: path/to/schema.avsc (relative to this manifest)'})
    return undefined
  }
  const abs = path.resolve(dir, spec.file)
  if (!existsSync(abs)) {
    diags.push({severity: 'error', rule: 'schema-source', resource, location: locate(pd, ['spec', 'file']),
      message: `schema file ${spec.file} not found`, hint: `paths are relative to the manifest's directory (${path.posix.dirname(pd.file)})`})
    return undefined
  }
  return readFileSync(abs, 'utf8')
}
