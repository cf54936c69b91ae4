import {Kafka, type Admin} from 'kafkajs'
import {translateError} from '../cluster/connection-errors.js'
import {createGateway} from '../cluster/create-gateway.js'
import type {AdminGateway} from '../cluster/gateway.js'
import {devKafkaJsConfig, resolveEnvironmentConnection} from '../dev/index.js'
import type {DevEvent} from '../dev/events.js'
import type {EnvironmentSpec, KafkaConnectionSpec} from '../model/environment.js'

/** One connected cluster: the admin gateway plus a kafkajs client for streamctl's internal topics. */
export interface Target {
  readonly environment: string
  readonly connection: KafkaConnectionSpec
  readonly gateway: AdminGateway
  readonly kafka: Kafka
  /** True when connecting had to start the local dev cluster first. */
  readonly startedDevCluster: boolean
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
  return connect(env.name, resolved, resolved.started ?? false, options)
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
