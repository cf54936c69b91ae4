import type {ConnectorSpec, ConnectorTargetState} from '../model/connector.js'
import {isCredentialKey, submittedConfig} from '../model/connector.js'
import {isSecret, type Secret} from '../model/secret.js'
import type {Risk} from './actions.js'
import {matchesAnyGlob} from './topic-scope.js'

/**
 * The connector planner: desired Connectors + what the Connect worker reports → typed actions.
 * Pure (no I/O): the caller reads `GET /connectors/{name}/config` and `/status`, and the plugin's
 * definitions from the validate endpoint, and hands them in.
 */
export const CONNECTOR_ACTION_KINDS = ['connector.create', 'connector.config.update', 'connector.resume', 'connector.pause', 'connector.stop', 'connector.restart', 'connector.delete'] as const
export type ConnectorActionKind = (typeof CONNECTOR_ACTION_KINDS)[number]

/** Connect's states as `GET /connectors/{name}/status` reports them. */
export type ObservedConnectState = 'UNASSIGNED' | 'RUNNING' | 'PAUSED' | 'STOPPED' | 'FAILED' | 'RESTARTING' | 'DESTROYED'

export interface ObservedConnector {
  readonly name: string
  /** `GET /connectors/{name}/config`: what was submitted, plus `name`. */
  readonly config: Readonly<Record<string, string>>
  readonly state: ObservedConnectState
  readonly tasks: readonly {readonly id: number; readonly state: ObservedConnectState}[]
}

/** One config key of the plugin (from the validate endpoint's definitions). */
export interface ConfigDefinition {
  readonly default: string | null
  /** ConfigDef type; `PASSWORD` values are never shown. */
  readonly type: string
}

/** A value as a plan may show it: the text, or where a secret comes from. */
export type ShownValue = {readonly value: string} | {readonly secret: string}

export interface ConfigChange {
  readonly key: string
  /** Absent: not set (the plugin's default, if any, applies). */
  readonly before?: ShownValue
  readonly after?: ShownValue
}

interface ConnectorActionBase {
  readonly id: string
  readonly connector: string
  readonly risk: Risk
  /** Display only: the executor never branches on it. */
  readonly reason: string
}

export type ConnectorAction =
  | ConnectorActionBase & {readonly kind: 'connector.create'; readonly className: string; readonly initialState: 'RUNNING' | 'PAUSED' | 'STOPPED'; readonly config: readonly ConfigChange[]}
  | ConnectorActionBase & {readonly kind: 'connector.config.update'; readonly changes: readonly ConfigChange[]}
  | ConnectorActionBase & {readonly kind: 'connector.resume' | 'connector.pause' | 'connector.stop'; readonly from: ObservedConnectState}
  | ConnectorActionBase & {readonly kind: 'connector.restart'; readonly connectorFailed: boolean; readonly failedTasks: readonly number[]}
  | ConnectorActionBase & {readonly kind: 'connector.delete'}

export interface ConnectorPlanInput {
  readonly desired: readonly ConnectorSpec[]
  readonly observed: readonly ObservedConnector[]
  /** The plugin's definitions for each desired connector (by name); missing: compared without defaults. */
  readonly definitions: Readonly<Record<string, Readonly<Record<string, ConfigDefinition>>>>
  /** Globs of connector names this environment may delete; none: nothing is deleted. */
  readonly pruneConnectors: readonly string[]
}

export interface ConnectorPlan {
  readonly actions: readonly ConnectorAction[]
  /** Connectors on the worker that the manifests do not declare and may not delete: left alone. */
  readonly unmanaged: readonly string[]
}

const TARGET: Record<ConnectorTargetState, 'RUNNING' | 'PAUSED' | 'STOPPED'> = {running: 'RUNNING', paused: 'PAUSED', stopped: 'STOPPED'}

