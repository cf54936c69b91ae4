import {DiagnosticsError, StreamctlError, type Diagnostic} from '../errors.js'
import type {DesiredState, JobSpec, PolicySpec, SchemaSpec, ServiceSpec, TopicMeta} from '../model/desired.js'
import {LATEST_REFERENCE_VERSION, aclKey, type AclEntry, type SubjectState, type TopicState} from '../model/state.js'
import {buildEnvironmentSpec} from './build-environment.js'
import {deepFreeze} from './deep-freeze.js'
import {describeProblem, interpolateTree, type SubstitutionProblem} from './interpolate.js'
import {variableLookup} from './resolve-variables.js'
import {locate} from './parse-positions.js'
import {where, type ManifestSet, type Resource} from './resource.js'
import {checkJobs} from './check-jobs.js'
import {checkReferences} from './check-references.js'
import {checkDuplicates, checkTopicNames} from './check-names.js'
import {didYouMean} from './suggest.js'
import {overlayTopic} from './topic-overlay.js'
import {resolveConnectors} from './resolve-connectors.js'
import {replicaTopicNames, resolveReplicas, type SourceView} from './resolve-replicas.js'
import {connectWorkerAcls, DEV_CONNECT_USER} from '../dev/connect-worker.js'
import {resolveIdentities} from './identities.js'
import {sortDiagnostics} from './sort-diagnostics.js'
import {checkSchemaText, dependsOnVariables, loadSchemaText} from './read-schema-source.js'
import {desiredSubjects, subjectDiagnostic} from '../schemas/desired-subjects.js'

export interface ResolveOptions {
  /**
   * Offline use (validate, lint, render): a missing secret is a warning and the Secret fails only
   * when revealed. Commands that connect leave this off so a missing secret stops them up front.
   */
  offline?: boolean
}

export interface Resolved {
  readonly desired: DesiredState
  /** Warnings found while resolving (never errors: those throw). */
  readonly warnings: readonly Diagnostic[]
}

export function environmentNames(set: ManifestSet): string[] {
  return set.resources.filter((r) => r.kind === 'Environment').map((r) => r.name)
}

/** Picks the environment: the named one, or the only one when no name is given. */
export function selectEnvironment(set: ManifestSet, envName: string | undefined): Resource {
  const envs = set.resources.filter((r) => r.kind === 'Environment')
  if (envName === undefined) {
    if (envs.length === 1) return envs[0]!
    if (envs.length === 0) throw new StreamctlError('ENV_NOT_FOUND', 'the manifests declare no Environment', {hint: 'add a kind: Environment resource'})
    throw new StreamctlError('USAGE', `several environments are declared (${envs.map((e) => e.name).join(', ')})`, {hint: 'choose one with -e ENV'})
  }
  const found = envs.find((e) => e.name === envName)
  if (found) return found
  throw new StreamctlError('ENV_NOT_FOUND', `environment "${envName}" is not declared`, {
    hint: didYouMean(envName, envs.map((e) => e.name)) ?? `declared environments: ${envs.map((e) => e.name).join(', ') || 'none'}`,
  })
}

/**
 * The typed, immutable desired state of one environment, after `${var:}` substitution, overlays
 * and every semantic check. Throws one DiagnosticsError listing all errors.
 */
export function resolveEnvironment(set: ManifestSet, envName?: string, opts: ResolveOptions = {}): DesiredState {
  return resolveEnvironmentWithWarnings(set, envName, opts).desired
}

