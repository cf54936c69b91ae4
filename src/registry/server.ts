import {createServer, type IncomingMessage, type ServerResponse} from 'node:http'
import type {AddressInfo} from 'node:net'
import {createHash, timingSafeEqual} from 'node:crypto'
import type {KafkaConnectionSpec} from '../model/environment.js'
import type {Secret} from '../model/secret.js'
import {REGISTRY_ERROR_CODES as E, RegistryHttpError} from './http-error.js'
import {registryKafka} from './kafka-client.js'
import {dispatch, registryRoutes} from './routes.js'
import {SchemaLog, SCHEMAS_TOPIC} from './schema-log.js'
import {RegistryService} from './service.js'
import {RegistryStore} from './store.js'
import {RegistryWriter} from './writer.js'

export interface RegistryOptions {
  readonly connection: KafkaConnectionSpec
  /** 0 (the default) picks a free port. */
  readonly port?: number
  readonly host?: string
  /** The log topic; `_schemas` unless tests isolate themselves. */
  readonly topic?: string
  /** When set, every request must carry these HTTP Basic credentials (401 otherwise). */
  readonly auth?: {readonly username: string; readonly password: Secret}
}

export interface RunningRegistry {
  readonly url: string
  close(): Promise<void>
}

const CONTENT_TYPE = 'application/vnd.schemaregistry.v1+json'
const MAX_BODY = 16 * 1024 * 1024

/**
 * Starts the dev schema registry: replays the `_schemas` topic into memory, then serves the
 * Confluent REST API. node:http rather than a framework: the surface is a small route table,
 * and Confluent's error body and content types are easier to match exactly without a
 * framework's own error and content-type handling in the way — and it adds no dependency.
 */
export async function startRegistry(options: RegistryOptions): Promise<RunningRegistry> {
  const store = new RegistryStore()
  const log = new SchemaLog(registryKafka(options.connection), (_offset, key, value) => store.apply(key, value), options.topic ?? SCHEMAS_TOPIC)
  await log.start()
  const reads = new RegistryService(store)
  const routes = registryRoutes(reads, new RegistryWriter(store, log, reads))

  const server = createServer((req, res) => {
    void handle(req, res).catch(() => res.destroy())
  })
  const expected = options.auth ? digest(`Basic ${Buffer.from(`${options.auth.username}:${options.auth.password.reveal()}`).toString('base64')}`) : undefined
  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (expected && !timingSafeEqual(digest(req.headers.authorization ?? ''), expected)) {
      // Confluent's answer to a missing or wrong login; the body is not read.
      const body = JSON.stringify({error_code: 401, message: 'Unauthorized'})
      res.writeHead(401, {'content-type': responseType(req), 'content-length': Buffer.byteLength(body), 'www-authenticate': 'Basic realm="streamctl registry"'})
      res.end(body)
      return
    }
    try {
      const url = new URL(req.url ?? '/', 'http://registry')
      const body = await readBody(req)
      const segments = url.pathname.split('/').filter(Boolean).map((s) => decodeURIComponent(s))
      const result = await dispatch(routes, {method: req.method ?? 'GET', segments, query: url.searchParams, body})
      if ('text' in result) send(res, 200, result.text, 'text/plain')
      else send(res, 200, JSON.stringify(result.json), responseType(req))
    } catch (error) {
      const e = error instanceof RegistryHttpError ? error : new RegistryHttpError(50001, `Error in the backend data store: ${(error as Error).message}`)
      send(res, e.status, JSON.stringify(e.toJSON()), responseType(req))
    }
  }

  const host = options.host ?? '127.0.0.1'
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject)
      server.listen(options.port ?? 0, host, () => resolve())
    })
  } catch (error) {
    await log.close()
    throw error
  }
  const {port} = server.address() as AddressInfo
  return {
    url: `http://${host}:${port}`,
    async close() {
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
      await log.close()
    },
  }
}

/** Fixed-length digests, so comparing a guess takes the same time whatever its length. */
function digest(s: string): Buffer {
  return createHash('sha256').update(s).digest()
}

/** Answers in the client's preferred type: Confluent's media type unless only plain JSON is accepted. */
function responseType(req: IncomingMessage): string {
  const accept = req.headers.accept ?? ''
  return accept.includes('application/json') && !accept.includes('schemaregistry') ? 'application/json' : CONTENT_TYPE
}

function send(res: ServerResponse, status: number, body: string, type: string): void {
  res.writeHead(status, {'content-type': type, 'content-length': Buffer.byteLength(body)})
  res.end(body)
}

async function readBody(req: IncomingMessage): Promise<unknown> {
  if (req.method === 'GET' || req.method === 'HEAD') return undefined
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of req) {
    size += (chunk as Buffer).length
    if (size > MAX_BODY) throw new RegistryHttpError(E.BAD_REQUEST, 'Request body too large')
    chunks.push(chunk as Buffer)
  }
  const text = Buffer.concat(chunks).toString('utf8')
  if (text.trim() === '') return undefined
  const type = String(req.headers['content-type'] ?? 'application/json')
  if (!/json|octet-stream|^$/.test(type)) throw new RegistryHttpError(415, `Unsupported content type ${type}`)
  try {
    return JSON.parse(text)
  } catch (error) {
    throw new RegistryHttpError(E.BAD_REQUEST, `Unrecognized JSON in the request body: ${(error as Error).message}`)
  }
}
