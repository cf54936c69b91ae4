import {isSecret, type Secret} from '../model/secret.js'
import {connectRequest, type ConnectConnection} from './http.js'

/** Connect's connector and task states (AbstractStatus.State). */
export const CONNECT_STATES = ['UNASSIGNED', 'RUNNING', 'PAUSED', 'STOPPED', 'FAILED', 'RESTARTING', 'DESTROYED'] as const
export type ConnectState = (typeof CONNECT_STATES)[number]

export interface ConnectorStatus {
  readonly name: string
  readonly connector: {readonly state: ConnectState; readonly worker_id?: string; readonly trace?: string}
  readonly tasks: readonly {readonly id: number; readonly state: ConnectState; readonly worker_id?: string; readonly trace?: string}[]
  readonly type?: 'source' | 'sink' | 'unknown'
}

export interface ConnectorPlugin {
  readonly class: string
  readonly type: 'source' | 'sink' | string
  readonly version?: string
}

/** One entry of `PUT /connector-plugins/{class}/config/validate` (ConfigInfo). */
export interface ConfigValidationEntry {
  readonly definition: {readonly name: string; readonly type: string; readonly required: boolean; readonly default_value: string | null; readonly group?: string | null; readonly documentation?: string}
  readonly value: {readonly name: string; readonly value: string | null; readonly errors: readonly string[]; readonly visible: boolean}
}

export interface ConfigValidation {
  readonly name: string
  readonly error_count: number
  readonly configs: readonly ConfigValidationEntry[]
}

/** What a connector's config is made of on our side: plain strings, or secrets revealed only into a request body. */
export type ConnectorConfigInput = Readonly<Record<string, string | Secret>>

/** KIP-980: the state a connector is created in. */
export type InitialState = 'RUNNING' | 'PAUSED' | 'STOPPED'

const enc = encodeURIComponent

function reveal(config: ConnectorConfigInput): {body: Record<string, string>; secrets: string[]} {
  const body: Record<string, string> = {}
  const secrets: string[] = []
  for (const [k, v] of Object.entries(config)) {
    if (isSecret(v)) {
      body[k] = v.reveal()
      secrets.push(body[k])
    } else {
      body[k] = v
    }
  }
  return {body, secrets}
}

/**
 * The Kafka Connect REST API (connect/runtime/.../rest/resources): each method one call, errors
 * with the worker's message, retried only when retrying can fix them (see http.ts). Nothing here
 * plans or decides: the planner reads what these return, the executor calls the changes.
 */
export class ConnectClient {
  constructor(readonly connection: ConnectConnection) {}

  /** `GET /` — the worker's version and the Kafka cluster it works for. */
  async info(): Promise<{version: string; commit?: string; kafka_cluster_id: string}> {
    return (await connectRequest<{version: string; commit?: string; kafka_cluster_id: string}>(this.connection, {method: 'GET', path: '/'})).body!
  }

  async listPlugins(): Promise<ConnectorPlugin[]> {
    return (await connectRequest<ConnectorPlugin[]>(this.connection, {method: 'GET', path: '/connector-plugins'})).body ?? []
  }

  async listConnectors(): Promise<string[]> {
    return ((await connectRequest<string[]>(this.connection, {method: 'GET', path: '/connectors'})).body ?? []).sort()
  }

  /**
   * Every connector with its config and status in one call (`GET /connectors?expand=info&expand=status`,
   * KIP-465) instead of two per connector.
   */
  async listExpanded(): Promise<{name: string; config: Record<string, string>; status: ConnectorStatus}[]> {
    const body = (await connectRequest<Record<string, {info: {config: Record<string, string>}; status: ConnectorStatus}>>(this.connection, {method: 'GET', path: '/connectors?expand=info&expand=status'})).body ?? {}
    return Object.entries(body).map(([name, v]) => ({name, config: v.info.config, status: v.status})).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
  }

  /** `GET /connectors/{name}/config`: what was submitted plus `name`; undefined when there is no such connector. */
  async getConfig(name: string): Promise<Record<string, string> | undefined> {
    const r = await connectRequest<Record<string, string>>(this.connection, {method: 'GET', path: `/connectors/${enc(name)}/config`, accept: [404]})
    return r.status === 404 ? undefined : r.body
  }

  async getStatus(name: string): Promise<ConnectorStatus | undefined> {
    const r = await connectRequest<ConnectorStatus>(this.connection, {method: 'GET', path: `/connectors/${enc(name)}/status`, accept: [404]})
    return r.status === 404 ? undefined : r.body
  }

  /**
   * `PUT /connector-plugins/{class}/config/validate`: the plugin's verdict on a config (every
   * definition with its default, and the errors of each value) without creating anything.
   */
  async validate(connectorClass: string, config: ConnectorConfigInput): Promise<ConfigValidation> {
    const {body, secrets} = reveal({...config, 'connector.class': connectorClass})
    const r = await connectRequest<ConfigValidation>(this.connection, {method: 'PUT', path: `/connector-plugins/${enc(connectorClass)}/config/validate`, body, redact: secrets})
    return r.body!
  }

  /** `POST /connectors` with KIP-980's `initial_state`, so a connector declared paused never runs. */
  async create(name: string, config: ConnectorConfigInput, initialState: InitialState = 'RUNNING'): Promise<void> {
    const {body, secrets} = reveal(config)
    await connectRequest(this.connection, {method: 'POST', path: '/connectors', body: {name, config: body, initial_state: initialState}, redact: secrets})
  }

  /** `PUT /connectors/{name}/config`: creates or replaces the whole config; true when it created. */
  async putConfig(name: string, config: ConnectorConfigInput): Promise<{created: boolean}> {
    const {body, secrets} = reveal(config)
    const r = await connectRequest(this.connection, {method: 'PUT', path: `/connectors/${enc(name)}/config`, body, redact: secrets})
    return {created: r.status === 201}
  }

  async pause(name: string): Promise<void> {
    await connectRequest(this.connection, {method: 'PUT', path: `/connectors/${enc(name)}/pause`})
  }

  async resume(name: string): Promise<void> {
    await connectRequest(this.connection, {method: 'PUT', path: `/connectors/${enc(name)}/resume`})
  }

  /** KIP-875: stopped keeps the config but runs no tasks (unlike paused, whose tasks stay assigned). */
  async stop(name: string): Promise<void> {
    await connectRequest(this.connection, {method: 'PUT', path: `/connectors/${enc(name)}/stop`})
  }

  /** KIP-745: restarts the connector and its tasks, only those that failed. */
  async restartFailed(name: string): Promise<void> {
    await connectRequest(this.connection, {method: 'POST', path: `/connectors/${enc(name)}/restart?includeTasks=true&onlyFailed=true`})
  }

  /** False when there was no such connector. */
  async delete(name: string): Promise<boolean> {
    const r = await connectRequest(this.connection, {method: 'DELETE', path: `/connectors/${enc(name)}`, accept: [404]})
    return r.status !== 404
  }
}
