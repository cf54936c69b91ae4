import {StreamctlError} from '../errors.js'
import {KafkaApiError} from './errors.js'

/** What a connection-level error message may name: never the password. */
export interface ConnectionContext {
  readonly environment: string
  readonly bootstrap: readonly string[]
  readonly saslUser?: string
  readonly saslMechanism?: string
  /** Values that must never appear in a message (SASL password); scrubbed defensively. */
  readonly secrets: readonly string[]
}

interface KjsLikeError {
  name?: string
  message?: string
  code?: string | number
  type?: string
  topic?: string
  errors?: unknown[]
  cause?: unknown
  originalError?: unknown
}

const TLS_CODE = /CERT|SSL|TLS|EPROTO|SELF_SIGNED|UNABLE_TO_(GET|VERIFY)|HOSTNAME/i
/** Socket-level errno codes (ECONNREFUSED, ETIMEDOUT, ENOTFOUND, …), not Node's ERR_* programming errors. */
const SOCKET_CODE = /^E(?!RR_)[A-Z_]+$/

function chain(err: unknown): KjsLikeError[] {
  const out: KjsLikeError[] = []
  let e: unknown = err
  while (e && typeof e === 'object' && out.length < 10) {
    out.push(e as KjsLikeError)
    const k = e as KjsLikeError
    e = k.originalError ?? k.cause
  }
  return out
}

function scrub(text: string, secrets: readonly string[]): string {
  return secrets.filter((s) => s.length > 0).reduce((t, s) => t.split(s).join('<redacted>'), text)
}

function where(ctx: ConnectionContext): string {
  return `the Kafka cluster of environment "${ctx.environment}" (bootstrap ${ctx.bootstrap.join(',')})`
}

export function deadlineError(ctx: ConnectionContext, ms: number, api: string): StreamctlError {
  return new StreamctlError('CLUSTER_UNREACHABLE', `no answer from ${where(ctx)} within ${Math.round(ms / 1000)}s (${api})`, {
    hint: 'check that the brokers are up and the bootstrap host:port is right; raise kafka.requestTimeoutMs for slow clusters',
    retriable: true,
  })
}

/**
 * Turns whatever kafkajs threw into one StreamctlError: Kafka error codes become KafkaApiError,
 * SASL failures CLUSTER_AUTH, and socket/TLS/timeout failures CLUSTER_UNREACHABLE.
 */
export function translateError(err: unknown, ctx: ConnectionContext, api: string): StreamctlError {
  if (err instanceof StreamctlError) return err
  const links = chain(err)
  const sasl = links.find((e) => e.name === 'KafkaJSSASLAuthenticationError' || e.type === 'SASL_AUTHENTICATION_FAILED')
  if (sasl) {
    const who = ctx.saslUser ? ` as user "${ctx.saslUser}" (${ctx.saslMechanism ?? 'sasl'})` : ''
    return new StreamctlError('CLUSTER_AUTH', `authentication to ${where(ctx)} failed${who}`, {
      hint: 'check the SASL username, mechanism and password of this environment (the password itself is never shown)',
      cause: new Error(scrub(sasl.message ?? 'SASL authentication failed', ctx.secrets)),
    })
  }
  const aggregate = links.find((e) => e.name === 'KafkaJSAggregateError' && Array.isArray(e.errors))
  if (aggregate?.errors?.length) {
    const parts = aggregate.errors.map((e) => translateError(e, ctx, api))
    const apiErrors = parts.filter((p): p is KafkaApiError => p instanceof KafkaApiError)
    const [first, ...rest] = apiErrors
    if (first && apiErrors.length === parts.length) {
      return new KafkaApiError({api, code: first.kafkaCode, message: first.brokerMessage, resource: first.resource, others: rest})
    }
    return parts[0] as StreamctlError
  }
  const protocol = links.find((e) => e.name === 'KafkaJSProtocolError' || e.name === 'KafkaJSCreateTopicError' || typeof e.type === 'string' && typeof e.code === 'number')
  if (protocol && typeof protocol.code === 'number') {
    return new KafkaApiError({api, code: protocol.code, resource: protocol.topic ? `topic ${protocol.topic}` : undefined})
  }
  const tls = links.find((e) => typeof e.code === 'string' && TLS_CODE.test(e.code))
  if (tls) {
    return new StreamctlError('CLUSTER_UNREACHABLE', `TLS handshake with ${where(ctx)} failed: ${scrub(String(tls.code), ctx.secrets)}`, {
      hint: 'check kafka.tls.caFile (the CA that signed the broker certificates) and that the certificate names this host',
    })
  }
  const socket = links.find((e) => typeof e.code === 'string' && SOCKET_CODE.test(e.code))
  const reason = socket ? String(socket.code) : scrub(links[links.length - 1]?.message ?? String(err), ctx.secrets)
  const connectionLike = links.some((e) => /Connection|Timeout|NumberOfRetriesExceeded|BrokerNotFound|NoBrokerAvailable|RequestTimeout/.test(e.name ?? ''))
  if (connectionLike || socket) {
    return new StreamctlError('CLUSTER_UNREACHABLE', `cannot reach ${where(ctx)}: ${reason}`, {
      hint: 'check that the brokers are up (`streamctl dev status` for the dev cluster) and the bootstrap host:port is right',
      retriable: true,
    })
  }
  return new StreamctlError('INTERNAL', `${api} failed against ${where(ctx)}: ${scrub(String((err as Error)?.message ?? err), ctx.secrets)}`)
}
