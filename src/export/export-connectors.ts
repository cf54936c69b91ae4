import {isCredentialKey} from '../model/connector.js'
import type {ConfigDefinition, ObservedConnector} from '../plan/connector-plan.js'
import type {ManifestDoc} from './export-state.js'

/** The environment variable an exported connector's PASSWORD config is read from. */
export function connectorSecretVariable(connector: string, key: string): string {
  return `STREAMCTL_CONNECTOR_${`${connector}_${key}`.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`
}

/**
 * Live connectors → `Connector` manifests (pure): only the values that differ from the plugin's
 * defaults (so planning the export against the same worker finds nothing to change), the state
 * the worker holds, and for every config the plugin types as PASSWORD an `${env:}` reference to
 * fill in instead of its value, which is never written.
 */
export function exportConnectors(observed: readonly ObservedConnector[], definitions: Readonly<Record<string, Readonly<Record<string, ConfigDefinition>>>>): ManifestDoc[] {
  return [...observed].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)).map((o) => {
    const defs = definitions[o.name] ?? {}
    const config: Record<string, string> = {}
    let tasks: number | undefined
    for (const key of Object.keys(o.config).sort()) {
      const value = o.config[key]!
      if (key === 'connector.class' || key === 'name') continue
      if (defs[key]?.default !== undefined && defs[key]?.default === value) continue
      if (key === 'tasks.max' && /^[1-9]\d*$/.test(value)) { tasks = Number(value); continue }
      config[key] = defs[key]?.type === 'PASSWORD' || isCredentialKey(key) ? `\${env:${connectorSecretVariable(o.name, key)}}` : value
    }
    const state = o.state === 'PAUSED' ? 'paused' : o.state === 'STOPPED' ? 'stopped' : undefined
    return {
      apiVersion: 'streamctl/v1' as const, kind: 'Connector' as const, metadata: {name: o.name},
      spec: {class: o.config['connector.class'] ?? '', ...(tasks !== undefined ? {tasks} : {}), ...(state ? {state} : {}), ...(Object.keys(config).length ? {config} : {})},
    }
  })
}
