import type {DevEvent} from '../dev/events.js'
import {exportConnectors} from '../export/export-connectors.js'
import type {ManifestDoc} from '../export/export-state.js'
import type {EnvironmentSpec} from '../model/environment.js'
import {connectClientFor} from './environment-connect.js'
import {observeConnectorsForExport} from './observe-connectors.js'

/**
 * The `Connector` manifests of an environment that names a Connect cluster (`connect`, or a dev
 * cluster with `dev.connect`); nothing for one that does not, so exports without Connect stay as they were.
 */
export async function exportLiveConnectors(env: EnvironmentSpec, start: boolean, onEvent?: (e: DevEvent) => void): Promise<{connectors?: ManifestDoc[]}> {
  if (!env.connect && !(env.cluster === 'dev' && env.dev?.connect)) return {}
  const client = await connectClientFor(env, {start, ...(onEvent ? {onEvent} : {})})
  const {observed, definitions} = await observeConnectorsForExport(client)
  return {connectors: exportConnectors(observed, definitions)}
}
