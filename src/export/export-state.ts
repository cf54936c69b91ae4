import type {EnvironmentSpec} from '../model/environment.js'
import type {AclEntry, ClusterState, SubjectState, TopicState} from '../model/state.js'
import {compareStrings} from '../plan/compare.js'
import {clusterInheritedValues, inheritedValue} from '../plan/config-diff.js'
import {sameConfigValue} from '../plan/config-values.js'
import type {TopicConfigDefaults} from '../plan/options.js'
import {isInternalTopic} from '../plan/topic-scope.js'
import {foldAcls, type FoldedAcls} from './fold-acls.js'

/** One manifest document, as plain data (the YAML writer turns it into text). */
export interface ManifestDoc {
  readonly apiVersion: 'streamctl/v1'
  readonly kind: 'Environment' | 'Topic' | 'Service' | 'Acl' | 'Schema'
  readonly metadata: {readonly name: string; readonly description?: string}
  readonly spec: Readonly<Record<string, unknown>>
}

export interface ExportedManifests {
  readonly environment: ManifestDoc
  readonly topics: ManifestDoc[]
  readonly services: ManifestDoc[]
  readonly acls: ManifestDoc[]
  /** Registry subjects as `Schema` resources with the latest version's text inline. */
  readonly schemas: ManifestDoc[]
}

/**
 * Live state → manifests (pure). Topics keep only the settings that differ from what they would
 * inherit, ACLs fold back into Services where they fit the derivation, the rest stay raw `Acl`
 * entries — so planning the export against the same cluster finds nothing to change.
 */
export function exportState(observed: ClusterState, environment: EnvironmentSpec, defaults: TopicConfigDefaults): ExportedManifests {
  const adopted = adoptState(observed, defaults)
  return {
    environment: exportEnvironment(environment, observed.clusterId),
    topics: adopted.topics.map((t) => ({
      apiVersion: 'streamctl/v1',
      kind: 'Topic',
      metadata: {name: t.name},
      spec: {
        ...(adopted.owners.has(t.name) ? {owner: adopted.owners.get(t.name)} : {}),
        partitions: t.partitions,
        replicationFactor: t.replicationFactor,
        ...(Object.keys(t.config).length ? {config: t.config} : {}),
      },
    })),
    services: adopted.services.map((s) => ({
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
    schemas: schemaDocs(observed.subjects),
  }
}

/**
 * One Schema per subject. The name is the subject made manifest-safe (subjects like
 * `shop.orders.v1-value` are already); the per-subject level is kept, the global one is not ours.
 */
function schemaDocs(subjects: readonly SubjectState[]): ManifestDoc[] {
  const used = new Set<string>()
  return [...subjects].sort((a, b) => compareStrings(a.subject, b.subject)).map((s) => {
    const base = s.subject.toLowerCase().replace(/[^a-z0-9._-]+/g, '-').replace(/^[^a-z0-9]+/, '') || 'schema'
    let name = base
    for (let i = 2; used.has(name); i++) name = `${base}-${i}`
    used.add(name)
    return {
      apiVersion: 'streamctl/v1',
      kind: 'Schema',
      metadata: {name},
      spec: {
        subject: s.subject,
        type: s.schemaType,
        schema: s.schema,
        ...(s.references.length ? {references: s.references.map((r) => ({name: r.name, subject: r.subject, version: r.version}))} : {}),
        ...(s.compatibility ? {compatibility: s.compatibility} : {}),
      },
    }
  })
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
    if (env.dev) spec.dev = {brokers: env.dev.brokers, secure: env.dev.secure, ...(env.dev.dataDir ? {dataDir: env.dev.dataDir} : {})}
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
  if (clusterId) spec.clusterId = clusterId
  if (env.protect.length) spec.protect = [...env.protect]
  if (env.prune) spec.prune = {prefixes: [...env.prune.prefixes]}
  return {apiVersion: 'streamctl/v1', kind: 'Environment', metadata: {name: env.name}, spec}
}

function secretReference(origin: string, fallbackVar = 'KAFKA_PASSWORD'): string {
  const m = /^(env|file):(.+)$/.exec(origin)
  return m ? `\${${m[1]}:${m[2]}}` : `\${env:${fallbackVar}}`
}
