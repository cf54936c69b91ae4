import {isCredentialKey, submittedConfig, type ConnectorSpec} from '../model/connector.js'
import {isSecret, type Secret} from '../model/secret.js'
import type {ConfigChange, ConfigDefinition, ConnectorAction, ConnectorPlan, ShownValue} from './connector-plan.js'

/**
 * One side of `diff` for connectors: the connectors with their configs (a secret — a manifest's
 * `${env:}` value or a live PASSWORD config — as a Secret), and the plugins' definitions where a
 * live side read them (for default-aware comparison).
 */
export interface ConnectorSide {
  readonly connectors: readonly ConnectorSpec[]
  readonly definitions: Readonly<Record<string, Readonly<Record<string, ConfigDefinition>>>>
}

const STATE: Record<ConnectorSpec['state'], 'RUNNING' | 'PAUSED' | 'STOPPED'> = {running: 'RUNNING', paused: 'PAUSED', stopped: 'STOPPED'}

/**
 * The connector changes that would turn side A into side B (pure), in the connector plan's
 * actions so every renderer shows them: only in B → create, only in A → delete, in both → the
 * config keys that differ (default-aware with either side's definitions) and the state. Secret
 * values are compared but shown only as where they come from, on either side.
 */
export function diffConnectors(from: ConnectorSide, to: ConnectorSide): ConnectorPlan {
  const before = new Map(from.connectors.map((c) => [c.name, c]))
  const after = new Map(to.connectors.map((c) => [c.name, c]))
  const actions: ConnectorAction[] = []
  for (const b of [...after.values()].sort(byName)) {
    const a = before.get(b.name)
    const defs = {...from.definitions[b.name], ...to.definitions[b.name]}
    if (!a) {
      actions.push({id: `connector.create:${b.name}`, kind: 'connector.create', connector: b.name, className: b.className, initialState: STATE[b.state],
        config: compare({}, submittedConfig(b), defs).filter((c) => c.key !== 'name'), risk: 'safe', reason: 'only in the second side'})
      continue
    }
    const changes = compare(submittedConfig(a), submittedConfig(b), defs)
    if (changes.length > 0) {
      actions.push({id: `connector.config.update:${b.name}`, kind: 'connector.config.update', connector: b.name, changes, risk: 'disruptive',
        reason: `config differs in ${changes.map((c) => c.key).join(', ')}`})
    }
    if (a.state !== b.state) {
      const base = {connector: b.name, from: STATE[a.state], risk: b.state === 'running' ? 'safe' as const : 'disruptive' as const, reason: `${a.state} in the first side, ${b.state} in the second`}
      actions.push(b.state === 'running' ? {...base, id: `connector.resume:${b.name}`, kind: 'connector.resume'}
        : b.state === 'paused' ? {...base, id: `connector.pause:${b.name}`, kind: 'connector.pause'} : {...base, id: `connector.stop:${b.name}`, kind: 'connector.stop'})
    }
  }
  for (const a of [...before.values()].sort(byName)) {
    if (!after.has(a.name)) actions.push({id: `connector.delete:${a.name}`, kind: 'connector.delete', connector: a.name, risk: 'destructive', reason: 'only in the first side'})
  }
  return {actions, unmanaged: []}
}

function byName(a: {name: string}, b: {name: string}): number {
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0
}

function compare(a: Readonly<Record<string, string | Secret>>, b: Readonly<Record<string, string | Secret>>, defs: Readonly<Record<string, ConfigDefinition>>): ConfigChange[] {
  const text = (v: string | Secret | undefined) => (v === undefined ? undefined : isSecret(v) ? v.reveal() : v)
  const out: ConfigChange[] = []
  for (const key of [...new Set([...Object.keys(a), ...Object.keys(b)])].sort()) {
    const def = defs[key]?.default ?? undefined
    if ((text(a[key]) ?? def) === (text(b[key]) ?? def)) continue
    const hidden = defs[key]?.type === 'PASSWORD' || isCredentialKey(key)
    const show = (v: string | Secret | undefined): ShownValue | undefined =>
      v === undefined ? undefined : isSecret(v) ? {secret: v.origin} : hidden ? {secret: 'a PASSWORD config'} : {value: v}
    out.push({key, ...(a[key] !== undefined ? {before: show(a[key])} : {}), ...(b[key] !== undefined ? {after: show(b[key])} : {})})
  }
  return out
}
