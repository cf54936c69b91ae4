import type {DevEvent} from '../dev/events.js'
import type {DesiredState} from '../model/desired.js'
import {planConnectors, type ConnectorPlan} from '../plan/connector-plan.js'
import {applyConnectorActions, type ConnectorApplyEvent, type ConnectorApplyResult} from './apply-connectors.js'
import {connectClientFor} from './environment-connect.js'
import {observeConnectors} from './observe-connectors.js'
import {replicaConnectors} from './replica-connectors.js'

/** Whether an environment's manifests have anything to say about connectors. */
export function managesConnectors(desired: DesiredState): boolean {
  return (desired.connectors?.length ?? 0) > 0 || (desired.environment.prune?.connectors?.length ?? 0) > 0 || (desired.replicas?.length ?? 0) > 0
}

/** The declared Connectors and the MirrorMaker 2 connector of each Replica. */
async function connectorsOf(desired: DesiredState, opts: {start: boolean; onEvent?: (e: DevEvent) => void}) {
  return [...(desired.connectors ?? []), ...await replicaConnectors(desired, opts)]
}

/**
 * The connector plan of one environment: its Connect cluster observed (declared configs validated
 * first: an invalid one throws located diagnostics and nothing is planned), then planned with the
 * environment's prune globs. Undefined when the manifests declare no connector and prune none, so
 * an estate without Connect never needs a Connect cluster. The hook `plan` and `apply` call.
 */
export async function planEnvironmentConnectors(desired: DesiredState, opts: {start: boolean; onEvent?: (e: DevEvent) => void}): Promise<ConnectorPlan | undefined> {
  if (!managesConnectors(desired)) return undefined
  const client = await connectClientFor(desired.environment, opts)
  const declared = await connectorsOf(desired, opts)
  const seen = await observeConnectors(client, declared)
  return planConnectors({desired: declared, observed: seen.observed, definitions: seen.definitions, pruneConnectors: desired.environment.prune?.connectors ?? []})
}

/** Applies a connector plan made by planEnvironmentConnectors for the same manifests. */
export async function applyEnvironmentConnectors(desired: DesiredState, plan: ConnectorPlan, opts: {start: boolean; onEvent?: (e: ConnectorApplyEvent) => void}): Promise<ConnectorApplyResult> {
  const client = await connectClientFor(desired.environment, {start: opts.start})
  return applyConnectorActions(client, plan.actions, await connectorsOf(desired, {start: opts.start}), opts.onEvent)
}
