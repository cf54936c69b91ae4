import {StreamctlError} from '../errors.js'
import {readJsonBody} from '../http/json-body.js'
import type {Secret} from '../model/secret.js'

/** Where a Kafka Connect cluster's REST API is, and how to log in to it. */
export interface ConnectConnection {
  /** The environment and Connect cluster it belongs to (named in every error). */
  readonly environment: string
  readonly url: string
  readonly auth?: {readonly username: string; readonly password: Secret}
  /** Per request. Connect's own herder requests time out after 90 s; validation can be slow. */
  readonly timeoutMs?: number
  /** Attempts for a request that retrying can fix (network, 5xx, 409 rebalance); default 4. */
  readonly attempts?: number
  /** Pause before the first retry, doubled each time; default 500 ms. */
  readonly retryDelayMs?: number
}

export const DEFAULT_CONNECT_TIMEOUT_MS = 95_000

/** A Connect answer that is not 2xx, with the worker's own message (`{error_code, message}`). */
export class ConnectResponseError extends StreamctlError {
  readonly status: number
  readonly workerMessage: string

  constructor(status: number, workerMessage: string, message: string, hint: string, retriable: boolean) {
    super('CONNECT_ERROR', message, {hint, retriable})
    this.status = status
    this.workerMessage = workerMessage
  }
}

/**
 * Which answers retrying can fix: the worker's own trouble (5xx) and 409, which Connect answers
 * while a rebalance is in progress or its config is stale ("Cannot complete request momentarily
 * due to stale configuration"). Every other 4xx is final: the request itself is wrong.
 */
export function isRetriableStatus(status: number): boolean {
  return status >= 500 || status === 409
}

/** Values to cut from anything the worker says back: a config may carry secrets it echoes. */
export type Redactions = readonly string[]

export interface ConnectRequest {
  readonly method: 'GET' | 'PUT' | 'POST' | 'DELETE'
  readonly path: string
  readonly body?: unknown
  /** Answers that are not errors for this call (e.g. 404 on a lookup): returned as {status}. */
  readonly accept?: readonly number[]
  readonly redact?: Redactions
}

export interface ConnectAnswer<T> {
  readonly status: number
  readonly body: T | undefined
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

/**
 * One REST call with bounded retries of what retrying can fix. The password goes only into the
 * Authorization header; messages name the environment, URL, method and path, and any echo of a
 * secret by the worker is cut.
 */
export async function connectRequest<T>(conn: ConnectConnection, req: ConnectRequest): Promise<ConnectAnswer<T>> {
  const attempts = Math.max(1, conn.attempts ?? 4)
  let delay = conn.retryDelayMs ?? 500
  for (let attempt = 1; ; attempt++) {
    try {
      return await connectRequestOnce<T>(conn, req)
    } catch (error) {
      if (!(error instanceof StreamctlError) || !error.retriable || attempt >= attempts) throw error
      await sleep(delay)
      delay *= 2
    }
  }
}

async function connectRequestOnce<T>(conn: ConnectConnection, req: ConnectRequest): Promise<ConnectAnswer<T>> {
  const base = conn.url.replace(/\/+$/, '')
  const headers: Record<string, string> = {accept: 'application/json'}
  if (req.body !== undefined) headers['content-type'] = 'application/json'
  if (conn.auth) headers.authorization = `Basic ${Buffer.from(`${conn.auth.username}:${conn.auth.password.reveal()}`).toString('base64')}`
  const where = `the Kafka Connect cluster of ${conn.environment} (${base})`
  const redact = [...(req.redact ?? []), ...(conn.auth ? [conn.auth.password.reveal()] : [])]
  let res: Response
  try {
    res = await fetch(`${base}${req.path}`, {
      method: req.method,
      headers,
      ...(req.body === undefined ? {} : {body: JSON.stringify(req.body)}),
      signal: AbortSignal.timeout(conn.timeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS),
    })
  } catch (error) {
    const e = error as Error & {cause?: {code?: string}}
    const why = e.name === 'TimeoutError' ? `did not answer ${req.method} ${req.path} within ${conn.timeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS} ms` : `is unreachable (${e.cause?.code ?? e.message})`
    throw new StreamctlError('CONNECT_ERROR', `${where} ${why}`, {
      hint: 'check the connect url of the environment (for `cluster: dev`: `streamctl dev status`, and `dev up --connect`) and that the worker is running',
      retriable: true,
    })
  }
  const {text, parsed} = await readJsonBody(res)
  if (res.ok || req.accept?.includes(res.status)) return {status: res.status, body: parsed as T | undefined}
  const p = (parsed ?? {}) as {message?: unknown}
  // Jetty answers 401 with an HTML page: the status says enough.
  const workerMessage = scrub(typeof p.message === 'string' ? p.message : parsed === undefined ? res.statusText : text.slice(0, 300), redact)
  const hint = res.status === 401 || res.status === 403
    ? `check the connect credentials of ${conn.environment} (auth.username/auth.password)`
    : isRetriableStatus(res.status) ? 'the worker could not answer now; rerun once it is stable (see its log)' : 'see the worker\'s message above'
  throw new ConnectResponseError(res.status, workerMessage, `${where}: ${req.method} ${req.path} failed with HTTP ${res.status}: ${workerMessage}`, hint, isRetriableStatus(res.status))
}

export function scrub(message: string, redact: Redactions): string {
  let out = message
  for (const v of redact) if (v) out = out.split(v).join('<redacted>')
  return out
}
