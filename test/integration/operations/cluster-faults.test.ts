/**
 * Stream jobs under cluster faults (issue #13), on real Kafka:
 *  1. kill -9 one broker of the suite's three-node secure cluster during a migration: the job rides
 *     through leader and coordinator moves in the same run, and the output is exactly the input.
 *  2. kill -9 the only node of a single-node cluster during a repartition and start it again: the
 *     job either rides through or fails with a message naming the cluster; a rerun completes and no
 *     input record is missing from the output. Not exactly once: a single KRaft node that restarts
 *     refuses its own re-registration for broker.session.timeout.ms, and meanwhile its transaction
 *     coordinator completes a prepared commit without writing the markers ("Couldn't find leader
 *     endpoint ... likely deleted already and hence can be skipped"), so Kafka loses the committed
 *     input offsets of an acknowledged commit and the rerun redoes those records. Test 1 shows that
 *     with a broker to fail over to the output is exactly once.
 * The shared three-node cluster is whole again when this file ends (dev up + full ISR in afterAll);
 * test 2 runs on a cluster of its own, which is stopped and removed in afterAll.
 */
import {randomBytes} from 'node:crypto'
import {rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {Kafka} from 'kafkajs'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {devKafkaJsConfig, devStatus} from '../../../src/dev/index.js'
import {startWatchdog} from '../../../src/dev/watchdog.js'
import type {JobConnection} from '../../../src/operations/connection.js'
import {repartition} from '../../../src/operations/repartition.js'
import {streamctl} from '../dev/cli.js'
import {createTopicsAndWait, hasSecureCluster, kafkaTool, providedClusters, secureCluster, uniquePrefix, type TestCluster} from '../harness.js'
import {connectionOf, createTopic, multiset, produce, readAll, spawnJob, type JobExit} from './helpers.js'

/** Slows the copy so that the kill lands half-way through, however fast the runtime is. */
const THROTTLED_COPY = fileURLToPath(new URL('./fixtures/throttled-copy.mjs', import.meta.url))

const N = 30_000

/** ~200 B records; `n` makes every record distinct so the multiset compare sees any duplicate. */
function inputRecords(prefix: string, count: number): {key: string; value: string}[] {
  return Array.from({length: count}, (_, n) => ({key: `k${n % 101}`, value: JSON.stringify({n, tag: prefix, pad: 'x'.repeat(150)})}))
}

/**
 * Single-node restarts: every input record is in the output (nothing acknowledged is lost); Kafka's
 * lost markers (see the header) may add duplicates, which are counted, not hidden.
 */
function expectNoneMissing(out: readonly {key: string | Buffer | null; value: string | Buffer | null}[], input: readonly {key: string; value: string}[]): number {
  const got = asMultiset(out)
  const missing = input.filter((r) => !got.has(`${r.key}|${r.value}`))
  expect(missing, `${missing.length} input records missing from the output`).toEqual([])
  const inputSet = new Set(input.map((r) => `${r.key}|${r.value}`))
  expect([...got.keys()].filter((k) => !inputSet.has(k)), 'records in the output that are not in the input').toEqual([])
  return out.length - input.length
}

function asMultiset(records: readonly {key: string | Buffer | null; value: string | Buffer | null}[]): Map<string, number> {
  return multiset(records.map((r) => `${r.key?.toString()}|${r.value?.toString()}`))
}

/** A kafkajs client for the test's own produce/read, patient enough to ride out a dead broker. */
function patientKafka(c: TestCluster, clientId: string): Kafka {
  return new Kafka({...devKafkaJsConfig(c.connection, clientId), retry: {retries: 10, initialRetryTime: 300, maxRetryTime: 3000}})
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))

