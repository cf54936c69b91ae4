import {StreamctlError} from '../../errors.js'
import {readJsonBody} from '../../http/json-body.js'
import type {Secret} from '../../model/secret.js'

/** Confluent's content type; Karapace, Apicurio's ccompat API and Redpanda accept it too. */
export const REGISTRY_CONTENT_TYPE = 'application/vnd.schemaregistry.v1+json'

export interface RegistryConnection {
  /** The environment the registry belongs to (named in every error). */
  readonly environment: string
  readonly url: string
  readonly username?: string
  readonly password?: Secret
  readonly token?: Secret
  /** Per request; a registry that does not answer in time is reported as down. */
  readonly timeoutMs?: number
}

/** A registry answer that is not 2xx: Confluent's `{error_code, message}` when the body has one. */
export class RegistryResponseError extends StreamctlError {
  readonly status: number
  readonly errorCode: number

  constructor(status: number, errorCode: number, message: string, hint?: string) {
    // 5xx and 429 are the registry's own trouble, which may pass; 4xx answers are final.
    super('REGISTRY_ERROR', message, {hint, retriable: status >= 500 || status === 429})
    this.status = status
    this.errorCode = errorCode
  }
}

export const DEFAULT_REGISTRY_TIMEOUT_MS = 10_000

/**
 * One JSON request to the registry. The password/token go only into the Authorization header;
 * messages name the environment, URL and path, and any echo of a secret by the server is cut.
 */
export async function registryRequest<T>(conn: RegistryConnection, method: string, path: string, body?: unknown): Promise<T> {
  const {base, userInfo} = splitUserInfo(conn.url)
  const headers: Record<string, string> = {accept: `${REGISTRY_CONTENT_TYPE}, application/json`}
  if (body !== undefined) headers['content-type'] = REGISTRY_CONTENT_TYPE
  if (conn.token) headers.authorization = `Bearer ${conn.token.reveal()}`
  else if (conn.username !== undefined) {
    headers.authorization = `Basic ${Buffer.from(`${conn.username}:${conn.password?.reveal() ?? ''}`).toString('base64')}`
  } else if (userInfo !== undefined) headers.authorization = `Basic ${Buffer.from(userInfo).toString('base64')}`
  const where = `the schema registry of ${conn.environment} (${base})`
  let res: Response
  try {
    res = await fetch(`${base}${path}`, {
      method,
      headers,
      ...(body === undefined ? {} : {body: JSON.stringify(body)}),
      signal: AbortSignal.timeout(conn.timeoutMs ?? DEFAULT_REGISTRY_TIMEOUT_MS),
    })
  } catch (error) {
    const e = error as Error & {cause?: {code?: string}}
    const why = e.name === 'TimeoutError' ? `did not answer within ${conn.timeoutMs ?? DEFAULT_REGISTRY_TIMEOUT_MS} ms` : `is unreachable (${e.cause?.code ?? e.message})`
    throw new StreamctlError('REGISTRY_ERROR', `${where} ${why}; nothing was changed`, {
      hint: 'check the registry url of the environment (for `cluster: dev`: `streamctl dev status`) and that the registry is running',
      retriable: true,
    })
  }
  const {text, parsed} = await readJsonBody(res)
  if (res.ok) {
    if (parsed === undefined && text !== '') throw new StreamctlError('REGISTRY_ERROR', `${where} answered ${method} ${path} with a body that is not JSON`, {hint: 'check that the url points at a Confluent-compatible schema registry'})
    return parsed as T
  }
  const p = (parsed ?? {}) as {error_code?: unknown; message?: unknown}
  const errorCode = typeof p.error_code === 'number' ? p.error_code : res.status
  const message = scrub(typeof p.message === 'string' ? p.message : text.slice(0, 200) || res.statusText, conn)
  const hint = res.status === 401 || res.status === 403
    ? `check the registry credentials of ${conn.environment} (username/password or token)`
    : 'see the registry message above'
  throw new RegistryResponseError(res.status, errorCode, `${where}: ${method} ${path} failed with HTTP ${res.status} (error ${errorCode}): ${message}`, hint)
}

/**
 * `https://user:pass@host` works with Confluent's clients; fetch refuses credentials in URLs, and
 * they must never be shown, so they move into the Authorization header and out of messages.
 */
export function splitUserInfo(url: string): {base: string; userInfo?: string} {
  const trimmed = url.replace(/\/+$/, '')
  const m = /^([a-z][a-z0-9+.-]*:\/\/)([^@/]*)@(.*)$/i.exec(trimmed)
  if (!m) return {base: trimmed}
  return {base: `${m[1]}${m[3]}`, userInfo: decodeURIComponent(m[2]!)}
}

function scrub(message: string, conn: RegistryConnection): string {
  let out = message
  for (const s of [conn.password, conn.token]) {
    const v = s?.reveal()
    if (v) out = out.split(v).join('<redacted>')
  }
  return out
}