export function resolveEnvironmentWithWarnings(set: ManifestSet, envName?: string, opts: ResolveOptions = {}): Resolved {
  const envRes = selectEnvironment(set, envName)
  const diags: Diagnostic[] = []
  for (const d of envRes.deferred) {
    const {secret, ...rest} = d
    diags.push(secret && opts.offline ? {...rest, severity: 'warning', hint: `${rest.hint}; needed only to connect`} : rest)
  }
  const finalize = finalStage(envRes, diags)
  const environment = buildEnvironmentSpec(finalize(envRes))
  const resources = set.resources.filter((r) => r.kind !== 'Environment').map(finalize).map((r) => withSchemaFileText(r, envRes.name, diags))
  const envs = set.resources.filter((r) => r.kind === 'Environment')
  const byKind = (k: Resource['kind']) => resources.filter((r) => r.kind === k)

  checkDuplicates([...envs, ...resources], diags)
  checkTopicNames(byKind('Topic').filter((t) => !finalize.unresolvedNames.has(t)), diags)
  checkReferences(resources, envs, diags, set.invalid, replicaTopicNames(byKind('Replica')))
  checkJobs(byKind('Job'), byKind('Topic'), diags)

  const topics: TopicState[] = []
  const topicMeta: TopicMeta[] = []
  for (const t of byKind('Topic')) {
    const o = overlayTopic(t, envRes, environment)
    diags.push(...o.diagnostics)
    topics.push(o.state)
    topicMeta.push(o.meta)
  }
  const schemas: SchemaSpec[] = byKind('Schema').map((r) => ({
    name: r.name, subject: r.spec.subject, type: r.spec.type, schema: r.schemaText ?? '', file: r.spec.file,
    references: (r.spec.references ?? []).map((x: any) => ({...x, version: x.version === 'latest' ? LATEST_REFERENCE_VERSION : x.version})), compatibility: r.spec.compatibility, location: where(r),
  }))
  const services: ServiceSpec[] = byKind('Service').map((r) => ({
    name: r.name, principal: r.spec.principal ?? `User:${r.name}`, produces: [...(r.spec.produces ?? [])],
    consumes: resolveConsumes(r.name, r.spec.consumes ?? []),
    ...(r.spec.transactionalId ? {transactionalId: r.spec.transactionalId} : {}), location: where(r),
  }))
  const jobs: JobSpec[] = byKind('Job').map((r) => ({
    name: r.name, kind: r.spec.type, source: {...r.spec.source}, target: {...r.spec.target}, options: {...(r.spec.options ?? {})}, location: where(r),
  }))
  const policies: PolicySpec[] = byKind('Policy').map((r) => ({
    name: r.name, location: where(r),
    rules: Object.fromEntries(Object.entries(r.spec.rules as Record<string, any>).map(([id, v]) => [id, typeof v === 'string' ? {severity: v} : {...v}])),
  }))
  const identities = resolveIdentities([...byKind('User'), ...byKind('Quota')], environment.name, envs.map((e) => e.name), opts.offline ?? false, diags)
  const connectors = resolveConnectors(byKind('Connector'), environment, envs.map((e) => e.name), opts.offline ?? false, diags)
  const replicas = resolveReplicas(byKind('Replica'), environment, envs.map((e) => e.name), new Set(topics.map((t) => t.name)), sourceViews(set), diags)
  topics.push(...replicas.topics)
  // A Service applies to every environment; reading another environment's copy grants nothing here, where it does not exist.
  const here = new Set(replicas.topics.map((t) => t.name))
  const elsewhere = new Set(replicaTopicNames(byKind('Replica')).filter((t) => !here.has(t)))
  for (const [i, s] of services.entries()) {
    if (s.consumes.some((c) => elsewhere.has(c.topic))) services[i] = {...s, consumes: s.consumes.filter((c) => !elsewhere.has(c.topic))}
  }
  dropFollowOnErrors(diags, envRes, resources)
  const errors = diags.filter((d) => d.severity === 'error')
  if (errors.length > 0) throw new DiagnosticsError(sortDiagnostics(diags))

  const byName = <T extends {name: string}>(a: T, b: T) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)
  // Raw Acl resources are explicit entries (not derived): the planner adds the Services' ACLs to them.
  const acls: AclEntry[] = byKind('Acl').flatMap((r) => (r.spec.grants as any[]).map((g) => ({
    resourceType: g.resourceType, resourceName: g.resourceName, patternType: g.patternType ?? 'LITERAL', principal: r.spec.principal,
    host: g.host ?? '*', operation: g.operation, permission: g.permission ?? 'ALLOW',
  })))
  acls.push(...replicas.acls)
  // Declaring the secure dev worker's user brings its ACLs into the plan's scope: keep the grants it runs on.
  const workerPrincipal = `User:${DEV_CONNECT_USER}`
  if (environment.cluster === 'dev' && environment.dev?.secure && !environment.connect && replicas.acls.some((a) => a.principal === workerPrincipal)) acls.push(...connectWorkerAcls(workerPrincipal))
  const uniqueAcls = [...new Map(acls.map((a) => [aclKey(a), a])).values()].sort((a, b) => (aclKey(a) < aclKey(b) ? -1 : 1))
  const subjects: SubjectState[] = schemas
    .map((s) => ({subject: s.subject, schemaType: s.type, schema: s.schema, references: s.references, ...(s.compatibility ? {compatibility: s.compatibility} : {})}))
    .sort((a, b) => (a.subject < b.subject ? -1 : a.subject > b.subject ? 1 : 0))
  const desired: DesiredState = {
    environment,
    cluster: {...(environment.clusterId ? {clusterId: environment.clusterId} : {}), topics: topics.sort(byName), acls: uniqueAcls, subjects,
      users: identities.userStates, quotas: identities.quotas},
    topicMeta: topicMeta.sort(byName), services: services.sort(byName), users: identities.users, schemas: schemas.sort(byName), jobs: jobs.sort(byName), policies,
    ...(connectors.length > 0 ? {connectors} : {}),
    ...(replicas.replicas.length > 0 ? {replicas: replicas.replicas} : {}),
  }
  // Subjects asked for twice with different texts, record strategies without a record, reference cycles: offline errors.
  const subjectProblems = desiredSubjects(desired).problems
  if (subjectProblems.length > 0) {
    throw new DiagnosticsError(sortDiagnostics([...diags, ...subjectProblems.map(subjectDiagnostic)]))
  }
  return {desired: deepFreeze(desired), warnings: sortDiagnostics([...set.warnings, ...diags])}
}

