/**
 * `dev up --connect`: a real Kafka Connect distributed worker (Maven Central jars) beside a dev
 * cluster of its own. Plain: its REST API lists the FileStream and MirrorMaker 2 plugins, a
 * FileStreamSource connector made over REST moves a file's lines into a topic (read back with
 * kcat), `dev status` tracks the worker, a killed worker is restarted by `dev up` with its
 * connector (kept in Kafka), and `dev down` leaves no JVM. Secure: the worker's only listening
 * port is its REST port on 127.0.0.1, which refuses every request without the admin's HTTP Basic
 * login; the worker logs in to Kafka as its own SCRAM user `connect`, so a connector writes only
 * where that principal has been granted; no password appears in any output or in the worker's log.
 */
import {appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {Kafka, logLevel} from 'kafkajs'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {devKafkaJsConfig, devStatus, ensureDevCluster, readCredentials} from '../../../src/dev/index.js'
import {StreamctlError} from '../../../src/errors.js'
import {kafkaTool, kcatBin, kcatMissing, providedClusters, type TestCluster} from '../harness.js'
import {javaPidsUnder, line, streamctl, type CliResult} from './cli.js'
import {run} from './clients.js'
import {listeningSockets} from './proc-sockets.js'

const version = providedClusters().kafkaVersion
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))
const FILE_SOURCE = 'org.apache.kafka.connect.file.FileStreamSourceConnector'

interface Rest {
  status: number
  body: unknown
}

async function rest(url: string, path: string, o: {method?: string; body?: unknown; auth?: {username: string; password: string}} = {}): Promise<Rest> {
  const headers: Record<string, string> = {'content-type': 'application/json'}
  if (o.auth) headers.authorization = `Basic ${Buffer.from(`${o.auth.username}:${o.auth.password}`).toString('base64')}`
  const r = await fetch(`${url}${path}`, {method: o.method ?? 'GET', headers, ...(o.body === undefined ? {} : {body: JSON.stringify(o.body)}), signal: AbortSignal.timeout(10_000)})
  const text = await r.text()
  let body: unknown = text
  try { body = JSON.parse(text) } catch { /* not JSON (e.g. Jetty's 401 page) */ }
  return {status: r.status, body}
}

interface TaskStatus {
  tasks: {id: number; state: string; trace?: string}[]
  connector: {state: string}
}

/** Polls the connector's status until `done` holds (or 60 s pass), returning the last status. */
async function waitForStatus(url: string, name: string, done: (s: TaskStatus) => boolean, auth?: {username: string; password: string}): Promise<TaskStatus> {
  let last: TaskStatus | undefined
  for (let i = 0; i < 120; i++) {
    const r = await rest(url, `/connectors/${name}/status`, {auth})
    if (r.status === 200) {
      last = r.body as TaskStatus
      if (done(last)) return last
    }
    await sleep(500)
  }
  throw new Error(`connector ${name} did not reach the expected state: ${JSON.stringify(last)}`)
}

function workerPid(out: string): number {
  const pid = /^connect-worker: up \(pid (\d+)\)/m.exec(out)?.[1]
  if (!pid) throw new Error(`no "connect-worker: up" line in:\n${out}`)
  return Number(pid)
}

