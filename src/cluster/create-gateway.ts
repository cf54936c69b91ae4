import {readFileSync} from 'node:fs'
import {StreamctlError} from '../errors.js'
import type {KafkaConnectionSpec} from '../model/environment.js'
import {BrokerSession} from './broker-session.js'
import type {AdminGateway} from './gateway.js'
import {KafkajsGateway} from './kafkajs-gateway.js'

export interface GatewayOptions {
  /** Named in every connection error message. */
  readonly environment?: string
  /** Overall bound on connecting and on each call (per batch round); default 15 s. */
  readonly timeoutMs?: number
}

export const DEFAULT_TIMEOUT_MS = 15_000

function readPem(path: string | undefined, what: string, environment: string): Buffer | undefined {
  if (!path) return undefined
  try {
    return readFileSync(path)
  } catch (error) {
    throw new StreamctlError('USAGE', `cannot read the TLS ${what} file ${path} of environment "${environment}": ${(error as NodeJS.ErrnoException).code ?? error}`, {
      hint: 'kafka.tls paths are resolved relative to the manifest that declares them',
    })
  }
}

/** The admin gateway for one cluster. Nothing connects until the first call. */
export function createGateway(connection: KafkaConnectionSpec, options: GatewayOptions = {}): AdminGateway {
  const environment = options.environment ?? 'default'
  if (connection.bootstrap.length === 0) {
    throw new StreamctlError('USAGE', `environment "${environment}" has no kafka.bootstrap servers`, {hint: 'set kafka.bootstrap to host:port[,host:port]'})
  }
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS
  const tls = connection.tls
  const ssl = tls
    ? {
      ca: readPem(tls.caFile, 'CA', environment),
      cert: readPem(tls.certFile, 'certificate', environment),
      key: readPem(tls.keyFile, 'key', environment),
      rejectUnauthorized: !tls.insecureSkipVerify,
    }
    : undefined
  const sasl = connection.sasl
    ? {mechanism: connection.sasl.mechanism, username: connection.sasl.username, password: connection.sasl.password.reveal()}
    : undefined
  const connectionTimeout = Math.min(connection.connectionTimeoutMs ?? 3000, timeoutMs)
  const session = new BrokerSession(
    {
      brokers: [...connection.bootstrap],
      ssl,
      sasl,
      clientId: connection.clientId ?? 'streamctl',
      connectionTimeout,
      authenticationTimeout: connectionTimeout,
      requestTimeout: connection.requestTimeoutMs ?? 30_000,
      // Bounded: a dead cluster must fail within the deadline, not retry for minutes.
      retry: {retries: 2, initialRetryTime: 300, maxRetryTime: 2000},
    },
    {
      environment,
      bootstrap: connection.bootstrap,
      saslUser: connection.sasl?.username,
      saslMechanism: connection.sasl?.mechanism,
      secrets: connection.sasl ? [connection.sasl.password.reveal()] : [],
    },
    timeoutMs,
  )
  return new KafkajsGateway(session)
}
