import {REGISTRY_ERROR_CODES as E, RegistryHttpError} from './http-error.js'
import {parseCompatibility, parseId, parseMode, parseSchemaRequest, parseVersionParam} from './request.js'
import type {RegistryService} from './service.js'
import type {RegistryWriter} from './writer.js'
import {SCHEMA_TYPES} from '../model/state.js'

export interface RegistryRequest {
  readonly method: string
  readonly segments: readonly string[]
  readonly query: URLSearchParams
  readonly body: unknown
}

/** What a route answers: a JSON value (status 200) or a raw schema text. */
export type RouteResult = {json: unknown} | {text: string}

type Handler = (params: string[], req: RegistryRequest) => Promise<unknown> | unknown
interface Route {
  method: string
  pattern: string[]
  handler: Handler
  raw?: boolean
}

const flag = (q: URLSearchParams, name: string) => q.get(name) === 'true'

/**
 * The Confluent Schema Registry REST surface that clients and control planes use, as a table of
 * (method, path pattern) → service call. `*` in a pattern captures one path segment.
 */
export function registryRoutes(svc: RegistryService, writer: RegistryWriter): Route[] {
  const r = (method: string, path: string, handler: Handler, raw = false): Route => ({method, pattern: path.split('/').filter(Boolean), handler, raw})
  return [
    r('GET', '/', () => ({})),
    r('GET', '/schemas/types', () => [...SCHEMA_TYPES]),
    r('GET', '/schemas/ids/*', ([id], q) => svc.inFormat(svc.schemaById(parseId(id!), q.query.get('subject') ?? undefined), q.query.get('format'))),
    r('GET', '/schemas/ids/*/schema', ([id], q) => svc.schemaById(parseId(id!), q.query.get('subject') ?? undefined).schema, true),
    r('GET', '/schemas/ids/*/subjects', ([id], q) => svc.idSubjects(parseId(id!), flag(q.query, 'deleted'))),
    r('GET', '/schemas/ids/*/versions', ([id], q) => svc.idVersions(parseId(id!), flag(q.query, 'deleted'))),
    r('GET', '/subjects', (_, q) => svc.subjects(flag(q.query, 'deleted'), q.query.get('subjectPrefix') ?? undefined)),
    r('GET', '/subjects/*/versions', ([s], q) => svc.versions(s!, flag(q.query, 'deleted'))),
    r('POST', '/subjects/*/versions', ([s], q) => writer.register(s!, parseSchemaRequest(q.body))),
    r('GET', '/subjects/*/versions/*', ([s, v], q) => svc.inFormat(svc.getVersion(s!, parseVersionParam(v!), flag(q.query, 'deleted')), q.query.get('format'))),
    r('GET', '/subjects/*/versions/*/schema', ([s, v], q) => svc.getVersion(s!, parseVersionParam(v!), flag(q.query, 'deleted')).schema, true),
    r('GET', '/subjects/*/versions/*/referencedby', ([s, v]) => svc.referencedBy(s!, parseVersionParam(v!))),
    r('DELETE', '/subjects/*/versions/*', ([s, v], q) => writer.deleteVersion(s!, parseVersionParam(v!), flag(q.query, 'permanent'))),
    r('POST', '/subjects/*', ([s], q) => svc.lookup(s!, parseSchemaRequest(q.body), flag(q.query, 'deleted'))),
    r('DELETE', '/subjects/*', ([s], q) => writer.deleteSubject(s!, flag(q.query, 'permanent'))),
    r('GET', '/config', () => svc.getConfig(null, true)),
    r('PUT', '/config', (_, q) => writer.setConfig(null, parseCompatibility(q.body))),
    r('DELETE', '/config', () => writer.deleteConfig(null)),
    r('GET', '/config/*', ([s], q) => svc.getConfig(s!, flag(q.query, 'defaultToGlobal'))),
    r('PUT', '/config/*', ([s], q) => writer.setConfig(s!, parseCompatibility(q.body))),
    r('DELETE', '/config/*', ([s]) => writer.deleteConfig(s!)),
    r('GET', '/mode', () => svc.getMode(null, true)),
    r('PUT', '/mode', (_, q) => writer.setMode(null, parseMode(q.body), flag(q.query, 'force'))),
    r('GET', '/mode/*', ([s], q) => svc.getMode(s!, flag(q.query, 'defaultToGlobal'))),
    r('PUT', '/mode/*', ([s], q) => writer.setMode(s!, parseMode(q.body), flag(q.query, 'force'))),
    r('DELETE', '/mode/*', ([s]) => writer.deleteMode(s!)),
    r('POST', '/compatibility/subjects/*/versions', ([s], q) => compat(svc.checkCompatibility(s!, 'all', parseSchemaRequest(q.body)), q)),
    r('POST', '/compatibility/subjects/*/versions/*', ([s, v], q) => compat(svc.checkCompatibility(s!, parseVersionParam(v!), parseSchemaRequest(q.body)), q)),
  ]
}

function compat(reasons: string[], q: RegistryRequest): unknown {
  const verbose = flag(q.query, 'verbose')
  return {is_compatible: reasons.length === 0, ...(verbose ? {messages: reasons} : {})}
}

/** Finds and runs the route; 404 (Confluent's plain 404) or 405 when none matches. */
export async function dispatch(routes: readonly Route[], req: RegistryRequest): Promise<RouteResult> {
  let pathMatched = false
  for (const route of routes) {
    if (route.pattern.length !== req.segments.length) continue
    const params: string[] = []
    const ok = route.pattern.every((p, i) => {
      if (p === '*') {
        params.push(req.segments[i]!)
        return true
      }
      return p === req.segments[i]
    })
    if (!ok) continue
    pathMatched = true
    if (route.method !== req.method) continue
    const result = await route.handler(params, req)
    return route.raw ? {text: String(result)} : {json: result}
  }
  if (pathMatched) throw new RegistryHttpError(405, `HTTP ${req.method} not allowed on this path`)
  throw new RegistryHttpError(E.NOT_FOUND, 'HTTP 404 Not Found')
}