describe('dev up --connect (plain cluster)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'streamctl-it-connect-'))
  const dataDir = join(dir, 'dev')
  let url = ''
  let bootstrap = ''
  let clusterId = ''
  let up: CliResult

  beforeAll(async () => {
    const t0 = Date.now()
    up = await streamctl(['dev', 'up', '--data-dir', dataDir, '--kafka-version', version, '--no-registry', '--heap', '384m', '--connect', '--connect-heap', '384m'])
    expect(up.code, up.stderr).toBe(0)
    console.info(`dev up --connect (new cluster): ${Date.now() - t0} ms\n${up.stderr}`)
    url = line(up.stdout, 'connect')!
    bootstrap = line(up.stdout, 'bootstrap')!
    clusterId = line(up.stdout, 'cluster-id')!
  })

  afterAll(async () => {
    await streamctl(['dev', 'reset', '--data-dir', dataDir])
    for (const pid of javaPidsUnder(dir)) process.kill(pid, 'SIGKILL')
    rmSync(dir, {recursive: true, force: true})
  })

  it('answers on 127.0.0.1 for this cluster and lists the FileStream and MirrorMaker 2 plugins', async () => {
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
    const root = await rest(url, '/')
    expect(root.status).toBe(200)
    expect(root.body).toMatchObject({version: '4.3.1', kafka_cluster_id: clusterId})
    const plugins = await rest(url, '/connector-plugins')
    const classes = (plugins.body as {class: string}[]).map((p) => p.class)
    expect(classes).toEqual(expect.arrayContaining([FILE_SOURCE, 'org.apache.kafka.connect.file.FileStreamSinkConnector', 'org.apache.kafka.connect.mirror.MirrorSourceConnector']))
    const pid = workerPid(up.stdout)
    expect(listeningSockets(pid)).toEqual([{address: '127.0.0.1', port: Number(url.split(':').at(-1))}])
    const rss = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]
    console.info(`Connect worker RSS after start: ${Math.round(Number(rss) / 1024)} MB (-Xmx384m)`)
  })

  it.skipIf(kcatMissing() !== undefined)('a FileStreamSource connector made over REST moves the lines of a file into a topic', async () => {
    const file = join(dir, 'lines.txt')
    const topic = `it.connect.lines.${Date.now()}`
    writeFileSync(file, 'alpha\nbeta\ngamma\n')
    const put = await rest(url, '/connectors/file-lines/config', {method: 'PUT', body: {'connector.class': FILE_SOURCE, file, topic, 'tasks.max': '1'}})
    expect(put.status, JSON.stringify(put.body)).toBe(201)
    await waitForStatus(url, 'file-lines', (s) => s.tasks[0]?.state === 'RUNNING')
    appendFileSync(file, 'delta\n')
    // The worker's JsonConverter (schemas off) writes each line as a JSON string.
    const want = ['"alpha"', '"beta"', '"gamma"', '"delta"']
    let got: string[] = []
    for (let i = 0; i < 40 && got.length < want.length; i++) {
      const r = await run(kcatBin()!, ['-b', bootstrap, '-C', '-t', topic, '-o', 'beginning', '-e', '-q', '-f', '%s\\n'])
      got = r.stdout.split('\n').filter(Boolean)
      if (got.length < want.length) await sleep(500)
    }
    expect(got).toEqual(want)
  })

  it('dev status tracks the worker; a killed worker is restarted by dev up with its connectors', async () => {
    const st = await streamctl(['dev', 'status', '--data-dir', dataDir])
    expect(st.code).toBe(0)
    const pid = workerPid(st.stdout)
    const put = await rest(url, '/connectors/survivor/config', {method: 'PUT', body: {'connector.class': FILE_SOURCE, file: join(dir, 'survivor.txt'), topic: 'it.connect.survivor', 'tasks.max': '1'}})
    expect(put.status).toBe(201)
    process.kill(pid, 'SIGKILL')
    for (let i = 0; i < 50; i++) {
      try { readFileSync(`/proc/${pid}/stat`) } catch { break }
      await sleep(100)
    }
    const down = await streamctl(['dev', 'status', '--data-dir', dataDir])
    expect(down.code).toBe(1)
    expect(down.stdout).toMatch(/^connect-worker: down {2}port \d+$/m)
    const again = await streamctl(['dev', 'up', '--data-dir', dataDir])
    expect(again.code, again.stderr).toBe(0)
    expect(again.stdout).not.toContain('already running')
    expect(line(again.stdout, 'connect')).toBe(url)
    expect(workerPid(again.stdout)).not.toBe(pid)
    // Connectors live in the worker's config topic on Kafka, not in the process.
    expect((await rest(url, '/connectors')).body).toContain('survivor')
    const logs = await streamctl(['dev', 'logs', '--data-dir', dataDir, '--connect', '--tail', '500'])
    expect(logs.code).toBe(0)
    // The worker's own classes log there, not the brokers'.
    expect(logs.stdout).toContain('(org.apache.kafka.connect.runtime.')
  })

  it('an Environment with `dev: {connect: true}` gets the worker: refused while it is down with --no-start, started otherwise', async () => {
    const running = await ensureDevCluster({dataDir, connect: true}, {start: false})
    expect(running).toMatchObject({started: false, connectUrl: url})
    const st = await streamctl(['dev', 'status', '--data-dir', dataDir])
    const pid = workerPid(st.stdout)
    process.kill(pid, 'SIGKILL')
    for (let i = 0; i < 50; i++) {
      try { readFileSync(`/proc/${pid}/stat`) } catch { break }
      await sleep(100)
    }
    // An environment that does not ask for the worker is served by the brokers alone.
    expect((await ensureDevCluster({dataDir}, {start: false})).started).toBe(false)
    const refused = await ensureDevCluster({dataDir, connect: true}, {start: false}).catch((e: unknown) => e as StreamctlError)
    expect(refused).toBeInstanceOf(StreamctlError)
    expect((refused as StreamctlError).message).toContain('running without its Kafka Connect worker')
    expect((refused as StreamctlError).hint).toContain('dev up --connect')
    const started = await ensureDevCluster({dataDir, connect: true}, {start: true})
    expect(started).toMatchObject({started: true, connectUrl: url})
    expect((await rest(url, '/connectors')).status).toBe(200)
  })

  it('dev down stops the worker and the brokers: no JVM is left', async () => {
    const r = await streamctl(['dev', 'down', '--data-dir', dataDir])
    expect(r.code, r.stderr).toBe(0)
    expect(r.stdout).toMatch(/^connect: (stopped|killed)$/m)
    expect(javaPidsUnder(dir)).toEqual([])
    const st = await streamctl(['dev', 'status', '--data-dir', dataDir])
    expect(st.code).toBe(1)
  })
})

