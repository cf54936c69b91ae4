import {LINT_RULES} from '../lint/rules.js'
import {POLICY_CONFIGS} from '../manifest/topic-overlay.js'
import type {DesiredState, ServiceSpec, TopicMeta, TopicPolicy} from '../model/desired.js'
import type {EnvironmentSpec, KafkaConnectionSpec} from '../model/environment.js'
import {quotaEntityKey, type AclEntry, type ClusterState, type SubjectState, type TopicState} from '../model/state.js'
import {DEFAULT_ENTITY} from '../manifest/identities.js'
import {compareStrings} from '../plan/compare.js'
import {clusterInheritedValues, inheritedValue} from '../plan/config-diff.js'
import {sameConfigValue} from '../plan/config-values.js'
import type {TopicConfigDefaults} from '../plan/options.js'
import {isInternalTopic} from '../plan/topic-scope.js'
import {foldAcls, type FoldedAcls} from './fold-acls.js'
import {digestOf} from '../plan/digest.js'

/** One manifest document, as plain data (the YAML writer turns it into text). */
export interface ManifestDoc {
  readonly apiVersion: 'streamctl/v1'
  readonly kind: 'Environment' | 'Topic' | 'Service' | 'Acl' | 'Schema' | 'Policy' | 'User' | 'Quota' | 'Connector'
  readonly metadata: {readonly name: string; readonly description?: string}
  readonly spec: Readonly<Record<string, unknown>>
  /** A YAML comment written above the document. */
  readonly comment?: string
}

export interface ExportedManifests {
  readonly environment: ManifestDoc
  readonly topics: ManifestDoc[]
  readonly services: ManifestDoc[]
  readonly acls: ManifestDoc[]
  /** Registry subjects as `Schema` resources: the latest version's text inline, or in `schemaFiles`. */
  readonly schemas: ManifestDoc[]
  /** With `schemaFiles`: each subject's text under `schemas/` (relative to the manifests), which its Schema names as `file:`. */
  readonly schemaFiles: readonly {readonly path: string; readonly content: string}[]
  /** At most one Policy: the default lint rules live data cannot satisfy, as warnings (see relaxations). */
  readonly policies: ManifestDoc[]
  /** SCRAM users, each with a `${env:…}` password reference to fill in (Kafka never returns passwords), and its user quotas. */
  readonly users: ManifestDoc[]
  /** Quotas of entities other than a plain user (client ids, user+client id, defaults). */
  readonly quotas: ManifestDoc[]
  /** Kafka Connect connectors, when the environment has a Connect cluster (export-connectors.ts). */
  readonly connectors?: ManifestDoc[]
}

/**
 * Live state → manifests (pure). Topics keep only the settings that differ from what they would
 * inherit, ACLs fold back into Services where they fit the derivation, the rest stay raw `Acl`
 * entries — so planning the export against the same cluster finds nothing to change. What Kafka
 * can tell is recovered: a topic's policy from its cleanup.policy and retention, its schemas from
 * the registry's `<topic>-key` / `<topic>-value` subjects. Descriptions and labels are not stored
 * in Kafka and are not recovered. The export passes lint with the default rules: a rule that the
 * live estate breaks (a topic no service writes has no owner) becomes a warning in a generated
 * Policy, whose comment lists what to fix before turning it back into an error.
 */
export interface ExportOptions {
  /** Leave SCRAM users out (`--no-users`): their passwords must be filled in before the export can be planned. */
  readonly users?: boolean
  /** The connection export used: its own user's password reference is written as is. */
  readonly connection?: KafkaConnectionSpec
  /** Write each schema's text to a file of its own (`schemas/<subject>.avsc|.json|.proto`) instead of inline. */
  readonly schemaFiles?: boolean
}

