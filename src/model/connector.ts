import type {SourceLocation} from '../errors.js'
import type {Secret} from './secret.js'

/** What a `Connector` manifest asks of the worker (Connect's RUNNING / PAUSED / STOPPED, KIP-875). */
export const CONNECTOR_TARGET_STATES = ['running', 'paused', 'stopped'] as const
export type ConnectorTargetState = (typeof CONNECTOR_TARGET_STATES)[number]

/** Keys a Connector declares in its own fields, never inside `config`. */
export const CONNECTOR_RESERVED_KEYS = ['connector.class', 'tasks.max', 'name'] as const

/** A `Connector` resource of one environment. */
export interface ConnectorSpec {
  /** The connector's name on the worker (metadata.name). */
  readonly name: string
  /** `connector.class`: a class name or one of Connect's aliases. */
  readonly className: string
  /** `tasks.max`, when declared. */
  readonly tasks?: number
  readonly state: ConnectorTargetState
  /** The rest of the config; a value read from `${env:}`/`${file:}` is a Secret. */
  readonly config: Readonly<Record<string, string | Secret>>
  readonly location?: SourceLocation
  /** Where each submitted key is written (`connector.class` at `spec.class`, `tasks.max` at `spec.tasks`). */
  readonly keyLocations: Readonly<Record<string, SourceLocation>>
}

/** The whole config submitted to the worker: `config` plus `connector.class`, `tasks.max` and `name`. */
export function submittedConfig(c: ConnectorSpec): Readonly<Record<string, string | Secret>> {
  return {...c.config, 'connector.class': c.className, ...(c.tasks !== undefined ? {'tasks.max': String(c.tasks)} : {}), name: c.name}
}