describe('dev up --secure --connect', () => {
  const dir = mkdtempSync(join(tmpdir(), 'streamctl-it-connect-secure-'))
  const dataDir = join(dir, 'dev')
  let url = ''
  let up: CliResult
  let admin = {username: '', password: ''}
  let cluster: TestCluster

  beforeAll(async () => {
    up = await streamctl(['dev', 'up', '--data-dir', dataDir, '--kafka-version', version, '--secure', '--no-registry', '--heap', '384m', '--connect', '--connect-heap', '384m'])
    expect(up.code, up.stderr).toBe(0)
    url = line(up.stdout, 'connect')!
    const info = await devStatus({dataDir})
    const creds = readCredentials(info.credentialsFile!)
    admin = {username: creds.username, password: creds.password.reveal()}
    cluster = {
      name: 'secure', bootstrap: info.bootstrap, connection: info.connection, clusterId: info.clusterId, dataDir, kafkaVersion: version, brokers: 1,
      adminCredentials: admin, saslPlaintext: info.saslPlaintext, caFile: info.caFile, toolConfig: info.toolConfig,
    }
  })

  afterAll(async () => {
    await streamctl(['dev', 'reset', '--data-dir', dataDir])
    for (const pid of javaPidsUnder(dir)) process.kill(pid, 'SIGKILL')
    rmSync(dir, {recursive: true, force: true})
  })

  it('the worker listens only on its REST port on 127.0.0.1, which refuses every request without the admin login', async () => {
    const pid = workerPid(up.stdout)
    expect(listeningSockets(pid)).toEqual([{address: '127.0.0.1', port: Number(url.split(':').at(-1))}])
    expect(line(up.stdout, 'connect-auth')).toBe("HTTP Basic as admin (the admin's password); the worker logs in to Kafka as User:connect")
    for (const path of ['/', '/health', '/connectors', '/connector-plugins']) {
      expect((await rest(url, path)).status, path).toBe(401)
      expect((await rest(url, path, {auth: {username: admin.username, password: 'not-the-password'}})).status, path).toBe(401)
      expect((await rest(url, path, {auth: {username: 'connect', password: readCredentials(join(dataDir, 'secure', 'connect.json')).password.reveal()}})).status, path).toBe(401)
      expect((await rest(url, path, {auth: admin})).status, path).toBe(200)
    }
    const sneaky = await rest(url, '/connectors/sneaky/config', {method: 'PUT', body: {'connector.class': FILE_SOURCE, file: '/etc/hostname', topic: 'sneaky'}})
    expect(sneaky.status).toBe(401)
    expect((await rest(url, '/connectors', {auth: admin})).body).toEqual([])
  })

  it('connectors run as the worker\'s own principal User:connect: denied until granted, then the lines arrive', async () => {
    const file = join(dir, 'lines.txt')
    const topic = `it.connect.secure.${Date.now()}`
    writeFileSync(file, 'one\ntwo\n')
    const put = await rest(url, '/connectors/secure-lines/config', {method: 'PUT', auth: admin, body: {'connector.class': FILE_SOURCE, file, topic, 'tasks.max': '1'}})
    expect(put.status, JSON.stringify(put.body)).toBe(201)
    const failed = await waitForStatus(url, 'secure-lines', (s) => s.tasks[0]?.state === 'FAILED', admin)
    expect(failed.tasks[0]!.trace).toContain(`TopicAuthorizationException: Not authorized to access topics: [${topic}]`)

    const created = await kafkaTool('topics', ['--create', '--topic', topic, '--partitions', '1', '--replication-factor', '1'], {cluster, saslPlaintext: true})
    expect(created.code, created.stderr).toBe(0)
    const grant = await kafkaTool('acls', ['--add', '--allow-principal', 'User:connect', '--operation', 'WRITE', '--operation', 'DESCRIBE', '--topic', topic], {cluster, saslPlaintext: true})
    expect(grant.code, grant.stderr).toBe(0)
    const restart = await rest(url, '/connectors/secure-lines/tasks/0/restart', {method: 'POST', auth: admin})
    expect(restart.status).toBe(204)
    await waitForStatus(url, 'secure-lines', (s) => s.tasks[0]?.state === 'RUNNING', admin)

    const kafka = new Kafka({...devKafkaJsConfig(cluster.connection, 'it-connect-secure'), logLevel: logLevel.NOTHING})
    const consumer = kafka.consumer({groupId: `it-connect-${Date.now()}`, maxWaitTimeInMs: 200})
    const seen: string[] = []
    await consumer.connect()
    try {
      await consumer.subscribe({topic, fromBeginning: true})
      await new Promise<void>((resolve, reject) => {
        const t = setTimeout(() => resolve(), 30_000)
        consumer.run({eachMessage: async ({message}) => {
          seen.push(message.value!.toString())
          if (seen.length >= 2) { clearTimeout(t); resolve() }
        }}).catch(reject)
      })
    } finally {
      await consumer.disconnect()
    }
    expect(seen).toEqual(['"one"', '"two"'])
  })

  it('no password is printed by dev up / dev status, nor written to the worker\'s log', async () => {
    const connectPassword = readCredentials(join(dataDir, 'secure', 'connect.json')).password.reveal()
    const st = await streamctl(['dev', 'status', '--data-dir', dataDir])
    const worker = readFileSync(join(dataDir, 'connect', 'logs', 'connect.log'), 'utf8')
    expect(worker).toContain('sasl.jaas.config = [hidden]')
    for (const text of [up.stdout, up.stderr, st.stdout, st.stderr, worker]) {
      expect(text).not.toContain(connectPassword)
      expect(text).not.toContain(admin.password)
    }
  })

  it('dev down leaves no JVM', async () => {
    const r = await streamctl(['dev', 'down', '--data-dir', dataDir])
    expect(r.code, r.stderr).toBe(0)
    expect(r.stdout).toMatch(/^connect: (stopped|killed)$/m)
    expect(javaPidsUnder(dir)).toEqual([])
  })
})
