import type {Diagnostic} from '../errors.js'
import {DEV_CONNECT_USER} from '../dev/connect-worker.js'
import type {EnvironmentSpec} from '../model/environment.js'
import {replicaConnectorName, replicaTopicName, type ReplicaSpec} from '../model/replica.js'
import type {AclEntry, TopicState} from '../model/state.js'
import {checkTopicConfigValue, configValueToString, TOPIC_CONFIG_KEYS} from './kafka-topic-configs.js'
import {topicNameProblem} from './topic-names.js'
import {where, type Resource} from './resource.js'
import {didYouMean} from './suggest.js'

/** The source environment of a replica as its own manifests resolve it (its own variables and overrides). */
export interface SourceView {
  readonly environment: EnvironmentSpec
  /** The source environment's desired state of a declared topic, or undefined when none is declared. */
  topic(name: string): TopicState | undefined
  /** Declared topic names there (for did-you-mean). */
  readonly topicNames: readonly string[]
}

export interface ResolvedReplicas {
  readonly replicas: ReplicaSpec[]
  /** The copies the target must hold (same partitions, the source's configs unless overridden). */
  readonly topics: TopicState[]
  /** WRITE on each copy for its replicator only. */
  readonly acls: AclEntry[]
}

/**
 * The copies' names the Replicas declare, before any other check: references accept them in every
 * environment, as they accept any declared Topic (Services apply to every environment).
 */
export function replicaTopicNames(resources: readonly Resource[]): string[] {
  return resources.filter((r) => r.kind === 'Replica')
    .map((r) => replicaTopicName(String(r.spec.source?.environment), String(r.spec.source?.topic)))
}

/**
 * The Replicas whose target is `env`: each source environment must be declared and another one,
 * the source topic declared there, the copy's name legal and not a Topic of its own. The
 * replicator's principal is declared, or the secure dev worker's own user (`User:connect`).
 */
export function resolveReplicas(resources: readonly Resource[], env: EnvironmentSpec, environmentNames: readonly string[], declaredTopics: ReadonlySet<string>,
  sourceView: (environment: string) => SourceView | undefined, diags: Diagnostic[]): ResolvedReplicas {
  const out: ResolvedReplicas = {replicas: [], topics: [], acls: []}
  for (const r of resources) {
    const spec = r.spec as {source: {environment: string; topic: string}; environment: string; replicationFactor?: number; config?: Record<string, unknown>; principal?: string; tasks?: number}
    const resource = `Replica/${r.name}`
    const error = (path: (string | number)[], message: string, hint: string) => diags.push({severity: 'error', rule: 'replica', resource, location: where(r, path), message, hint})
    if (!environmentNames.includes(spec.environment)) {
      error(['spec', 'environment'], `environment "${spec.environment}" is not declared`, didYouMean(spec.environment, environmentNames) ?? `declared environments: ${environmentNames.join(', ')}`)
      continue
    }
    if (spec.environment !== env.name) continue
    if (!env.connect && env.cluster !== 'dev') {
      error(['spec', 'environment'], `environment "${env.name}" has no Kafka Connect cluster to run this replica's MirrorMaker 2 connector`,
        `add \`connect: {url: http://…}\` to environment ${env.name}`)
      continue
    }
    if (!environmentNames.includes(spec.source.environment)) {
      error(['spec', 'source', 'environment'], `environment "${spec.source.environment}" is not declared`, didYouMean(spec.source.environment, environmentNames) ?? `declared environments: ${environmentNames.join(', ')}`)
      continue
    }
    if (spec.source.environment === env.name) {
      error(['spec', 'source', 'environment'], `replica "${r.name}" copies from its own environment ${env.name}`, 'a Replica copies a topic of another environment; name that environment in spec.source.environment')
      continue
    }
    const view = sourceView(spec.source.environment)
    const source = view?.topic(spec.source.topic)
    if (!view || !source) {
      error(['spec', 'source', 'topic'], `topic "${spec.source.topic}" is not declared in environment ${spec.source.environment}`,
        didYouMean(spec.source.topic, view?.topicNames ?? []) ?? 'declare the source topic as a Topic: the copy takes its partitions and configs')
      continue
    }
    const topic = replicaTopicName(spec.source.environment, spec.source.topic)
    const nameProblem = topicNameProblem(topic)
    if (nameProblem) {
      error(['spec', 'source', 'environment'], `the copy's name "${topic}" (<source environment>.<topic>) is not a legal topic name: ${nameProblem.message}`, nameProblem.hint)
      continue
    }
    if (declaredTopics.has(topic)) {
      error(['metadata', 'name'], `the copy "${topic}" is also declared as a Topic`, 'a replica\'s copy is written by its replicator only: remove the Topic, or replicate into another environment')
      continue
    }
    const config: Record<string, string> = {...source.config}
    for (const [key, raw] of Object.entries(spec.config ?? {})) {
      const value = configValueToString(raw)
      const problem = checkTopicConfigValue(key, value)
      if (problem) {
        const unknown = !TOPIC_CONFIG_KEYS.includes(key)
        diags.push({severity: 'error', rule: unknown ? 'topic-config-key' : 'topic-config-value', resource, location: where(r, ['spec', 'config', key], true), message: problem,
          hint: (unknown ? didYouMean(key, TOPIC_CONFIG_KEYS) : undefined) ?? 'see the topic config table in the README'})
        continue
      }
      config[key] = value
    }
    const replicationFactor = spec.replicationFactor ?? env.defaults.replicationFactor ?? source.replicationFactor
    const principal = spec.principal ?? (env.cluster === 'dev' && env.dev?.secure && !env.connect ? `User:${DEV_CONNECT_USER}` : undefined)
    if (!principal && env.cluster !== 'dev') {
      diags.push({severity: 'warning', rule: 'replica', resource, location: where(r), message: `replica "${r.name}" names no replicator principal: no WRITE grant is made on ${topic}`,
        hint: 'set spec.principal to the principal the Connect worker writes as, if the target cluster enforces ACLs'})
    }
    out.topics.push({name: topic, partitions: source.partitions, replicationFactor, config})
    if (principal) out.acls.push({resourceType: 'TOPIC', resourceName: topic, patternType: 'LITERAL', principal, host: '*', operation: 'WRITE', permission: 'ALLOW'})
    out.replicas.push({
      name: r.name, source: {environment: spec.source.environment, topic: spec.source.topic}, sourceEnvironment: view.environment, topic,
      partitions: source.partitions, ...(principal ? {principal} : {}), ...(spec.tasks !== undefined ? {tasks: spec.tasks} : {}),
      connector: replicaConnectorName(r.name), location: where(r),
    })
  }
  return out
}
