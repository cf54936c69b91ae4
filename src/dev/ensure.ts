import {resolve} from 'node:path'
import {StreamctlError} from '../errors.js'
import type {DevClusterSpec, EnvironmentSpec, KafkaConnectionSpec} from '../model/environment.js'
import type {Secret} from '../model/secret.js'
import type {DevEvent} from './events.js'
import {describeCluster, type DevClusterInfo} from './info.js'
import {DEFAULT_DATA_DIR} from './paths.js'
import {readState} from './state.js'
import {devUp} from './up.js'

export interface EnsureDevResult {
  readonly bootstrap: string[]
  readonly clusterId: string
  readonly connection: KafkaConnectionSpec
  /** True when this call had to start (or create) the cluster. */
  readonly started: boolean
  readonly registryUrl?: string
  /** Secure dev clusters: the registry's HTTP Basic credentials. */
  readonly registryAuth?: {readonly username: string; readonly password: Secret}
  /** The dev Connect worker's REST API, when the cluster runs one. */
  readonly connectUrl?: string
  /** Secure dev clusters: the worker's HTTP Basic credentials (the admin's). */
  readonly connectAuth?: {readonly username: string; readonly password: Secret}
}

/**
 * The connection to the dev cluster described by `spec`: from its state when all nodes are up,
 * otherwise by starting it (`start: true`) or refusing with a clear error (`start: false`).
 */
export async function ensureDevCluster(spec: Partial<DevClusterSpec> & {dataDir?: string}, opts: {start: boolean; onEvent?: (e: DevEvent) => void}): Promise<EnsureDevResult> {
  const dataDir = resolve(spec.dataDir ?? DEFAULT_DATA_DIR)
  const state = readState(dataDir)
  if (state) {
    const info = describeCluster(dataDir, state)
    // `dev: {connect: true}` needs the worker too (started, or restarted when it died).
    const connectOk = !spec.connect || Boolean(info.connect?.up)
    if (info.allUp && connectOk) return {bootstrap: info.bootstrap, clusterId: info.clusterId, connection: info.connection, started: false, ...registryOf(info), ...connectOf(info)}
  }
  if (!opts.start) {
    throw new StreamctlError('CLUSTER_UNREACHABLE', `the dev cluster in ${dataDir} is ${state ? (describeCluster(dataDir, state).allUp ? 'running without its Kafka Connect worker' : 'not running') : 'not created'}`, {hint: `start it with \`streamctl dev up${spec.connect ? ' --connect' : ''}\`, or drop --no-start to let this command start it`})
  }
  opts.onEvent?.({type: 'info', message: `the dev cluster in ${dataDir} is not running: starting it`})
  const up = await devUp({dataDir, brokers: state ? undefined : spec.brokers, secure: state ? undefined : spec.secure, kafkaVersion: state ? undefined : spec.kafkaVersion, ...(spec.connect ? {connect: true} : {}), ...(spec.racks && !state ? {racks: spec.racks} : {}), onEvent: opts.onEvent})
  return {bootstrap: up.bootstrap, clusterId: up.clusterId, connection: up.connection, started: true, ...registryOf(up), ...connectOf(up)}
}

function connectOf(info: DevClusterInfo): Pick<EnsureDevResult, 'connectUrl' | 'connectAuth'> {
  return info.connect?.up ? {connectUrl: info.connect.url, ...(info.connect.auth ? {connectAuth: info.connect.auth} : {})} : {}
}

function registryOf(info: {registryUrl?: string; registryAuth?: EnsureDevResult['registryAuth']}): Pick<EnsureDevResult, 'registryUrl' | 'registryAuth'> {
  return info.registryUrl ? {registryUrl: info.registryUrl, ...(info.registryAuth ? {registryAuth: info.registryAuth} : {})} : {}
}

/** An environment's Kafka connection: its `kafka` block, or the dev cluster for `cluster: dev`. */
export async function resolveEnvironmentConnection(env: EnvironmentSpec, opts: {start: boolean; onEvent?: (e: DevEvent) => void}): Promise<KafkaConnectionSpec & {clusterId?: string; started?: boolean; registryUrl?: string; registryAuth?: EnsureDevResult['registryAuth']; connectUrl?: string; connectAuth?: EnsureDevResult['connectAuth']}> {
  if (env.cluster === 'dev') {
    const r = await ensureDevCluster({...env.dev, dataDir: env.dev?.dataDir}, opts)
    // The dev cluster's own registry (absent after `dev up --no-registry`).
    return {...r.connection, clusterId: r.clusterId, started: r.started, ...registryOf(r), ...(r.connectUrl ? {connectUrl: r.connectUrl, ...(r.connectAuth ? {connectAuth: r.connectAuth} : {})} : {})}
  }
  if (!env.kafka) {
    throw new StreamctlError('ENV_NOT_FOUND', `environment "${env.name}" has neither \`cluster: dev\` nor a \`kafka\` connection`, {hint: 'add `kafka: {bootstrap: [...]}` or `cluster: dev` to the environment'})
  }
  return env.kafka
}
