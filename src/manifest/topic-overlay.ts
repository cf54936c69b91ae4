import type {Diagnostic, SourceLocation} from '../errors.js'
import type {TopicMeta, TopicPolicy} from '../model/desired.js'
import type {EnvironmentSpec} from '../model/environment.js'
import type {TopicState} from '../model/state.js'
import type {PlacementSpec} from '../plan/placement-spec.js'
import {checkTopicConfigValue, configValueToString, TOPIC_CONFIG_KEYS} from './kafka-topic-configs.js'
import {placementOf} from './build-environment.js'
import {where, type Resource} from './resource.js'
import {didYouMean} from './suggest.js'

/**
 * What each `policy` shorthand expands to. `fixed` keys define the policy and may not be
 * contradicted by the topic's own config; `defaults` may be overridden.
 *  - stream: time-limited event log (cleanup.policy=delete, 7 days unless retention.ms is set)
 *  - table: latest value per key, kept forever (compact, retention.ms=-1)
 *  - versioned: every version kept forever; the key carries the version (delete, retention.ms=-1)
 */
export const POLICY_CONFIGS: Readonly<Record<TopicPolicy, {fixed: Record<string, string>; defaults: Record<string, string>}>> = {
  stream: {fixed: {'cleanup.policy': 'delete'}, defaults: {'retention.ms': '604800000'}},
  table: {fixed: {'cleanup.policy': 'compact', 'retention.ms': '-1'}, defaults: {}},
  versioned: {fixed: {'cleanup.policy': 'delete', 'retention.ms': '-1'}, defaults: {}},
}

/** Kafka's broker defaults num.partitions and default.replication.factor. */
const KAFKA_DEFAULT_PARTITIONS = 1
const KAFKA_DEFAULT_RF = 1

interface Layer {
  readonly config: Readonly<Record<string, unknown>> | undefined
  readonly at: (key: string) => SourceLocation
  readonly explicit: boolean
}

/**
 * One topic as the environment sees it: environment defaults, then the policy, then the topic's
 * config, then `overrides.<env>`. Reports unknown keys, bad values, policy contradictions and
 * min.insync.replicas above the replication factor, each at the line that set the value.
 */
