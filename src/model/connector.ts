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
  /** The Kafka principal the worker's clients use for it (single-writer judges its writes by it). */
  readonly principal?: string
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

/**
 * The topics a connector reads (a sink's `topics`, the Connect framework's key for every sink) or
 * writes (a source's `topic` or `kafka.topic`, the keys of the FileStream and most community
 * sources). A `topics.regex` sink and sources that name topics otherwise are not judged.
 */
export function connectorTopics(c: ConnectorSpec): {readonly direction: 'source' | 'sink' | 'unknown'; readonly key?: string; readonly topics: readonly string[]} {
  const text = (key: string): string | undefined => {
    const v = c.config[key]
    return typeof v === 'string' ? v : undefined
  }
  const sink = /Sink(Connector)?$/.test(c.className) || text('topics') !== undefined || text('topics.regex') !== undefined
  if (sink) {
    const topics = text('topics')
    return {direction: 'sink', ...(topics !== undefined ? {key: 'topics'} : {}), topics: topics === undefined ? [] : topics.split(',').map((t) => t.trim()).filter(Boolean)}
  }
  if (/Source(Connector)?$/.test(c.className)) {
    const key = ['topic', 'kafka.topic'].find((k) => text(k) !== undefined)
    return {direction: 'source', ...(key ? {key} : {}), topics: key ? [text(key)!.trim()] : []}
  }
  return {direction: 'unknown', topics: []}
}

/**
 * Keys whose values are credentials whatever the plugin's ConfigDef says: a prefixed client
 * setting (`source.cluster.sasl.jaas.config`, `producer.override.ssl.key.password`) is not in the
 * connector's definitions, so it is not typed PASSWORD there, yet the worker returns it in clear.
 */
export function isCredentialKey(key: string): boolean {
  return /(^|\.)(sasl\.jaas\.config|[a-z.]*password|secret|token|api\.?key|credentials?)$/i.test(key)
}
