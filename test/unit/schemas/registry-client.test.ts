import {createServer, type IncomingMessage, type Server} from 'node:http'
import type {AddressInfo} from 'node:net'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {Secret} from '../../../src/model/secret.js'
import {RegistryClient} from '../../../src/registry/client/registry-client.js'

/**
 * The client's HTTP contract (headers, error mapping, secrets kept out of messages, bounded
 * waits) against a minimal local HTTP endpoint. Registry behaviour itself is tested end to end
 * against the real dev registry in test/integration/schemas/.
 */
let server: Server
let url: string
const seen: {method?: string; url?: string; auth?: string; type?: string; body?: string}[] = []

beforeAll(async () => {
  server = createServer((req: IncomingMessage, res) => {
    let body = ''
    req.on('data', (c) => (body += c))
    req.on('end', () => {
      seen.push({method: req.method, url: req.url, auth: req.headers.authorization, type: req.headers['content-type'], body})
      const send = (status: number, value: unknown) => {
        res.writeHead(status, {'content-type': 'application/vnd.schemaregistry.v1+json'})
        res.end(JSON.stringify(value))
      }
      if (req.url === '/slow') return // never answers
      if (req.url === '/config/a%2Fb') return send(404, {error_code: 40408, message: "Subject 'a/b' does not have subject-level compatibility configured"})
      if (req.url === '/subjects/missing/versions/latest') return send(404, {error_code: 40401, message: "Subject 'missing' not found."})
      if (req.url === '/subjects/leaky/versions') return send(401, {error_code: 401, message: 'bad credentials for s3cr3t-pass'})
      if (req.url === '/compatibility/subjects/t/versions?verbose=true') return send(200, {is_compatible: false, messages: ['{oldSchemaVersion: 1}']})
      if (req.url === '/compatibility/subjects/t/versions/3?verbose=true') return send(200, {is_compatible: true, messages: []})
      if (req.url?.startsWith('/compatibility/subjects/s/versions/latest')) return send(200, {is_compatible: false, messages: ["field 'x' was removed"]})
      send(404, {error_code: 404, message: 'HTTP 404 Not Found'})
    })
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})
afterAll(() => new Promise<void>((r) => server.close(() => r())))

describe('registry client', () => {
  it('sends Confluent content types and basic auth; 40408 means no subject level; subjects are URL-encoded', async () => {
    const c = new RegistryClient({environment: 'it', url: `${url}/`, username: 'svc', password: new Secret('s3cr3t-pass', 'inline')})
    expect(await c.subjectCompatibility('a/b')).toBeUndefined()
    expect(seen.at(-1)!.auth).toBe(`Basic ${Buffer.from('svc:s3cr3t-pass').toString('base64')}`)
    expect(await c.latest('missing')).toBeUndefined()
  })

  it('uses a bearer token; a verbose compatibility answer keeps the reasons; AVRO leaves schemaType out', async () => {
    const c = new RegistryClient({environment: 'it', url, token: new Secret('tok-123', 'env:T')})
    expect(await c.checkCompatibility('s', {schemaType: 'AVRO', schema: '"int"', references: []})).toEqual({compatible: false, messages: ["field 'x' was removed"]})
    const last = seen.at(-1)!
    expect(last.auth).toBe('Bearer tok-123')
    expect(last.url).toBe('/compatibility/subjects/s/versions/latest?verbose=true')
    expect(last.type).toBe('application/vnd.schemaregistry.v1+json')
    expect(JSON.parse(last.body!)).toEqual({schema: '"int"'})
  })

  it('checks against every live version (transitive levels) or one numbered version', async () => {
    const c = new RegistryClient({environment: 'it', url})
    const input = {schemaType: 'AVRO' as const, schema: '"int"', references: []}
    expect(await c.checkCompatibility('t', input, 'all')).toEqual({compatible: false, messages: ['{oldSchemaVersion: 1}']})
    expect(seen.at(-1)!.url).toBe('/compatibility/subjects/t/versions?verbose=true')
    expect(await c.checkCompatibility('t', input, 3)).toEqual({compatible: true, messages: []})
    expect(seen.at(-1)!.url).toBe('/compatibility/subjects/t/versions/3?verbose=true')
  })

  it('names the environment and URL in errors, never the password, even when the server echoes it', async () => {
    const c = new RegistryClient({environment: 'prod', url, username: 'svc', password: new Secret('s3cr3t-pass', 'inline')})
    const err = await c.register('leaky', {schemaType: 'JSON', schema: '{}', references: []}).then(
      () => {
        throw new Error('expected a failure')
      },
      (e: unknown) => e as Error & {code: string; hint: string},
    )
    expect(err.code).toBe('REGISTRY_ERROR')
    expect(err.message).toContain(`the schema registry of prod (${url})`)
    expect(err.message).toContain('HTTP 401')
    expect(err.message).not.toContain('s3cr3t-pass')
    expect(err.hint).toMatch(/credentials of prod/)
  })

  it('moves credentials in the url into basic auth and out of every message', async () => {
    const c = new RegistryClient({environment: 'it', url: url.replace('http://', 'http://svc:url-s3cret@')})
    const err = await c.register('leaky', {schemaType: 'JSON', schema: '{}', references: []}).then(() => undefined, (e: unknown) => e as Error)
    expect(seen.at(-1)!.auth).toBe(`Basic ${Buffer.from('svc:url-s3cret').toString('base64')}`)
    expect(err?.message).toContain(`(${url})`)
    expect(err?.message).not.toContain('url-s3cret')
    expect(c.url).toBe(url)
  })

  it('reports a registry that is down, and one that does not answer in time', async () => {
    const closed = createServer()
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r))
    const port = (closed.address() as AddressInfo).port
    await new Promise<void>((r) => closed.close(() => r()))
    const down = new RegistryClient({environment: 'local', url: `http://127.0.0.1:${port}`})
    await expect(down.subjects()).rejects.toThrow(`the schema registry of local (http://127.0.0.1:${port}) is unreachable (ECONNREFUSED); nothing was changed`)
    const slow = new RegistryClient({environment: 'local', url: `${url}/slow#`, timeoutMs: 300})
    const started = Date.now()
    await expect(slow.subjects()).rejects.toThrow(/did not answer within 300 ms/)
    expect(Date.now() - started).toBeLessThan(3000)
  })
})
