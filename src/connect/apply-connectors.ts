import {StreamctlError} from '../errors.js'
import type {ConnectorSpec} from '../model/connector.js'
import {submittedConfig} from '../model/connector.js'
import type {ConnectorAction} from '../plan/connector-plan.js'
import type {ConnectClient} from './connect-client.js'

export type ConnectorApplyEvent =
  | {readonly type: 'connector.action.start'; readonly action: ConnectorAction}
  | {readonly type: 'connector.action.done'; readonly action: ConnectorAction}
  | {readonly type: 'connector.action.failed'; readonly action: ConnectorAction; readonly error: string}

export interface ConnectorApplyResult {
  readonly done: readonly ConnectorAction[]
  readonly failed?: {readonly action: ConnectorAction; readonly error: StreamctlError}
  readonly notStarted: readonly ConnectorAction[]
}

/**
 * Runs a connector plan's actions in order through the REST client, stopping at the first
 * failure (what was done, what failed, what was not started). Configs are read from the desired
 * Connectors again, so secrets travel only from the manifests to the worker, never through a plan.
 */
export async function applyConnectorActions(client: ConnectClient, actions: readonly ConnectorAction[], desired: readonly ConnectorSpec[], onEvent: (e: ConnectorApplyEvent) => void = () => undefined): Promise<ConnectorApplyResult> {
  const spec = new Map(desired.map((d) => [d.name, d]))
  const done: ConnectorAction[] = []
  for (const [i, action] of actions.entries()) {
    onEvent({type: 'connector.action.start', action})
    try {
      await run(client, action, spec)
      done.push(action)
      onEvent({type: 'connector.action.done', action})
    } catch (err) {
      const error = err instanceof StreamctlError ? err : new StreamctlError('CONNECT_ERROR', `${action.id}: ${(err as Error).message}`)
      onEvent({type: 'connector.action.failed', action, error: error.message})
      return {done, failed: {action, error}, notStarted: actions.slice(i + 1)}
    }
  }
  return {done, notStarted: []}
}

async function run(client: ConnectClient, a: ConnectorAction, spec: ReadonlyMap<string, ConnectorSpec>): Promise<void> {
  const declared = () => {
    const d = spec.get(a.connector)
    if (!d) throw new StreamctlError('INTERNAL', `${a.id}: connector ${a.connector} is not among the desired connectors`)
    return submittedConfig(d)
  }
  switch (a.kind) {
    case 'connector.create': return client.create(a.connector, declared(), a.initialState)
    case 'connector.config.update': { await client.putConfig(a.connector, declared()); return }
    case 'connector.resume': return client.resume(a.connector)
    case 'connector.pause': return client.pause(a.connector)
    case 'connector.stop': return client.stop(a.connector)
    case 'connector.restart': return client.restartFailed(a.connector)
    case 'connector.delete': { await client.delete(a.connector); return }
  }
}