export function overlayTopic(topic: Resource, envRes: Resource, env: EnvironmentSpec): {state: TopicState; meta: TopicMeta; diagnostics: Diagnostic[]} {
  const spec = topic.spec as {partitions?: number; replicationFactor?: number; policy?: TopicPolicy; config?: Record<string, unknown>
    overrides?: Record<string, {partitions?: number; replicationFactor?: number; config?: Record<string, unknown>; placement?: Parameters<typeof placementOf>[0]}>; owner?: string
    placement?: Parameters<typeof placementOf>[0]
    keySchema?: string | {schema: string; strategy?: 'topic' | 'record'}; valueSchema?: string | {schema: string; strategy?: 'topic' | 'record'}}
  const ov = spec.overrides?.[env.name]
  const resource = `Topic/${topic.name}`
  const diagnostics: Diagnostic[] = []
  const layers: Layer[] = [
    {config: env.defaults.config, at: (k) => where(envRes, ['spec', 'defaults', 'config', k], true), explicit: false},
    {config: spec.config, at: (k) => where(topic, ['spec', 'config', k], true), explicit: true},
    {config: ov?.config, at: (k) => where(topic, ['spec', 'overrides', env.name, 'config', k], true), explicit: true},
  ]
  const policy = spec.policy ? POLICY_CONFIGS[spec.policy] : undefined
  const config: Record<string, string> = {}
  const origin: Record<string, SourceLocation> = {}
  const setBy = (layer: Layer) => {
    for (const [k, raw] of Object.entries(layer.config ?? {})) {
      const v = configValueToString(raw)
      const problem = configProblem(k, v, resource, layer.at(k))
      if (problem) {
        diagnostics.push(problem)
        continue
      }
      const fixed = policy?.fixed[k]
      if (fixed !== undefined && v !== fixed && layer.explicit) {
        diagnostics.push({severity: 'error', rule: 'topic-policy', resource, location: layer.at(k),
          message: `${k}=${v} contradicts policy "${spec.policy}" (which sets ${k}=${fixed})`,
          hint: `remove ${k} or choose another policy`})
        continue
      }
      config[k] = v
      origin[k] = layer.at(k)
    }
  }
  // A policy default (stream: 7 days) yields to an environment default; its fixed keys do not.
  if (policy) Object.assign(config, policy.defaults)
  setBy(layers[0]!)
  if (policy) Object.assign(config, policy.fixed)
  setBy(layers[1]!)
  setBy(layers[2]!)
  // Other environments' overrides are not applied here, but a typo in them is still reported.
  for (const [other, o] of Object.entries(spec.overrides ?? {})) {
    if (other === env.name) continue
    for (const [k, raw] of Object.entries(o.config ?? {})) {
      const problem = configProblem(k, configValueToString(raw), resource, where(topic, ['spec', 'overrides', other, 'config', k], true))
      if (problem) diagnostics.push(problem)
    }
  }
  const partitions = ov?.partitions ?? spec.partitions ?? env.defaults.partitions ?? KAFKA_DEFAULT_PARTITIONS
  const replicationFactor = ov?.replicationFactor ?? spec.replicationFactor ?? env.defaults.replicationFactor ?? KAFKA_DEFAULT_RF
  const minIsr = config['min.insync.replicas']
  if (minIsr !== undefined && Number(minIsr) > replicationFactor) {
    diagnostics.push({severity: 'error', rule: 'min-insync-replicas', resource, location: origin['min.insync.replicas'] ?? where(topic),
      message: `min.insync.replicas=${minIsr} is greater than the replication factor ${replicationFactor} in environment ${env.name}`,
      hint: 'acks=all writes would always fail; lower min.insync.replicas or raise replicationFactor'})
  }
  // The most specific placement wins whole: an override replaces the topic's, which replaces the environment's.
  const placementRaw = ov?.placement ?? spec.placement
  const placement = placementRaw ? placementOf(placementRaw) : env.placement
  diagnostics.push(...placementProblems(placementRaw ? topic : envRes, placementRaw ? (ov?.placement ? ['spec', 'overrides', env.name, 'placement'] : ['spec', 'placement']) : ['spec', 'placement'], placement, replicationFactor, resource, env.name))
  const ref = (r: typeof spec.keySchema) => (r === undefined ? undefined : typeof r === 'string' ? {schema: r, strategy: 'topic' as const} : {schema: r.schema, strategy: r.strategy ?? 'topic'})
  const sorted = Object.fromEntries(Object.entries(config).sort(([a], [b]) => (a < b ? -1 : 1)))
  return {
    state: {name: topic.name, partitions, replicationFactor, config: sorted, ...(placement ? {placement} : {})},
    meta: {name: topic.name, description: topic.description, owner: spec.owner, policy: spec.policy, labels: topic.labels,
      keySchema: ref(spec.keySchema), valueSchema: ref(spec.valueSchema), location: where(topic)},
    diagnostics,
  }
}

function configProblem(key: string, value: string, resource: string, location: SourceLocation): Diagnostic | undefined {
  const problem = checkTopicConfigValue(key, value)
  if (!problem) return undefined
  const unknown = !TOPIC_CONFIG_KEYS.includes(key)
  return {severity: 'error', rule: unknown ? 'topic-config-key' : 'topic-config-value', resource, location, message: problem,
    hint: unknown ? (didYouMean(key, TOPIC_CONFIG_KEYS) ?? 'see the topic config table in the README') : 'see the topic config table in the README'}
}

/**
 * What the manifests alone show is wrong with a placement (the cluster's racks and brokers are
 * checked at plan time): more preferred leaders or racks than make sense for the topic.
 */
function placementProblems(at: Resource, path: readonly (string | number)[], placement: PlacementSpec | undefined, rf: number, resource: string, envName: string): Diagnostic[] {
  if (!placement) return []
  const out: Diagnostic[] = []
  if (placement.strategy === 'rack-aware' && placement.racks !== undefined && placement.racks.length < rf) {
    out.push({severity: 'error', rule: 'topic-placement', resource, location: where(at, [...path, 'racks'], true),
      message: `strategy rack-aware puts each replica of a partition in its own rack, but placement.racks names ${placement.racks.length} rack(s) for replication factor ${rf} in environment ${envName}`,
      hint: `name at least ${rf} racks, lower the replication factor, or use strategy balanced-leaders`})
  }
  return out
}