/**
 * What a Replica needs of its source environment, resolved as that environment resolves it (its
 * own variables and overrides); problems there are that environment's to report, not the target's.
 */
function sourceViews(set: ManifestSet): (environment: string) => SourceView | undefined {
  const cache = new Map<string, SourceView | undefined>()
  return (name) => {
    if (cache.has(name)) return cache.get(name)
    const envRes = set.resources.find((r) => r.kind === 'Environment' && r.name === name)
    let view: SourceView | undefined
    if (envRes) {
      const scratch: Diagnostic[] = []
      const finalize = finalStage(envRes, scratch)
      const finalEnv = finalize(envRes)
      const environment = buildEnvironmentSpec(finalEnv)
      const topics = set.resources.filter((r) => r.kind === 'Topic').map(finalize)
      view = {
        environment, topicNames: topics.map((t) => t.name),
        topic: (topic) => {
          const t = topics.find((x) => x.name === topic)
          return t ? overlayTopic(t, finalEnv, environment).state : undefined
        },
      }
    }
    cache.set(name, view)
    return view
  }
}

/**
 * The final interpolation stage for one environment (see interpolate.ts): `${var:}` from the
 * environment's variables, `$${` unescaped, anything else left a located error — so no name or
 * value with an unresolved reference reaches the checks, the planner or the cluster.
 * `unresolvedNames` are the resources whose name kept a reference (reported already; the name
 * checks skip them rather than report the same problem twice).
 */
function finalStage(envRes: Resource, diags: Diagnostic[]): ((r: Resource) => Resource) & {unresolvedNames: Set<Resource>} {
  const envName = envRes.name
  const variable = variableLookup((envRes.spec as {variables?: Record<string, unknown>}).variables ?? {}, (v, p) => {
    diags.push({severity: 'error', rule: 'interpolation', resource: `Environment/${envName}`, location: locate(envRes.doc, ['spec', 'variables', v]), ...describeProblem(p, envName)})
  })
  const unresolvedNames = new Set<Resource>()
  const finalize = (r: Resource): Resource => {
    const opts = {final: true, handled: ['env', 'file'] as const}
    const report = (path: readonly (string | number)[]) => (p: SubstitutionProblem) => {
      diags.push({severity: 'error', rule: 'interpolation', resource: `${r.kind}/${r.name}`, location: locate(r.doc, path), ...describeProblem(p, envName)})
    }
    const sub = (value: unknown, prefix: readonly (string | number)[]) =>
      interpolateTree(value, {var: variable}, (p, s) => { s.problems.forEach(report([...prefix, ...p])); return s.value }, [], opts)
    let nameOk = true
    const name = interpolateTree(r.name, {var: variable}, (_p, s) => {
      nameOk = s.problems.length === 0
      s.problems.forEach(report(['metadata', 'name']))
      return s.value
    }, [], opts) as string
    // An Environment's variables are resolved (and their problems reported) by the lookup.
    let spec = sub(r === envRes ? {...r.spec, variables: undefined} : r.spec, ['spec']) as Record<string, unknown>
    if (r === envRes) {
      const raw = (r.spec as {variables?: Record<string, unknown>}).variables ?? {}
      spec = {...spec, variables: Object.fromEntries(Object.keys(raw).flatMap((k) => {
        const v = variable(k)
        return typeof v === 'string' ? [[k, v]] : []
      }))}
    }
    const out: Resource = {...r, name, spec, description: sub(r.description, ['metadata', 'description']) as string | undefined,
      labels: sub(r.labels, ['metadata', 'labels']) as Record<string, string>}
    if (!nameOk) unresolvedNames.add(out)
    return out
  }
  return Object.assign(finalize, {unresolvedNames})
}

