import {DiagnosticsError, type Diagnostic} from '../errors.js'
import type {ConnectorSpec} from '../model/connector.js'
import {submittedConfig} from '../model/connector.js'
import type {ConfigDefinition, ObservedConnector, ObservedConnectState} from '../plan/connector-plan.js'
import type {ConnectClient} from './connect-client.js'
import {definitionsOf, validationDiagnostics} from './validation.js'

export interface ObservedConnectors {
  readonly observed: ObservedConnector[]
  /** The plugin's definitions for each desired connector, from the worker's validate endpoint. */
  readonly definitions: Record<string, Record<string, ConfigDefinition>>
}

/**
 * What the planner needs from one Connect cluster: every connector's config and status (one
 * request), and for
 * each declared connector the plugin's verdict on its config (`PUT .../config/validate`, which
 * changes nothing). Invalid declared configs are thrown as located diagnostics before any plan
 * exists, so a bad manifest never reaches the worker's connectors.
 */
export async function observeConnectors(client: ConnectClient, desired: readonly ConnectorSpec[]): Promise<ObservedConnectors> {
  const diagnostics: Diagnostic[] = []
  const definitions: Record<string, Record<string, ConfigDefinition>> = {}
  for (const c of desired) {
    const verdict = await client.validate(c.className, submittedConfig(c))
    definitions[c.name] = definitionsOf(verdict)
    diagnostics.push(...validationDiagnostics(c, verdict))
  }
  if (diagnostics.length > 0) throw new DiagnosticsError(diagnostics, 'CONNECT_ERROR')
  const observed: ObservedConnector[] = (await client.listExpanded()).map(({name, config, status}) => ({
    name, config, state: status.connector.state as ObservedConnectState, tasks: status.tasks.map((t) => ({id: t.id, state: t.state as ObservedConnectState})),
  }))
  return {observed, definitions}
}

/**
 * Every connector of a Connect cluster with its plugin's definitions (validated with its own
 * config, which changes nothing): what `export` needs to write only non-default values and to
 * recognise PASSWORD configs, which it never writes.
 */
export async function observeConnectorsForExport(client: ConnectClient): Promise<ObservedConnectors> {
  const {observed} = await observeConnectors(client, [])
  const definitions: Record<string, Record<string, ConfigDefinition>> = {}
  for (const o of observed) {
    const className = o.config['connector.class']
    if (className) definitions[o.name] = definitionsOf(await client.validate(className, o.config))
  }
  return {observed, definitions}
}
