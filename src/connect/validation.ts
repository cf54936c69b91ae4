import type {Diagnostic} from '../errors.js'
import {isSecret} from '../model/secret.js'
import type {ConnectorSpec} from '../model/connector.js'
import type {ConfigDefinition} from '../plan/connector-plan.js'
import type {ConfigValidation} from './connect-client.js'
import {scrub} from './http.js'

/** The plugin's definitions (default and type of each key) from a validate answer, for the planner. */
export function definitionsOf(v: ConfigValidation): Record<string, ConfigDefinition> {
  return Object.fromEntries(v.configs.map((c) => [c.definition.name, {default: c.definition.default_value, type: c.definition.type}]))
}

/**
 * The worker's verdict on a declared connector as manifest diagnostics: each invalid value at the
 * line and column that declares it (`connector.class` at spec.class, `tasks.max` at spec.tasks), a
 * missing required key at the connector's config. What the worker says back is cut of secrets.
 */
export function validationDiagnostics(c: ConnectorSpec, v: ConfigValidation): Diagnostic[] {
  const secrets = Object.values(c.config).filter(isSecret).map((s) => s.reveal())
  const out: Diagnostic[] = []
  for (const entry of v.configs) {
    const key = entry.definition.name
    for (const error of entry.value.errors) {
      const declared = c.keyLocations[key]
      const field = key === 'connector.class' ? 'spec.class' : key === 'tasks.max' ? 'spec.tasks' : `spec.config.${key}`
      out.push({
        severity: 'error', rule: 'connector-validate', resource: `Connector/${c.name}`,
        ...(declared ?? c.location ? {location: declared ?? c.location} : {}),
        message: `${field}: ${scrub(error, secrets)}`,
        hint: declared
          ? `the ${c.className} plugin refuses this value${entry.definition.documentation ? `; ${key}: ${firstSentence(scrub(entry.definition.documentation, secrets))}` : ''}`
          : `add ${field} to the Connector${entry.definition.documentation ? ` (${firstSentence(entry.definition.documentation)})` : ''}`,
      })
    }
  }
  return out
}

function firstSentence(text: string): string {
  const m = /^(.*?[.!?])(\s|$)/s.exec(text.trim())
  return (m?.[1] ?? text.trim()).slice(0, 200)
}