/** A Schema whose file path names variables: its text, read from the path this environment completes. */
function withSchemaFileText(r: Resource, environment: string, diags: Diagnostic[]): Resource {
  if (r.kind !== 'Schema' || r.schemaDir === undefined || r.schemaText !== undefined) return r
  const file = (r.spec as {file?: unknown}).file
  // A variable left unresolved is already reported where it is used.
  if (typeof file !== 'string' || dependsOnVariables(file)) return r
  const found: Diagnostic[] = []
  const text = loadSchemaText(r.doc, {file}, r.schemaDir, `Schema/${r.name}`, found)
  if (text !== undefined) checkSchemaText(r, text, found)
  // The path is this environment's: say so, as other per-environment errors do.
  diags.push(...found.map((d) => ({...d, message: `environment ${environment}: ${d.message}`})))
  return text === undefined ? r : {...r, schemaText: text}
}

/**
 * A schema-invalid document is checked without the parts in error (see salvage); a check that
 * would only fail because such a part is missing says nothing new, so it is dropped: the
 * replication factor behind min.insync.replicas, the policy a job needs.
 */
function dropFollowOnErrors(diags: Diagnostic[], envRes: Resource, resources: readonly Resource[]): void {
  const cut = (r: Resource | undefined, test: (path: string) => boolean) => (r?.doc.cut ?? []).some(test)
  const byRef = new Map(resources.map((r) => [`${r.kind}/${r.name}`, r]))
  const rfCut = (p: string) => p === 'spec' || /(^|\/)replicationFactor$/.test(p) || /^spec\/(defaults|overrides)(\/[^/]+)?$/.test(p)
  const envRfCut = cut(envRes, rfCut)
  for (let i = diags.length - 1; i >= 0; i--) {
    const d = diags[i]!
    const target = d.resource === undefined ? undefined : byRef.get(d.resource)
    const drop = (d.rule === 'min-insync-replicas' && (envRfCut || cut(target, rfCut)))
      || (d.rule === 'job' && / has (no policy|policy ")/.test(d.message)
        && resources.some((t) => t.kind === 'Topic' && d.message.includes(`"${t.name}" has`) && cut(t, (p) => p === 'spec/policy')))
    if (drop) diags.splice(i, 1)
  }
}

/**
 * A consumer needs READ on its group to commit offsets. When no entry of a Service declares
 * `groups` or `groupPrefixes`, the convention is one group named after the Service (its
 * `metadata.name`); an explicit `groups: []` opts out (consumers that assign partitions by hand).
 */
function resolveConsumes(service: string, consumes: readonly (string | {topic: string; groups?: string[]; groupPrefixes?: string[]})[]): ServiceSpec['consumes'] {
  const declares = consumes.some((c) => typeof c !== 'string' && (c.groups !== undefined || c.groupPrefixes !== undefined))
  return consumes.map((c) => {
    if (typeof c === 'string') return {topic: c, groups: declares ? [] : [service]}
    const prefixes = c.groupPrefixes?.length ? {groupPrefixes: [...c.groupPrefixes]} : {}
    return {topic: c.topic, groups: declares ? [...(c.groups ?? [])] : [service], ...prefixes}
  })
}
