/**
 * The Connect REST client against a real Kafka Connect 4.3.1 worker (`dev up --connect` on the
 * suite's single cluster, stopped again afterwards): every call the planner and executor use,
 * the worker's own messages in errors, no retry of a 4xx, and secrets cut from what it echoes.
 */
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {ConnectClient} from '../../../src/connect/connect-client.js'
import {ConnectResponseError} from '../../../src/connect/http.js'
import {devConnectDown, devUp} from '../../../src/dev/index.js'
import {StreamctlError} from '../../../src/errors.js'
import {Secret} from '../../../src/model/secret.js'
import {newKafkaJs, singleCluster, uniquePrefix} from '../harness.js'

const FILE_SOURCE = 'org.apache.kafka.connect.file.FileStreamSourceConnector'
const FILE_SINK = 'org.apache.kafka.connect.file.FileStreamSinkConnector'
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))
const dir = mkdtempSync(join(tmpdir(), 'streamctl-it-connect-client-'))
let client: ConnectClient
let url = ''

async function until<T>(f: () => Promise<T>, ok: (v: T) => boolean, what: string): Promise<T> {
  let last: T | undefined
  for (let i = 0; i < 120; i++) {
    last = await f()
    if (ok(last)) return last
    await sleep(500)
  }
  throw new Error(`${what}: last ${JSON.stringify(last)}`)
}

async function endOffset(topic: string): Promise<number> {
  const admin = newKafkaJs(singleCluster()).admin()
  await admin.connect()
  try {
    return (await admin.fetchTopicOffsets(topic)).reduce((n, p) => n + Number(p.high), 0)
  } catch {
    return 0
  } finally {
    await admin.disconnect()
  }
}

beforeAll(async () => {
  const up = await devUp({dataDir: singleCluster().dataDir, connect: true, connectHeap: '384m'})
  url = up.connect!.url
  client = new ConnectClient({environment: 'it', url, retryDelayMs: 200})
}, 180_000)

afterAll(async () => {
  await devConnectDown({dataDir: singleCluster().dataDir})
  rmSync(dir, {recursive: true, force: true})
})