export function exportState(observed: ClusterState, environment: EnvironmentSpec, defaults: TopicConfigDefaults, options: ExportOptions = {}): ExportedManifests {
  const adopted = adoptState(observed, defaults)
  const {docs: schemas, files: schemaFiles} = schemaDocs(observed.subjects, options.schemaFiles ?? false)
  const schemaBySubject = new Map(schemas.map((d) => [d.spec.subject as string, d.metadata.name]))
  const observedByName = new Map(observed.topics.map((t) => [t.name, t]))
  const ctx = {defaults, clusterInherited: clusterInheritedValues(observed.topics)}
  const topics = adopted.topics.map((t) => exportTopic(t, observedByName.get(t.name)!, ctx, adopted.owners.get(t.name), schemaBySubject))
  const services = adopted.services
  return {
    environment: exportEnvironment(environment, observed.clusterId),
    topics: topics.map((t) => ({
      apiVersion: 'streamctl/v1',
      kind: 'Topic',
      metadata: {name: t.state.name},
      spec: {
        ...(t.meta.owner === undefined ? {} : {owner: t.meta.owner}),
        partitions: t.state.partitions,
        replicationFactor: t.state.replicationFactor,
        ...(t.meta.policy === undefined ? {} : {policy: t.meta.policy}),
        ...(Object.keys(t.config).length ? {config: t.config} : {}),
        ...(t.meta.keySchema ? {keySchema: t.meta.keySchema.schema} : {}),
        ...(t.meta.valueSchema ? {valueSchema: t.meta.valueSchema.schema} : {}),
      },
    })),
    services: services.map((s) => ({
      apiVersion: 'streamctl/v1',
      kind: 'Service',
      metadata: {name: s.name},
      spec: {
        principal: s.principal,
        ...(s.produces.length ? {produces: s.produces} : {}),
        ...(s.consumes.length ? {consumes: s.consumes} : {}),
        ...(s.transactionalId === undefined ? {} : {transactionalId: s.transactionalId}),
      },
    })),
    acls: rawAclDocs(adopted.raw),
    schemas,
    schemaFiles,
    policies: relaxations(environment, topics, services),
    ...identityDocs(options.users === false ? {...observed, users: []} : observed, options.connection),
  }
}

/** The environment variable an exported User's password is read from: STREAMCTL_PASSWORD_<NAME>. */
export function passwordVariable(user: string): string {
  return `STREAMCTL_PASSWORD_${user.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`
}

function quotaDocName(key: string): string {
  return `quota-${key.replace(/<default>/g, 'default').replace(/[^A-Za-z0-9._-]+/g, '-')}`
}

/**
 * Users and quotas as manifests. A user's password cannot be exported: its User reads it from an
 * environment variable, and the first apply sets the credential to that password (the plan calls
 * it unverified) unless it is the one streamctl connects with.
 */
function identityDocs(observed: ClusterState, connection: KafkaConnectionSpec | undefined): Pick<ExportedManifests, 'users' | 'quotas'> {
  const userNames = new Set((observed.users ?? []).map((u) => u.name))
  const ownQuotas = new Map<string, Readonly<Record<string, number>>>()
  const quotas: ManifestDoc[] = []
  for (const q of observed.quotas ?? []) {
    const e = q.entity
    if (typeof e.user === 'string' && e.clientId === undefined && userNames.has(e.user)) {
      ownQuotas.set(e.user, q.values)
      continue
    }
    const key = quotaEntityKey(e)
    quotas.push({apiVersion: 'streamctl/v1', kind: 'Quota', metadata: {name: quotaDocName(key)}, spec: {
      ...(e.user === undefined ? {} : {user: e.user ?? DEFAULT_ENTITY}),
      ...(e.clientId === undefined ? {} : {clientId: e.clientId ?? DEFAULT_ENTITY}),
      quotas: sortedValues(q.values),
    }})
  }
  const sasl = connection?.sasl
  const ownReference = sasl && sasl.mechanism !== 'plain' && /^(env|file):/.test(sasl.password.origin) ? `\${${sasl.password.origin}}` : undefined
  const users: ManifestDoc[] = (observed.users ?? []).map((u) => {
    const own = u.name === sasl?.username && ownReference !== undefined
    return {
      apiVersion: 'streamctl/v1', kind: 'User', metadata: {name: u.name},
      comment: own ? ' the user this export connected as: its password is the connection\'s own' : ` the password is not stored in Kafka: export ${passwordVariable(u.name)} before planning`,
      spec: {
        credentials: u.credentials.map((c) => ({mechanism: c.mechanism, iterations: c.iterations})),
        password: own ? ownReference : `\${env:${passwordVariable(u.name)}}`,
        ...(ownQuotas.has(u.name) ? {quotas: sortedValues(ownQuotas.get(u.name)!)} : {}),
      },
    }
  })
  return {users, quotas}
}

