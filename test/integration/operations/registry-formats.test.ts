import {execFile} from 'node:child_process'
import {createServer, type Server} from 'node:http'
import type {AddressInfo} from 'node:net'
import {fileURLToPath} from 'node:url'
import {isInteger, isSafeNumber, parse} from 'lossless-json'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {migrate} from '../../../src/operations/migrate.js'
import {newKafkaJs, pythonBin, singleCluster, uniquePrefix} from '../harness.js'
import {call} from '../registry/helpers.js'
import {connectionOf, createTopic, readAll} from './helpers.js'

/**
 * Avro and Protobuf migrations end to end against the dev registry: Confluent's own Python
 * client writes the input and reads the output (its serializers, its framing), streamctl migrates
 * with a transform that sees decoded objects already read into the target schema (a renamed
 * field, int → long and float → double), a record the target cannot hold is a dead letter naming
 * the field, and a counting proxy in front of the registry shows one request per schema id.
 */
const PY = fileURLToPath(new URL('../../python/registry_formats.py', import.meta.url))
const TRANSFORM = fileURLToPath(new URL('./fixtures/registry-transform.mjs', import.meta.url))
const registryUrl = (): string | undefined => singleCluster().registryUrl

function python(args: string[]): Promise<unknown> {
  return new Promise((resolve, reject) => {
    execFile(pythonBin(), [PY, ...args], {timeout: 180_000, maxBuffer: 64 * 1024 * 1024}, (err, stdout, stderr) => {
      if (err) return reject(new Error(`${err.message}\n${stderr}`))
      // Integers beyond 2^53 stay exact (bigint), as the Python side wrote them.
      resolve(parse(stdout, null, (t: string) => (isInteger(t) && !isSafeNumber(t) ? BigInt(t) : Number(t))))
    })
  })
}

/** A pass-through proxy to the registry that counts what it forwards, by path. */
interface Failing {
  readonly status: number
  readonly until: number
  readonly path: string
}

async function countingProxy(target: string): Promise<{url: string; requests: string[]; server: Server; failing?: Failing}> {
  const requests: string[] = []
  const proxy: {url: string; requests: string[]; server: Server; failing?: Failing} = {url: '', requests, server: undefined as unknown as Server}
  const server = createServer((req, res) => {
    requests.push(`${req.method} ${req.url}`)
    // An outage (5xx) or a refusal (401) of the requests under a path, for a while.
    const f = proxy.failing
    if (f && Date.now() < f.until && req.url?.startsWith(f.path)) {
      res.writeHead(f.status, {'content-type': 'application/json'})
      res.end(JSON.stringify({error_code: f.status * 100, message: f.status === 401 ? 'Unauthorized' : 'Service Unavailable'}))
      return
    }
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const body = chunks.length ? Buffer.concat(chunks) : undefined
      fetch(target + req.url, {method: req.method, headers: {'content-type': req.headers['content-type'] ?? 'application/json', accept: req.headers.accept ?? '*/*'}, body})
        .then(async (r) => {
          res.writeHead(r.status, {'content-type': r.headers.get('content-type') ?? 'application/json'})
          res.end(Buffer.from(await r.arrayBuffer()))
        })
        .catch((e: Error) => {
          res.writeHead(502)
          res.end(e.message)
        })
    })
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  proxy.server = server
  proxy.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  return proxy
}

interface Written {key: string; schema_id: number; value: Record<string, unknown>}
interface Read {key: string; schema_id: number; indexes: number[]; value: Record<string, unknown>}

const num = (v: unknown): bigint => BigInt(v as number | bigint)

async function register(url: string, subject: string, schemaType: string, schema: string): Promise<number> {
  const r = await call(url, 'POST', `/subjects/${encodeURIComponent(subject)}/versions`, {schemaType, schema})
  expect(r.status, JSON.stringify(r.body)).toBe(200)
  return r.body.id as number
}