async function waitUntil(what: string, timeoutMs: number, check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!(await check().catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting until ${what}`)
    await sleep(500)
  }
}

describe.skipIf(!hasSecureCluster())('stream job while one broker of three is killed', () => {
  let killed = false

  afterAll(async () => {
    if (!killed) return
    // Later files need the whole cluster: restart the node and wait until every partition is back in sync.
    const c = secureCluster()
    const up = await streamctl(['dev', 'up', '--data-dir', c.dataDir])
    if (up.code !== 0) throw new Error(`dev up after the broker kill failed: ${up.stderr}`)
    await waitUntil('no partition is under-replicated', 60_000, async () => {
      const r = await kafkaTool('topics', ['--describe', '--under-replicated-partitions'], {cluster: c})
      return r.code === 0 && r.stdout.trim() === ''
    })
  })

  it('kill -9 of a broker leading source partitions mid-migration: the same run completes, output exactly once', async () => {
    const c = secureCluster()
    const p = uniquePrefix('broker kill migrate')
    const from = `${p}in`
    const to = `${p}out`
    const kafka = patientKafka(c, 'it-cluster-faults')
    await createTopicsAndWait(c, [{topic: from, numPartitions: 6, replicationFactor: 3, configEntries: [{name: 'min.insync.replicas', value: '2'}]}])
    const input = inputRecords(p, N)
    await produce(kafka, from, input)

    // The victim leads the most source partitions (the target is created later with a similar spread).
    const admin = kafka.admin()
    await admin.connect()
    const md = await admin.fetchTopicMetadata({topics: [from]})
    await admin.disconnect()
    const leads = new Map<number, number>()
    for (const part of md.topics[0]!.partitions) leads.set(part.leader, (leads.get(part.leader) ?? 0) + 1)
    const victim = [...leads.entries()].sort((a, b) => b[1] - a[1])[0]![0]
    const status = await devStatus({dataDir: c.dataDir})
    const pid = status.nodes.find((n) => n.id === victim)?.pid
    expect(pid, `node ${victim} pid`).toBeGreaterThan(0)

    const conn = connectionOf(c)
    let killedAt = 0
    const t0 = Date.now()
    const {child, exited} = spawnJob({kind: 'migrate', from, to, source: conn, target: conn, job: `${p}job`, transformModule: THROTTLED_COPY}, (e) => {
      if (e.type === 'progress' && Number(e.read) >= N / 4 && killedAt === 0) {
        killedAt = Number(e.read)
        killed = true
        process.kill(pid!, 'SIGKILL')
      }
    }, {JOB_CHILD_SASL_PASSWORD: c.adminCredentials!.password})
    const res = await exitWithin(child, exited, 80_000)
    const ms = Date.now() - t0
    expect(killedAt, `the job never reached ${N / 4} records (stderr: ${res.stderr})`).toBeGreaterThan(0)
    expect(killedAt).toBeLessThan(N)
    expect(res.code, res.stderr).toBe(0)
    const report = lastReport(res)
    expect(report.outcome).toBe('completed')
    // Counters move only after an acknowledged commit; a commit whose answer died with the broker
    // is not counted though it may have landed, so the counts are a lower bound — the output is the proof.
    expect(report.read).toBeLessThanOrEqual(N)
    expect(report.written).toBe(report.read)
    expect(res.stdout + res.stderr).not.toContain(c.adminCredentials!.password)

    const out = await readAll(kafka, to)
    expect(out).toHaveLength(N)
    expect(asMultiset(out)).toEqual(asMultiset(input))
    console.info(`broker kill: node ${victim} killed at ${killedAt}/${N} read; job took ${ms} ms`)
  }, 110_000)
})

/**
 * Opt-in (STREAMCTL_IT_SINGLE_NODE_RESTART=1): with Kafka's lost markers (see the header) a restart
 * can also leave a transaction hanging on an output partition, which blocks read_committed readers
 * of it until the transaction is aborted by hand (kafka-transactions.sh abort): then records are
 * missing from what a reader sees, and these tests fail. That is Kafka's behaviour, not the job's, so
 * CI does not run them; they reproduce it.
 */
describe.runIf(process.env.STREAMCTL_IT_SINGLE_NODE_RESTART === '1')('stream job while its single-node cluster restarts', () => {
  const dataDir = join(tmpdir(), `opsfault-${randomBytes(4).toString('hex')}`)
  let watchdog: number | undefined
  let conn: JobConnection
  let kafka: Kafka
  let cluster: TestCluster

  beforeAll(async () => {
    // Our own cluster: its restart cannot disturb the suite's shared one. The watchdog kills it if
    // the runner dies before afterAll.
    watchdog = startWatchdog([dataDir])
    const up = await streamctl(['dev', 'up', '--data-dir', dataDir, '--brokers', '1', '--no-registry', '--heap', '384m', '--kafka-version', providedClusters().kafkaVersion])
    if (up.code !== 0) throw new Error(`dev up of the test's own cluster failed: ${up.stderr}`)
    const info = await devStatus({dataDir})
    cluster = {name: 'single', bootstrap: info.bootstrap, connection: info.connection, clusterId: info.clusterId, dataDir, kafkaVersion: info.kafkaVersion, brokers: 1}
    // Labelled as `--bootstrap` labels a connection: an error must name this address.
    conn = {label: info.bootstrap.join(','), spec: info.connection}
    kafka = patientKafka(cluster, 'it-cluster-restart')
  })

  afterAll(async () => {
    const down = await streamctl(['dev', 'down', '--data-dir', dataDir, '--timeout', '10'])
    if (watchdog) try { process.kill(watchdog, 'SIGTERM') } catch { /* already gone */ }
    rmSync(dataDir, {recursive: true, force: true})
    if (down.code !== 0) throw new Error(`dev down failed: ${down.stderr}`)
  })

  /** The failed first run names the cluster in one readable line; a rerun then completes. */
  async function expectClearFailureThenRerun(first: JobExit, from: string, to: string, job: string): Promise<{failure: {message: string}; rerunRead: number}> {
    const failure = jobError(first)
    expect(failure.message).toContain(conn.label)
    expect(failure.message).not.toMatch(/^\s+at /m)
    const rerun = await repartition({from, to, job, connection: conn})
    expect(rerun.outcome).toBe('completed')
    // Not N - killedAt: a single node restarting can drop the markers of a commit it had
    // acknowledged (Kafka skips markers it cannot route); the output below is the proof.
    expect(rerun.read).toBeGreaterThan(0)
    expect(rerun.read).toBeLessThanOrEqual(N)
    return {failure, rerunRead: rerun.read}
  }

  /** A 4-partition source of N records, and the pid of the node to kill. */
  async function sourceAndNode(name: string): Promise<{p: string; from: string; to: string; input: {key: string; value: string}[]; pid: number}> {
    const p = uniquePrefix(name)
    const from = `${p}in`
    await createTopic(kafka, from, 4)
    const input = inputRecords(p, N)
    await produce(kafka, from, input)
    const pid = (await devStatus({dataDir})).nodes[0]!.pid
    expect(pid).toBeGreaterThan(0)
    return {p, from, to: `${p}out`, input, pid: pid!}
  }

  // 3 s: back well within the outage budget (60 s). 25 s: the group's session (10 s) has expired
  // meanwhile, so the job rejoins in a new generation and takes its partitions over again.
  it.each([{downSeconds: 3}, {downSeconds: 25}])('kill -9 and restart of the node $downSeconds s later mid-repartition: rides through or fails naming the cluster; a rerun leaves no record missing', async ({downSeconds}) => {
    const {p, from, to, input, pid} = await sourceAndNode(`node restart ${downSeconds}s repartition`)

    let killedAt = 0
    let restarted: Promise<{code: number; stderr: string}> | undefined
    const t0 = Date.now()
    const {child, exited} = spawnJob({kind: 'repartition', from, to, partitions: 3, job: `${p}job`, connection: conn}, (e) => {
      if (e.type === 'progress' && Number(e.read) >= N / 4 && killedAt === 0) {
        killedAt = Number(e.read)
        process.kill(pid!, 'SIGKILL')
        restarted = sleep(downSeconds * 1000).then(() => streamctl(['dev', 'up', '--data-dir', dataDir]))
      }
    })
    const first = await exitWithin(child, exited, 80_000)
    const firstMs = Date.now() - t0
    expect(killedAt, `the job never reached ${N / 4} records (stderr: ${first.stderr})`).toBeGreaterThan(0)
    const up = await restarted!
    expect(up.code, up.stderr).toBe(0)

    let rerunRead = 0
    if (first.code === 0) {
      const report = lastReport(first)
      expect(report.outcome).toBe('completed')
      // Records whose committed offsets Kafka lost with the markers are read (and counted) again.
      expect(report.read).toBeGreaterThan(0)
      expect(report.written).toBe(report.read)
    } else {
      rerunRead = (await expectClearFailureThenRerun(first, from, to, `${p}job`)).rerunRead
    }

    const out = await readAll(kafka, to)
    if (out.length < N) console.info(`fewer records than the input are visible in ${to}; what Kafka says of its producers:\n${await producersReport(cluster, to, 3)}\nfirst run stdout tail: ${first.stdout.slice(-1500)}`)
    const duplicates = expectNoneMissing(out, input)
    console.info(`node restart after ${downSeconds} s: ${duplicates} duplicate(s) from Kafka's lost markers: killed at ${killedAt}/${N} read; first run exit ${first.code} after ${firstMs} ms${first.code === 0 ? '' : ` (${jobError(first).message}); rerun read ${rerunRead}`}`)
  }, 110_000)

  it('kill -9 of the node, left down: the job gives up with an error naming the cluster; after dev up a rerun leaves no record missing', async () => {
    const {p, from, to, input, pid} = await sourceAndNode('node down repartition')

    let killedAt = 0
    const t0 = Date.now()
    // A short outage budget keeps the test quick; the default is a minute.
    const {child, exited} = spawnJob({kind: 'repartition', from, to, partitions: 3, job: `${p}job`, connection: conn, unreachableTimeoutMs: 15_000}, (e) => {
      if (e.type === 'progress' && Number(e.read) >= N / 4 && killedAt === 0) {
        killedAt = Number(e.read)
        process.kill(pid!, 'SIGKILL')
      }
    })
    let first: JobExit
    try {
      first = await exitWithin(child, exited, 70_000)
    } finally {
      const up = await streamctl(['dev', 'up', '--data-dir', dataDir])
      expect(up.code, up.stderr).toBe(0)
    }
    const gaveUpMs = Date.now() - t0
    expect(killedAt).toBeGreaterThan(0)
    expect(first.code, first.stdout.slice(-1000)).toBe(1)
    const {failure, rerunRead} = await expectClearFailureThenRerun(first, from, to, `${p}job`)
    const out = await readAll(kafka, to)
    const duplicates = expectNoneMissing(out, input)
    console.info(`node down: ${duplicates} duplicate(s) from Kafka's lost markers; killed at ${killedAt}/${N}; job gave up after ${gaveUpMs} ms with ${JSON.stringify(failure)}; rerun read ${rerunRead}`)
  }, 110_000)
})

