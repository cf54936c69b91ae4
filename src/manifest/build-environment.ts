import type {EnvironmentSpec} from '../model/environment.js'
import type {ConfigMap} from '../model/state.js'
import {configValueToString} from './kafka-topic-configs.js'
import type {Resource} from './resource.js'
import type {PlacementSpec} from '../plan/placement-spec.js'

/** The typed EnvironmentSpec of an (interpolated) Environment resource; the schema vouches for the shape. */
export function buildEnvironmentSpec(r: Resource): EnvironmentSpec {
  const s = r.spec as any
  const config: ConfigMap = Object.fromEntries(Object.entries((s.defaults?.config ?? {}) as Record<string, unknown>).map(([k, v]) => [k, configValueToString(v)]))
  return {
    name: r.name,
    ...(s.cluster === 'dev' ? {cluster: 'dev' as const, dev: {brokers: s.dev?.brokers ?? 1, secure: s.dev?.secure ?? false, dataDir: s.dev?.dataDir, kafkaVersion: s.dev?.kafkaVersion, ...(s.dev?.connect !== undefined ? {connect: s.dev.connect} : {}), ...(s.dev?.racks ? {racks: [...s.dev.racks]} : {})}} : {}),
    ...(s.kafka ? {kafka: {...s.kafka, bootstrap: [...s.kafka.bootstrap]}} : {}),
    ...(s.registry ? {registry: {...s.registry}} : {}),
    ...(s.connect ? {connect: {url: s.connect.url, ...(s.connect.auth ? {auth: {...s.connect.auth}} : {})}} : {}),
    ...(s.clusterId !== undefined ? {clusterId: s.clusterId} : {}),
    productionLike: s.productionLike ?? false,
    defaults: {partitions: s.defaults?.partitions, replicationFactor: s.defaults?.replicationFactor, config},
    ...(s.placement ? {placement: placementOf(s.placement)} : {}),
    protect: [...(s.protect ?? [])],
    ...(s.prune ? {prune: {prefixes: [...(s.prune.prefixes ?? [])], principals: [...(s.prune.principals ?? [])], ...(s.prune.connectors ? {connectors: [...s.prune.connectors]} : {})}} : {}),
    variables: {...(s.variables ?? {})},
    ...(s.safety ? {safety: Object.fromEntries(Object.entries(s.safety as Record<string, any>).map(([id, v]) => [id, typeof v === 'string' ? {severity: v} : v]))} : {}),
  }
}

/** A `placement:` block as the schema vouches for it, copied (the desired state is frozen later). */
export function placementOf(p: {strategy: PlacementSpec['strategy']; racks?: string[]; preferredLeaders?: number[]}): PlacementSpec {
  return {
    strategy: p.strategy,
    ...(p.racks ? {racks: [...p.racks]} : {}),
    ...(p.preferredLeaders ? {preferredLeaders: [...p.preferredLeaders]} : {}),
  }
}