function sortedValues(values: Readonly<Record<string, number>>): Record<string, number> {
  return Object.fromEntries(Object.entries(values).sort(([a], [b]) => compareStrings(a, b)))
}

interface ExportedTopic {
  /** As the manifests resolve it (policy expanded): what lint sees. */
  readonly state: TopicState
  readonly meta: TopicMeta
  /** What the Topic document writes under `config`. */
  readonly config: Record<string, string>
}

/**
 * The policy a live topic's settings amount to: compact with infinite retention is a table,
 * delete with infinite retention is versioned, any other delete-only topic a stream. Anything
 * else (compact with retention, compact+delete) has no policy shorthand and keeps raw configs.
 */
export function inferPolicy(cleanupPolicy: string | null, retentionMs: string | null): TopicPolicy | undefined {
  const cleanup = (cleanupPolicy ?? 'delete').split(',').map((x) => x.trim()).filter(Boolean).sort().join(',')
  if (cleanup === 'compact') return retentionMs === '-1' ? 'table' : undefined
  if (cleanup === 'delete') return retentionMs === '-1' ? 'versioned' : 'stream'
  return undefined
}

function exportTopic(t: TopicState, observed: TopicState, ctx: Parameters<typeof inheritedValue>[2], owner: string | undefined,
  schemaBySubject: ReadonlyMap<string, string>): ExportedTopic {
  const current = (key: string) => observed.config[key] ?? inheritedValue(observed, key, ctx)
  const policy = inferPolicy(current('cleanup.policy'), current('retention.ms'))
  const config: Record<string, string> = {...t.config}
  const expanded: Record<string, string> = {}
  if (policy) {
    const p = POLICY_CONFIGS[policy]
    // The policy sets its defining keys (equal to the live values, by inference): not repeated.
    for (const [k, v] of Object.entries(p.fixed)) { delete config[k]; expanded[k] = v }
    // A policy default (stream: 7 days) that is not what the topic has must be overridden explicitly.
    for (const [k, v] of Object.entries(p.defaults)) {
      const live = current(k)
      if (config[k] === undefined && live !== null && !sameConfigValue(k, live, v)) config[k] = live
      expanded[k] = config[k] ?? v
    }
  }
  const ref = (suffix: 'key' | 'value') => {
    const schema = schemaBySubject.get(`${t.name}-${suffix}`)
    return schema === undefined ? undefined : {schema, strategy: 'topic' as const}
  }
  const keySchema = ref('key'), valueSchema = ref('value')
  return {
    state: {name: t.name, partitions: t.partitions, replicationFactor: t.replicationFactor, config: {...expanded, ...config}},
    meta: {name: t.name, labels: {}, ...(owner === undefined ? {} : {owner}), ...(policy ? {policy} : {}),
      ...(keySchema ? {keySchema} : {}), ...(valueSchema ? {valueSchema} : {})},
    config: Object.fromEntries(Object.entries(config).sort(([a], [b]) => compareStrings(a, b))),
  }
}

/**
 * The default error rules the exported estate breaks (judged by the rules themselves on what the
 * export declares), turned into warnings by one Policy, with a comment naming what breaks them.
 */
