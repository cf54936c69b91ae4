import {DiagnosticsError, StreamctlError, type Diagnostic} from '../errors.js'
import type {DesiredState, JobSpec, PolicySpec, SchemaSpec, ServiceSpec, TopicMeta} from '../model/desired.js'
import {aclKey, type AclEntry, type SubjectState, type TopicState} from '../model/state.js'
import {buildEnvironmentSpec} from './build-environment.js'
import {deepFreeze} from './deep-freeze.js'
import {describeProblem, interpolateTree} from './interpolate.js'
import {locate} from './parse-positions.js'
import {where, type ManifestSet, type Resource} from './resource.js'
import {checkJobs} from './check-jobs.js'
import {checkReferences} from './check-references.js'
import {checkDuplicates, checkTopicNames} from './check-names.js'
import {didYouMean} from './suggest.js'
import {overlayTopic} from './topic-overlay.js'
import {sortDiagnostics} from './sort-diagnostics.js'

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
  const environment = buildEnvironmentSpec(envRes)
  const vars = environment.variables
  const resources = set.resources.filter((r) => r.kind !== 'Environment').map((r) => substituteVars(r, vars, environment.name, diags))
  const envs = set.resources.filter((r) => r.kind === 'Environment')
  const byKind = (k: Resource['kind']) => resources.filter((r) => r.kind === k)

  checkDuplicates([...envs, ...resources], diags)
  checkTopicNames(byKind('Topic'), diags)
  checkReferences(resources, envs, diags)
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
    references: (r.spec.references ?? []).map((x: any) => ({...x})), compatibility: r.spec.compatibility, location: where(r),
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
  const errors = diags.filter((d) => d.severity === 'error')
  if (errors.length > 0) throw new DiagnosticsError(sortDiagnostics(diags))

  const byName = <T extends {name: string}>(a: T, b: T) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)
  // Raw Acl resources are explicit entries (not derived): the planner adds the Services' ACLs to them.
  const acls: AclEntry[] = byKind('Acl').flatMap((r) => (r.spec.grants as any[]).map((g) => ({
    resourceType: g.resourceType, resourceName: g.resourceName, patternType: g.patternType ?? 'LITERAL', principal: r.spec.principal,
    host: g.host ?? '*', operation: g.operation, permission: g.permission ?? 'ALLOW',
  })))
  const uniqueAcls = [...new Map(acls.map((a) => [aclKey(a), a])).values()].sort((a, b) => (aclKey(a) < aclKey(b) ? -1 : 1))
  const subjects: SubjectState[] = schemas
    .map((s) => ({subject: s.subject, schemaType: s.type, schema: s.schema, references: s.references, ...(s.compatibility ? {compatibility: s.compatibility} : {})}))
    .sort((a, b) => (a.subject < b.subject ? -1 : a.subject > b.subject ? 1 : 0))
  const desired: DesiredState = {
    environment,
    cluster: {...(environment.clusterId ? {clusterId: environment.clusterId} : {}), topics: topics.sort(byName), acls: uniqueAcls, subjects},
    topicMeta: topicMeta.sort(byName), services: services.sort(byName), schemas: schemas.sort(byName), jobs: jobs.sort(byName), policies,
  }
  return {desired: deepFreeze(desired), warnings: sortDiagnostics([...set.warnings, ...diags])}
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

function substituteVars(r: Resource, vars: Readonly<Record<string, string>>, envName: string, diags: Diagnostic[]): Resource {
  const lookups = {var: (n: string) => vars[n]}
  const report = (path: readonly (string | number)[]) => (p: {scheme: any; name: string}) => {
    diags.push({severity: 'error', rule: 'interpolation', resource: `${r.kind}/${r.name}`, location: locate(r.doc, path), ...describeProblem(p, envName)})
  }
  const name = interpolateTree(r.name, lookups, (_p, s) => { s.problems.forEach(report(['metadata', 'name'])); return s.value }) as string
  const spec = interpolateTree(r.spec, lookups, (p, s) => { s.problems.forEach(report(['spec', ...p])); return s.value })
  return {...r, name, spec}
}