describe.skipIf(!registryUrl())('migrate registry values (Avro, Protobuf) checked by confluent-kafka', () => {
  let proxy: Awaited<ReturnType<typeof countingProxy>>
  beforeAll(async () => {
    proxy = await countingProxy(registryUrl()!)
  })
  afterAll(async () => {
    await new Promise((r) => proxy.server.close(r))
  })

  async function runCase(format: 'avro' | 'protobuf', p: string, spec: Record<string, unknown>, targetSubject: string) {
    const kafka = newKafkaJs()
    const from = `${p}orders`
    const to = `${p}orders.v2`
    await createTopic(kafka, from, 2)
    const seed = Number(process.env.STREAMCTL_IT_SEED ?? Date.now() % 1_000_000)
    console.log(`registry-formats ${format}: seed ${seed} (STREAMCTL_IT_SEED=${seed} replays it)`)
    const written = (await python(['produce', format, registryUrl()!, singleCluster().bootstrap.join(','), from, JSON.stringify({...spec, seed, partitions: 2})])) as Written[]
    const bad = written.filter((w) => String(w.value['note']).startsWith('bad'))
    expect(bad.length).toBeGreaterThan(0)

    const before = proxy.requests.length
    const report = await migrate({
      from, to, source: connectionOf(), target: connectionOf(), deadLetter: `${p}dlq`, transformModule: TRANSFORM,
      schemaUpgrade: {registry: {environment: 'it', url: proxy.url}, format, toSubject: targetSubject},
    })
    const requests = proxy.requests.slice(before)
    expect(report).toMatchObject({read: written.length, written: written.length - bad.length, deadLettered: bad.length})

    const out = (await python(['consume', format, registryUrl()!, singleCluster().bootstrap.join(','), to, String(written.length - bad.length)])) as Read[]
    expect(out).toHaveLength(written.length - bad.length)
    const byKey = new Map(written.map((w) => [w.key, w]))
    for (const r of out) {
      const w = byKey.get(r.key)!.value
      expect(r.value['customer_id']).toBe(w['customerId'])
      expect('customerId' in r.value).toBe(false)
      expect(num(r.value['qty'])).toBe(num(w['qty']))
      expect(num(r.value['seq'])).toBe(num(w['seq']))
      // float → double: the float32 the writer stored, exactly.
      expect(r.value['price']).toBe(w['price'])
      expect(r.value['note']).toBe(`${String(w['note'])}!`)
    }
    // Dead letters: the input bytes unchanged, the reason naming the field.
    const source = new Map((await readAll(kafka, from)).map((r) => [r.key!.toString(), r.value!]))
    const dlq = await readAll(kafka, `${p}dlq`)
    expect(dlq.map((r) => r.key!.toString()).sort()).toEqual(bad.map((b) => b.key).sort())
    for (const d of dlq) {
      expect(d.value!.equals(source.get(d.key!.toString())!)).toBe(true)
      expect(d.headers['streamctl.error']!.toString()).toMatch(/field 'qty'/)
    }
    return {out, requests, written}
  }

  it('Avro: two writer ids resolved into the target (alias rename, int → long, float → double, a new field\'s default)', async () => {
    const p = uniquePrefix('fmt avro')
    const url = registryUrl()!
    const fields1 = [{name: 'qty', type: 'int'}, {name: 'customerId', type: 'string'}, {name: 'price', type: 'float'}, {name: 'seq', type: 'long'}, {name: 'note', type: 'string'}]
    const v1 = JSON.stringify({type: 'record', name: 'Order', namespace: 'it.fmt', fields: fields1})
    const v1b = JSON.stringify({type: 'record', name: 'Order', namespace: 'it.fmt', fields: [...fields1, {name: 'tag', type: ['null', 'string'], default: null}]})
    const v2 = JSON.stringify({type: 'record', name: 'Order', namespace: 'it.fmt', fields: [
      {name: 'qty', type: 'long'}, {name: 'customer_id', aliases: ['customerId'], type: 'string'}, {name: 'price', type: 'double'},
      {name: 'seq', type: 'long'}, {name: 'note', type: 'string'}, {name: 'currency', type: 'string', default: 'EUR'},
    ]})
    const idA = await register(url, `${p}orders-value`, 'AVRO', v1)
    const idB = await register(url, `${p}orders-value`, 'AVRO', v1b)
    const idT = await register(url, `${p}orders.v2-value`, 'AVRO', v2)
    const {out, requests, written} = await runCase('avro', p, {count: 300, schemaIds: [idA, idB], schema: v1}, `${p}orders.v2-value`)
    expect(new Set(written.map((w) => w.schema_id))).toEqual(new Set([idA, idB]))
    for (const r of out) {
      expect(r.schema_id).toBe(idT)
      expect(r.value['currency']).toBe('EUR')
      expect('tag' in r.value).toBe(false)
    }
    // One request for the target subject's latest version, one per writer id; none per record.
    const byId = requests.filter((q) => q.startsWith('GET /schemas/ids/'))
    expect(byId.sort()).toEqual([`GET /schemas/ids/${idA}`, `GET /schemas/ids/${idB}`].sort())
    expect(requests.length).toBe(3)
  })

  it('Protobuf: message indexes read and written, rename by field number, int32 → int64 and float → double', async () => {
    const p = uniquePrefix('fmt proto')
    const url = registryUrl()!
    // The same messages the Python side builds from descriptors; Order is message [1] here, [0] in the target.
    const v1 = 'syntax = "proto3";\npackage it.fmt.v1;\nmessage Header { string source = 1; }\nmessage Order { int32 qty = 1; string customerId = 2; float price = 3; int64 seq = 4; string note = 5; }\n'
    const v2 = 'syntax = "proto3";\npackage it.fmt.v2;\nmessage Order { int64 qty = 1; string customer_id = 2; double price = 3; int64 seq = 4; string note = 5; }\nmessage Trailer { int32 n = 1; }\n'
    const id1 = await register(url, `${p}orders-value`, 'PROTOBUF', v1)
    const idT = await register(url, `${p}orders.v2-value`, 'PROTOBUF', v2)
    const {out, requests, written} = await runCase('protobuf', p, {count: 200}, `${p}orders.v2-value`)
    expect(new Set(written.map((w) => w.schema_id))).toEqual(new Set([id1]))
    for (const r of out) {
      expect(r.schema_id).toBe(idT)
      expect(r.indexes).toEqual([0])
    }
    expect(requests.filter((q) => q.startsWith('GET /schemas/ids/'))).toEqual([`GET /schemas/ids/${id1}`])
    expect(requests.length).toBe(2)
  })

  it('a registry outage while records are decoded is retried, not dead-lettered; a refusal (401) stops the job with nothing dead-lettered', async () => {
    const p = uniquePrefix('fmt outage')
    const url = registryUrl()!
    const v1 = JSON.stringify({type: 'record', name: 'Order', namespace: 'it.fmt', fields: [{name: 'qty', type: 'int'}, {name: 'customerId', type: 'string'}, {name: 'price', type: 'float'}, {name: 'seq', type: 'long'}, {name: 'note', type: 'string'}]})
    const id = await register(url, `${p}orders-value`, 'AVRO', v1)
    await register(url, `${p}orders.v2-value`, 'AVRO', JSON.stringify({type: 'record', name: 'Order', namespace: 'it.fmt', fields: [
      {name: 'qty', type: 'long'}, {name: 'customer_id', aliases: ['customerId'], type: 'string'}, {name: 'price', type: 'double'}, {name: 'seq', type: 'long'}, {name: 'note', type: 'string'},
    ]}))
    const kafka = newKafkaJs()
    const from = `${p}orders`
    await createTopic(kafka, from, 2)
    const written = (await python(['produce', 'avro', url, singleCluster().bootstrap.join(','), from, JSON.stringify({count: 200, schemaIds: [id], schema: v1, seed: 7, partitions: 2})])) as Written[]
    const bad = written.filter((w) => String(w.value['note']).startsWith('bad'))
    const upgrade = {registry: {environment: 'it', url: proxy.url}, format: 'avro' as const, toSubject: `${p}orders.v2-value`}

    // 503 for the writer's schema for 3 s: the job says it is retrying and then writes everything.
    const statuses: string[] = []
    proxy.failing = {status: 503, until: Date.now() + 3000, path: '/schemas/ids/'}
    const before = proxy.requests.length
    const report = await migrate({from, to: `${p}out`, source: connectionOf(), target: connectionOf(), deadLetter: `${p}dlq`, transformModule: TRANSFORM, schemaUpgrade: upgrade,
      onEvent: (e) => { if (e.type === 'status') statuses.push(e.message) }})
    const during = proxy.requests.slice(before).filter((q) => q.startsWith('GET /schemas/ids/')).length
    if (report.deadLettered !== bad.length) console.info(`dead letters: ${(await readAll(kafka, `${p}dlq`)).slice(0, 3).map((d) => d.headers['streamctl.error']?.toString()).join(' | ')}`)
    expect(report).toMatchObject({outcome: 'completed', read: 200, written: 200 - bad.length, deadLettered: bad.length})
    expect(statuses.join('\n')).toMatch(/HTTP 503.*retrying for up to \d+ s/)
    expect((await readAll(kafka, `${p}dlq`)).length).toBe(bad.length)
    console.info(`registry outage of 3 s: ${during} schema requests while it lasted`)

    // 401: the same answer on every try. The job stops naming the registry; no record is dead-lettered.
    proxy.failing = {status: 401, until: Number.POSITIVE_INFINITY, path: '/schemas/ids/'}
    try {
      const err = await migrate({from, to: `${p}out2`, source: connectionOf(), target: connectionOf(), deadLetter: `${p}dlq2`, transformModule: TRANSFORM, schemaUpgrade: upgrade, job: `${p}denied`})
        .then(() => undefined, (e: unknown) => e as Error & {hint?: string})
      expect(err?.message).toMatch(/schema registry of it .*HTTP 401/)
      expect(await readAll(kafka, `${p}dlq2`)).toEqual([])
      expect(await readAll(kafka, `${p}out2`)).toEqual([])
    } finally {
      proxy.failing = undefined
    }
  }, 120_000)
})