function relaxations(environment: EnvironmentSpec, topics: readonly ExportedTopic[], services: readonly ServiceSpec[]): ManifestDoc[] {
  const desired: DesiredState = {
    environment: {...environment, productionLike: false},
    cluster: {topics: topics.map((t) => t.state), acls: [], subjects: []},
    topicMeta: topics.map((t) => t.meta),
    services,
    users: [],
    schemas: [],
    jobs: [],
    policies: [],
  }
  const broken: {id: string; resources: string[]}[] = []
  for (const rule of LINT_RULES) {
    if (rule.defaultSeverity !== 'error') continue
    const findings = rule.check(desired, {})
    if (findings.length > 0) broken.push({id: rule.id, resources: findings.map((f) => f.resource ?? f.message)})
  }
  if (broken.length === 0) return []
  const lines = broken.map((b) => `  ${b.id}: ${b.resources.slice(0, 5).join(', ')}${b.resources.length > 5 ? `, and ${b.resources.length - 5} more` : ''}`)
  return [{
    apiVersion: 'streamctl/v1',
    kind: 'Policy',
    metadata: {name: 'exported-relaxations', description: 'default lint rules the live cluster does not satisfy yet, as warnings'},
    spec: {rules: Object.fromEntries(broken.map((b) => [b.id, 'warning']))},
    comment: [
      ' The live cluster breaks these default lint rules, which export cannot fix from live data',
      ' (owners come from WRITE ACLs, value schemas from <topic>-value registry subjects):',
      ...lines,
      ' They are warnings so the export validates, lints and applies as it is; fix what they list,',
      ' then delete this Policy to make them errors again.',
    ].join('\n'),
  }]
}

/**
 * One Schema per subject. The name is the subject made manifest-safe (subjects like
 * `shop.orders.v1-value` are already); the per-subject level is kept, the global one is not ours.
 */
function schemaDocs(subjects: readonly SubjectState[], toFiles: boolean): {docs: ManifestDoc[]; files: {path: string; content: string}[]} {
  const used = new Set<string>()
  const usedFiles = new Set<string>()
  const files: {path: string; content: string}[] = []
  const docs = [...subjects].sort((a, b) => compareStrings(a.subject, b.subject)).map((s): ManifestDoc => {
    const base = s.subject.toLowerCase().replace(/[^a-z0-9._-]+/g, '-').replace(/^[^a-z0-9]+/, '') || 'schema'
    let name = base
    for (let i = 2; used.has(name); i++) name = `${base}-${i}`
    used.add(name)
    let source: {file: string} | {schema: string} = {schema: s.schema}
    if (toFiles) {
      const path = schemaFilePath(s, usedFiles)
      files.push({path, content: schemaFileText(s)})
      source = {file: path}
    }
    return {
      apiVersion: 'streamctl/v1',
      kind: 'Schema',
      metadata: {name},
      spec: {
        subject: s.subject,
        type: s.schemaType,
        ...source,
        ...(s.references.length ? {references: s.references.map((r) => ({name: r.name, subject: r.subject, version: r.version}))} : {}),
        ...(s.compatibility ? {compatibility: s.compatibility} : {}),
      },
    }
  })
  return {docs, files}
}

const SCHEMA_EXTENSIONS = {AVRO: 'avsc', JSON: 'json', PROTOBUF: 'proto'} as const
/** A file name's bytes, with room for a counter and the extension (most file systems allow 255). */
const MAX_FILE_STEM = 200

/**
 * `schemas/<subject>.<ext>`: the subject as a file name (case kept: subjects differing only in
 * case stay apart through the counter), shortened with a hash when a subject at Kafka's limits
 * would make it too long.
 */
function schemaFilePath(s: SubjectState, used: Set<string>): string {
  let stem = s.subject.replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^\.+/, '_')
  if (Buffer.byteLength(stem) > MAX_FILE_STEM) stem = `${stem.slice(0, MAX_FILE_STEM - 13)}-${digestOf(s.subject).slice(7, 19)}`
  let path = `schemas/${stem}.${SCHEMA_EXTENSIONS[s.schemaType]}`
  for (let i = 2; used.has(path.toLowerCase()); i++) path = `schemas/${stem}-${i}.${SCHEMA_EXTENSIONS[s.schemaType]}`
  used.add(path.toLowerCase())
  return path
}

/** Avro and JSON Schema pretty-printed (the registry's canonical text is one line); Protobuf as stored. */
function schemaFileText(s: SubjectState): string {
  if (s.schemaType === 'PROTOBUF') return s.schema.endsWith('\n') ? s.schema : `${s.schema}\n`
  try {
    return `${JSON.stringify(JSON.parse(s.schema), null, 2)}\n`
  } catch {
    return `${s.schema}\n`
  }
}

export interface AdoptedState extends FoldedAcls {
  /** Non-internal topics, `config` reduced to the settings that differ from what they inherit. */
  readonly topics: TopicState[]
}

