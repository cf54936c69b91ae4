import type {Diagnostic} from '../errors.js'
import type {EnvironmentSpec} from '../model/environment.js'
import {CONNECTOR_RESERVED_KEYS, type ConnectorSpec} from '../model/connector.js'
import {isSecret} from '../model/secret.js'
import {DEV_CONNECT_USER} from '../dev/connect-worker.js'
import {appliesTo} from './identities.js'
import {configValueToString} from './kafka-topic-configs.js'
import {where, type Resource} from './resource.js'
import {didYouMean} from './suggest.js'

/** Declared, or the secure dev worker's own user (`dev up --secure --connect`). */
function principalOf(r: Resource, env: EnvironmentSpec): string | undefined {
  if (typeof r.spec.principal === 'string') return r.spec.principal
  return env.cluster === 'dev' && env.dev?.secure && !env.connect ? `User:${DEV_CONNECT_USER}` : undefined
}

const RESERVED_FIELD: Record<(typeof CONNECTOR_RESERVED_KEYS)[number], string> = {'connector.class': 'spec.class', 'tasks.max': 'spec.tasks', name: 'metadata.name'}

/**
 * The Connectors of one environment: those whose `environments` include it (default all). A
 * reserved key inside `config` is an error pointing at the field that declares it instead, so the
 * class, task count and name are each written once.
 */
export function resolveConnectors(resources: readonly Resource[], env: EnvironmentSpec, environmentNames: readonly string[], offline: boolean, diags: Diagnostic[]): ConnectorSpec[] {
  const environment = env.name
  for (const r of resources) {
    ((r.spec as {environments?: string[]}).environments ?? []).forEach((name, i) => {
      if (environmentNames.includes(name)) return
      diags.push({severity: 'error', rule: 'reference', resource: `Connector/${r.name}`, location: where(r, ['spec', 'environments', i]),
        message: `environment "${name}" is not declared`, hint: didYouMean(name, environmentNames) ?? `declared environments: ${environmentNames.join(', ') || 'none'}`})
    })
  }
  const out: ConnectorSpec[] = []
  for (const r of resources.filter((x) => appliesTo(x, environment))) {
    if (!env.connect && env.cluster !== 'dev') {
      diags.push({severity: 'error', rule: 'reference', resource: `Connector/${r.name}`, location: where(r),
        message: `environment "${environment}" has no Kafka Connect cluster for this connector`,
        hint: `add \`connect: {url: http://…}\` to environment ${environment}, or limit the connector with spec.environments`})
    }
    // A missing secret matters only where the Connector applies, and offline only as a warning.
    for (const d of r.deferred) {
      const {secret, ...rest} = d
      diags.push(secret && offline ? {...rest, severity: 'warning', hint: `${rest.hint}; needed only to connect`} : rest)
    }
    const raw = (r.spec.config ?? {}) as Record<string, unknown>
    const config: Record<string, ConnectorSpec['config'][string]> = {}
    const keyLocations: Record<string, ReturnType<typeof where>> = {'connector.class': where(r, ['spec', 'class']), name: where(r)}
    if (r.spec.tasks !== undefined) keyLocations['tasks.max'] = where(r, ['spec', 'tasks'])
    for (const [key, value] of Object.entries(raw)) {
      if ((CONNECTOR_RESERVED_KEYS as readonly string[]).includes(key)) {
        const field = RESERVED_FIELD[key as keyof typeof RESERVED_FIELD]
        diags.push({severity: 'error', rule: 'connector-config', resource: `Connector/${r.name}`, location: where(r, ['spec', 'config', key], true),
          message: `config key "${key}" belongs in ${field}`, hint: `write it as ${field} and remove it from spec.config`})
        continue
      }
      config[key] = isSecret(value) ? value : configValueToString(value as string | number | boolean)
      keyLocations[key] = where(r, ['spec', 'config', key])
    }
    out.push({
      name: r.name, className: r.spec.class, ...(r.spec.tasks !== undefined ? {tasks: r.spec.tasks as number} : {}),
      state: r.spec.state ?? 'running', ...(principalOf(r, env) ? {principal: principalOf(r, env)} : {}),
      config, location: where(r), keyLocations,
    })
  }
  return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
}
