import {Kafka, type Admin} from 'kafkajs'
import {translateError} from '../cluster/connection-errors.js'
import {createGateway} from '../cluster/create-gateway.js'
import type {AdminGateway} from '../cluster/gateway.js'
import {devKafkaJsConfig, resolveEnvironmentConnection} from '../dev/index.js'
import type {DevEvent} from '../dev/events.js'
import type {EnvironmentSpec, KafkaConnectionSpec} from '../model/environment.js'
import type {Secret} from '../model/secret.js'
import {RegistryClient} from '../registry/client/registry-client.js'

/** One connected cluster: the admin gateway plus a kafkajs client for streamctl's internal topics. */
export interface Target {
  readonly environment: string
  readonly connection: KafkaConnectionSpec
  readonly gateway: AdminGateway
  readonly kafka: Kafka
  /** True when connecting had to start the local dev cluster first. */
  readonly startedDevCluster: boolean
  /** The environment's schema registry: its `registry` block, or the dev cluster's own registry. */
  readonly registry?: RegistryClient
  /** Why there is no registry (said when the manifests need one). */
  readonly noRegistryReason?: string
  /** A connected kafkajs admin; connection and auth failures become the gateway's clear errors. */
  connectAdmin(): Promise<Admin>
  close(): Promise<void>
}

export interface ConnectOptions {
  /** For `cluster: dev`: start the dev cluster when it is down (the default), or refuse. */
  readonly start?: boolean
  readonly onDevEvent?: (e: DevEvent) => void
  readonly timeoutMs?: number
}

export async function connectEnvironment(env: EnvironmentSpec, options: ConnectOptions = {}): Promise<Target> {
  const resolved = await resolveEnvironmentConnection(env, {start: options.start ?? true, onEvent: options.onDevEvent})
  return {...connect(env.name, resolved, resolved.started ?? false, options), ...registryOf(env, resolved.registryUrl, resolved.registryAuth)}
}

/** For `cluster: dev` the dev registry wins over a declared url (its port is the dev cluster's). */
function registryOf(env: EnvironmentSpec, devRegistryUrl: string | undefined, devAuth?: {username: string; password: Secret}): {registry?: RegistryClient; noRegistryReason?: string} {
  if (env.cluster === 'dev') {
    // A secure dev cluster's registry demands the admin's credentials (HTTP Basic).
    return devRegistryUrl
      ? {registry: new RegistryClient({environment: env.name, url: devRegistryUrl, ...(devAuth ? {username: devAuth.username, password: devAuth.password} : {})})}
      : {noRegistryReason: `the dev cluster of ${env.name} runs without its schema registry (started with --no-registry); run \`streamctl dev up --registry\``}
  }
  const r = env.registry
  if (!r) return {noRegistryReason: `environment ${env.name} declares no schema registry; add \`registry: {url: ...}\` to it`}
  return {registry: new RegistryClient({environment: env.name, url: r.url, username: r.username, password: r.password, token: r.token})}
}

/** Ad-hoc use without manifests: `--bootstrap host:port`. */
export function adHocEnvironment(bootstrap: readonly string[], name = 'ad-hoc'): EnvironmentSpec {
  return {
    name,
    kafka: {bootstrap},
    productionLike: false,
    defaults: {config: {}},
    protect: [],
    variables: {},
  }
}

function connect(environment: string, connection: KafkaConnectionSpec, started: boolean, options: ConnectOptions): Target {
  const gateway = createGateway(connection, {environment, timeoutMs: options.timeoutMs})
  const kafka = new Kafka(devKafkaJsConfig(connection, 'streamctl'))
  return {
    environment,
    connection,
    gateway,
    kafka,
    startedDevCluster: started,
    connectAdmin: async () => {
      const admin = kafka.admin()
      try {
        await admin.connect()
      } catch (error) {
        const sasl = connection.sasl
        throw translateError(error, {
          environment,
          bootstrap: connection.bootstrap,
          saslUser: sasl?.username,
          saslMechanism: sasl?.mechanism,
          secrets: sasl ? [sasl.password.reveal()] : [],
        }, 'connect')
      }
      return admin
    },
    close: () => gateway.close(),
  }
}
