import {isCredentialKey, type ConnectorSpec} from '../model/connector.js'
import type {DesiredState} from '../model/desired.js'
import type {EnvironmentSpec} from '../model/environment.js'
import {Secret} from '../model/secret.js'
import type {ConnectorSide} from '../plan/connector-diff.js'
import type {ObservedConnector} from '../plan/connector-plan.js'
import {connectClientFor} from './environment-connect.js'
import {observeConnectorsForExport} from './observe-connectors.js'
import {replicaConnectors} from './replica-connectors.js'

/**
 * The connectors of a live environment for `diff`: every connector of its Connect cluster (read
 * as `export` reads them, with the plugins' definitions), or undefined when the environment names
 * no Connect cluster (a dev cluster has one when `dev.connect` is set or its manifests manage
 * connectors, as for `plan`). PASSWORD configs and credential keys become Secrets, so a diff never
 * prints them.
 */
export async function liveConnectorSide(env: EnvironmentSpec, label: string, start: boolean, declaresConnectors = false): Promise<ConnectorSide | undefined> {
  if (!env.connect && !(env.cluster === 'dev' && (env.dev?.connect || declaresConnectors))) return undefined
  const client = await connectClientFor(env, {start})
  const {observed, definitions} = await observeConnectorsForExport(client)
  return {connectors: observed.map((o) => asSpec(o, definitions[o.name] ?? {}, label)), definitions}
}

/**
 * The connectors an environment's manifests declare, and its Replicas' MirrorMaker 2 connectors
 * when their clusters' connections can be read without starting anything (a dev cluster that was
 * never created leaves them out). Undefined when the environment has no Connect cluster.
 */
export async function manifestConnectorSide(desired: DesiredState): Promise<ConnectorSide | undefined> {
  const env = desired.environment
  if (!env.connect && env.cluster !== 'dev') return undefined
  const replicas = await replicaConnectors(desired, {start: false}).catch(() => [] as ConnectorSpec[])
  const connectors = [...(desired.connectors ?? []), ...replicas]
  return connectors.length > 0 || env.connect || env.dev?.connect ? {connectors, definitions: {}} : undefined
}

function asSpec(o: ObservedConnector, defs: Record<string, {type: string}>, label: string): ConnectorSpec {
  const config: Record<string, string | Secret> = {}
  for (const [key, value] of Object.entries(o.config)) {
    if (key === 'connector.class' || key === 'name' || key === 'tasks.max') continue
    config[key] = defs[key]?.type === 'PASSWORD' || isCredentialKey(key) ? new Secret(value, `${label} (a credential)`) : value
  }
  const tasks = o.config['tasks.max']
  return {
    name: o.name, className: o.config['connector.class'] ?? '', ...(tasks !== undefined && /^[1-9]\d*$/.test(tasks) ? {tasks: Number(tasks)} : {}),
    state: o.state === 'PAUSED' ? 'paused' : o.state === 'STOPPED' ? 'stopped' : 'running', config, keyLocations: {},
  }
}