/** Kafka's own view of the producers and open transactions of a topic's partitions (diagnostics on failure). */
async function producersReport(cluster: TestCluster, topic: string, partitions: number): Promise<string> {
  const lines: string[] = []
  for (let p = 0; p < partitions; p++) {
    const r = await kafkaTool('org.apache.kafka.tools.TransactionsCommand', ['describe-producers', '--topic', topic, '--partition', String(p)], {cluster})
    lines.push(`${topic}-${p}:\n${(r.stdout + r.stderr).trim()}`)
  }
  const hanging = await kafkaTool('org.apache.kafka.tools.TransactionsCommand', ['find-hanging', '--broker-id', '1'], {cluster})
  lines.push(`find-hanging:\n${(hanging.stdout + hanging.stderr).trim()}`)
  return lines.join('\n')
}

/** Waits for the child, killing it (and failing) if it hangs. */
async function exitWithin(child: {kill: (s: NodeJS.Signals) => boolean}, exited: Promise<JobExit>, ms: number): Promise<JobExit> {
  let timer: NodeJS.Timeout | undefined
  const hung = new Promise<'hung'>((r) => (timer = setTimeout(() => r('hung'), ms)))
  const res = await Promise.race([exited, hung])
  clearTimeout(timer)
  if (res === 'hung') {
    child.kill('SIGKILL')
    const late = await exited
    throw new Error(`the job did not finish within ${ms} ms; stdout tail: ${late.stdout.slice(-2000)}\nstderr: ${late.stderr.slice(-2000)}`)
  }
  return res
}

function lastReport(res: JobExit): {outcome: string; read: number; written: number} {
  const line = res.stdout.trim().split('\n').reverse().find((l) => l.startsWith('{"type":"report"'))
  if (!line) throw new Error(`no report line; stderr: ${res.stderr}`)
  return (JSON.parse(line) as {report: {outcome: string; read: number; written: number}}).report
}

function jobError(res: JobExit): {message: string; code?: string} {
  const line = res.stdout.trim().split('\n').reverse().find((l) => l.startsWith('{"type":"error"'))
  if (!line) throw new Error(`no error line; stderr: ${res.stderr}`)
  return JSON.parse(line) as {message: string; code?: string}
}