describe('ConnectClient on a real worker', () => {
  it('info names the cluster; the plugins include FileStream and MirrorMaker 2', async () => {
    expect((await client.info()).kafka_cluster_id).toBe(singleCluster().clusterId)
    const classes = (await client.listPlugins()).map((p) => p.class)
    expect(classes).toEqual(expect.arrayContaining([FILE_SOURCE, FILE_SINK, 'org.apache.kafka.connect.mirror.MirrorSourceConnector']))
  })

  it('validate gives every definition with its default, and the errors of each value, creating nothing', async () => {
    const bad = await client.validate(FILE_SOURCE, {name: 'v', topic: 't', 'tasks.max': 'many'})
    expect(bad.error_count).toBeGreaterThan(0)
    const tasksMax = bad.configs.find((c) => c.definition.name === 'tasks.max')!
    expect(tasksMax.value.errors.join(' ')).toMatch(/many/)
    const good = await client.validate(FILE_SOURCE, {name: 'v', topic: 't', file: join(dir, 'x.txt')})
    expect(good.error_count).toBe(0)
    // FileStreamSourceConnector's own ConfigDef: batch.size defaults to 2000.
    expect(good.configs.find((c) => c.definition.name === 'batch.size')?.definition.default_value).toBe('2000')
    expect(await client.listConnectors()).not.toContain('v')
  })

  it('create PAUSED never runs; resume moves the lines; config change in place; stop; delete', async () => {
    const name = `${uniquePrefix('client lifecycle')}src`.replace(/\.$/, '')
    const topic = `${name}.out`
    const file = join(dir, 'lines.txt')
    writeFileSync(file, 'a\nb\nc\n')
    await client.create(name, {'connector.class': FILE_SOURCE, file, topic, 'tasks.max': '1'}, 'PAUSED')
    await until(() => client.getStatus(name), (s) => s?.connector.state === 'PAUSED', 'paused')
    await sleep(3000)
    expect(await endOffset(topic)).toBe(0)
    await client.resume(name)
    await until(() => endOffset(topic), (n) => n === 3, 'three lines after resume')
    expect(await client.getConfig(name)).toEqual({'connector.class': FILE_SOURCE, file, topic, 'tasks.max': '1', name})
    const expanded = (await client.listExpanded()).find((c) => c.name === name)
    expect(expanded?.config).toEqual(await client.getConfig(name))
    expect(expanded?.status.connector.state).toBe('RUNNING')
    const r = await client.putConfig(name, {'connector.class': FILE_SOURCE, file, topic, 'tasks.max': '1', 'batch.size': '10'})
    expect(r.created).toBe(false)
    expect((await client.getConfig(name))?.['batch.size']).toBe('10')
    await client.pause(name)
    await until(() => client.getStatus(name), (s) => s?.connector.state === 'PAUSED', 'paused again')
    await client.stop(name)
    await until(() => client.getStatus(name), (s) => s?.connector.state === 'STOPPED', 'stopped')
    expect(await client.delete(name)).toBe(true)
    expect(await client.getConfig(name)).toBeUndefined()
    // The worker drops a deleted connector's status from its status topic asynchronously, so for a moment it can still answer UNASSIGNED.
    await until(() => client.getStatus(name), (s) => s === undefined, 'status gone after delete')
    expect(await client.delete(name)).toBe(false)
  })

  it('restartFailed restarts only what failed', async () => {
    const name = `${uniquePrefix('client restart')}sink`.replace(/\.$/, '')
    // A sink whose file cannot be opened: its task fails at start.
    await client.putConfig(name, {'connector.class': FILE_SINK, file: '/proc/streamctl-none/out.txt', topics: `${name}.in`, 'tasks.max': '1'})
    await until(() => client.getStatus(name), (s) => s?.tasks[0]?.state === 'FAILED', 'task failed')
    await client.restartFailed(name)
    const after = await until(() => client.getStatus(name), (s) => s?.tasks[0]?.state === 'FAILED' || s?.tasks[0]?.state === 'RESTARTING', 'restarted and failed again')
    expect(after?.connector.state).toBe('RUNNING')
    await client.delete(name)
  })

  it('a 4xx carries the worker\'s message, is not retried, and never shows a secret the worker echoes', async () => {
    const slow = new ConnectClient({environment: 'it', url, attempts: 4, retryDelayMs: 5000})
    const t0 = Date.now()
    const err = await slow.putConfig('bad-tasks', {'connector.class': FILE_SOURCE, topic: 't', file: join(dir, 'y.txt'), 'tasks.max': new Secret('not-a-number-s3cr3t', 'env:X')}).catch((e: unknown) => e)
    expect(Date.now() - t0).toBeLessThan(4000)
    expect(err).toBeInstanceOf(ConnectResponseError)
    const e = err as ConnectResponseError
    expect(e.status).toBe(400)
    expect(e.retriable).toBe(false)
    expect(e.message).toContain('PUT /connectors/bad-tasks/config failed with HTTP 400')
    expect(e.message).toContain('tasks.max')
    expect(e.message).toContain('<redacted>')
    expect(e.message + e.workerMessage + JSON.stringify(e)).not.toContain('s3cr3t')
    const unknown = await client.putConfig('bad-class', {'connector.class': 'com.example.Nope', topic: 't'}).then(() => undefined, (x: unknown) => x as ConnectResponseError)
    expect(unknown?.status).toBe(400)
    expect(unknown?.workerMessage).toMatch(/com\.example\.Nope/)
  })

  it('an unreachable worker is a retriable CONNECT_ERROR naming the environment and URL', async () => {
    const gone = new ConnectClient({environment: 'it', url: 'http://127.0.0.1:1', attempts: 2, retryDelayMs: 50})
    const err = await gone.listConnectors().then(() => undefined, (e: unknown) => e as StreamctlError)
    expect(err).toBeInstanceOf(StreamctlError)
    expect(err?.code).toBe('CONNECT_ERROR')
    expect(err?.retriable).toBe(true)
    expect(err?.message).toContain('the Kafka Connect cluster of it (http://127.0.0.1:1) is unreachable')
  })
})