/** The typed intermediate of export: what the manifests of this live state would declare. */
export function adoptState(observed: ClusterState, defaults: TopicConfigDefaults): AdoptedState {
  const topics = observed.topics.filter((t) => !isInternalTopic(t.name, t.internal))
  const folded = foldAcls(observed.acls, new Set(topics.map((t) => t.name)))
  const ctx = {defaults, clusterInherited: clusterInheritedValues(observed.topics)}
  return {...folded, topics: topics.map((t) => ({name: t.name, partitions: t.partitions, replicationFactor: t.replicationFactor, config: declaredConfig(t, ctx)}))}
}

function declaredConfig(t: TopicState, ctx: Parameters<typeof inheritedValue>[2]): Record<string, string> {
  const config: Record<string, string> = {}
  for (const key of Object.keys(t.config).sort(compareStrings)) {
    const value = t.config[key]!
    if (!sameConfigValue(key, value, inheritedValue(t, key, ctx))) config[key] = value
  }
  return config
}

function rawAclDocs(raw: readonly AclEntry[]): ManifestDoc[] {
  const byPrincipal = new Map<string, AclEntry[]>()
  for (const a of raw) byPrincipal.set(a.principal, [...(byPrincipal.get(a.principal) ?? []), a])
  return [...byPrincipal.entries()].map(([principal, entries]) => ({
    apiVersion: 'streamctl/v1',
    kind: 'Acl',
    metadata: {name: principal.replace(/^[A-Za-z]+:/, '').toLowerCase().replace(/[^a-z0-9-]+/g, '-') || 'acl'},
    spec: {
      principal,
      grants: entries.map((a) => ({
        resourceType: a.resourceType,
        resourceName: a.resourceName,
        patternType: a.patternType,
        operation: a.operation,
        permission: a.permission,
        host: a.host,
      })),
    },
  }))
}

/** The environment as the manifests would declare it; secrets stay references, never values. */
function exportEnvironment(env: EnvironmentSpec, clusterId: string | undefined): ManifestDoc {
  const kafka = env.kafka
  const spec: Record<string, unknown> = {}
  if (env.cluster === 'dev') {
    spec.cluster = 'dev'
    if (env.dev) spec.dev = {brokers: env.dev.brokers, secure: env.dev.secure, ...(env.dev.dataDir ? {dataDir: env.dev.dataDir} : {}), ...(env.dev.connect !== undefined ? {connect: env.dev.connect} : {})}
  } else if (kafka) {
    spec.kafka = {
      bootstrap: [...kafka.bootstrap],
      ...(kafka.tls ? {tls: {...kafka.tls}} : {}),
      ...(kafka.sasl
        ? {sasl: {mechanism: kafka.sasl.mechanism, username: kafka.sasl.username, password: secretReference(kafka.sasl.password.origin)}}
        : {}),
    }
  }
  if (env.registry && env.cluster !== 'dev') {
    const r = env.registry
    spec.registry = {
      url: r.url,
      ...(r.username === undefined ? {} : {username: r.username}),
      ...(r.password ? {password: secretReference(r.password.origin, 'REGISTRY_PASSWORD')} : {}),
      ...(r.token ? {token: secretReference(r.token.origin, 'REGISTRY_TOKEN')} : {}),
    }
  }
  if (env.connect) {
    const a = env.connect.auth
    spec.connect = {url: env.connect.url, ...(a ? {auth: {username: a.username, password: secretReference(a.password.origin, 'CONNECT_PASSWORD')}} : {})}
  }
  if (clusterId) spec.clusterId = clusterId
  if (env.protect.length) spec.protect = [...env.protect]
  if (env.prune) spec.prune = {prefixes: [...env.prune.prefixes], ...(env.prune.connectors ? {connectors: [...env.prune.connectors]} : {})}
  return {apiVersion: 'streamctl/v1', kind: 'Environment', metadata: {name: env.name}, spec}
}

function secretReference(origin: string, fallbackVar = 'KAFKA_PASSWORD'): string {
  const m = /^(env|file):(.+)$/.exec(origin)
  return m ? `\${${m[1]}:${m[2]}}` : `\${env:${fallbackVar}}`
}