export function planConnectors(input: ConnectorPlanInput): ConnectorPlan {
  const observed = new Map(input.observed.map((o) => [o.name, o]))
  const desiredNames = new Set(input.desired.map((d) => d.name))
  const changes: ConnectorAction[] = []
  const states: ConnectorAction[] = []
  const deletes: ConnectorAction[] = []
  for (const d of input.desired) {
    const defs = input.definitions[d.name] ?? {}
    const o = observed.get(d.name)
    const target = TARGET[d.state]
    if (!o) {
      changes.push({id: `connector.create:${d.name}`, kind: 'connector.create', connector: d.name, className: d.className, initialState: target,
        config: configChanges(submittedConfig(d), {}, defs).filter((c) => c.key !== 'name'), risk: 'safe',
        reason: target === 'RUNNING' ? 'declared, not on the worker' : `declared ${d.state}, not on the worker: created ${d.state}, so it never runs before`})
      continue
    }
    const diff = configChanges(submittedConfig(d), o.config, defs)
    if (diff.length > 0) {
      changes.push({id: `connector.config.update:${d.name}`, kind: 'connector.config.update', connector: d.name, changes: diff, risk: 'disruptive',
        reason: `config differs in ${diff.map((c) => c.key).join(', ')} (the worker restarts the connector and its tasks)`})
    }
    const transition = stateAction(d.name, target, o)
    if (transition) states.push(transition)
    // A config update restarts the connector and its tasks anyway.
    else if (target === 'RUNNING' && diff.length === 0) {
      const failedTasks = o.tasks.filter((t) => t.state === 'FAILED').map((t) => t.id).sort((a, b) => a - b)
      const connectorFailed = o.state === 'FAILED'
      if (connectorFailed || failedTasks.length > 0) {
        states.push({id: `connector.restart:${d.name}`, kind: 'connector.restart', connector: d.name, connectorFailed, failedTasks, risk: 'disruptive',
          reason: `${connectorFailed ? 'the connector' : ''}${connectorFailed && failedTasks.length ? ' and ' : ''}${failedTasks.length ? `task(s) ${failedTasks.join(', ')}` : ''} failed: restart what failed`})
      }
    }
  }
  const unmanaged: string[] = []
  for (const o of [...input.observed].sort((a, b) => (a.name < b.name ? -1 : 1))) {
    if (desiredNames.has(o.name)) continue
    if (matchesAnyGlob(o.name, input.pruneConnectors)) {
      deletes.push({id: `connector.delete:${o.name}`, kind: 'connector.delete', connector: o.name, risk: 'destructive', reason: 'not declared, inside the prune scope (its offsets stay in the worker\'s offsets topic)'})
    } else {
      unmanaged.push(o.name)
    }
  }
  return {actions: [...changes, ...states, ...deletes], unmanaged}
}

function stateAction(name: string, target: 'RUNNING' | 'PAUSED' | 'STOPPED', o: ObservedConnector): ConnectorAction | undefined {
  // UNASSIGNED and RESTARTING pass by themselves; FAILED is a restart's business, not a state change.
  if (o.state === target || o.state === 'UNASSIGNED' || o.state === 'RESTARTING' || o.state === 'FAILED' || o.state === 'DESTROYED') return undefined
  const base = {connector: name, from: o.state}
  if (target === 'RUNNING') return {...base, id: `connector.resume:${name}`, kind: 'connector.resume', risk: 'safe', reason: `${o.state.toLowerCase()} on the worker, declared running`}
  if (target === 'PAUSED') return {...base, id: `connector.pause:${name}`, kind: 'connector.pause', risk: 'disruptive', reason: `${o.state.toLowerCase()} on the worker, declared paused`}
  return {...base, id: `connector.stop:${name}`, kind: 'connector.stop', risk: 'disruptive', reason: `${o.state.toLowerCase()} on the worker, declared stopped (its tasks are shut down)`}
}

/**
 * Default-aware comparison: a key whose value equals what the plugin would use anyway matches,
 * whether it is written out on one side or left to the default on the other, so a connector
 * created elsewhere with explicit defaults plans no change. Secret and PASSWORD values are
 * compared but never shown.
 */
export function configChanges(desired: Readonly<Record<string, string | Secret>>, observed: Readonly<Record<string, string>>, defs: Readonly<Record<string, ConfigDefinition>>): ConfigChange[] {
  const out: ConfigChange[] = []
  const keys = [...new Set([...Object.keys(desired), ...Object.keys(observed)])].sort()
  for (const key of keys) {
    const d = desired[key]
    const o = observed[key]
    const dText = d === undefined ? undefined : isSecret(d) ? d.reveal() : d
    const def = defs[key]?.default ?? undefined
    if ((dText ?? def) === (o ?? def)) continue
    const hidden = defs[key]?.type === 'PASSWORD' || isCredentialKey(key)
    const show = (v: string | undefined, origin?: string): ShownValue | undefined =>
      v === undefined ? undefined : origin !== undefined ? {secret: origin} : hidden ? {secret: 'the worker (a PASSWORD config)'} : {value: v}
    const secretOrigin = d !== undefined && isSecret(d) ? d.origin : undefined
    out.push({key, ...(o !== undefined ? {before: show(o, secretOrigin !== undefined ? 'the worker (declared a secret here)' : undefined)} : {}), ...(d !== undefined ? {after: show(dText, secretOrigin)} : {})})
  }
  return out
}
