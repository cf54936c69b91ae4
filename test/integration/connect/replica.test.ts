/**
 * A Replica between the suite's two dev clusters: the plain single-node cluster is the source
 * environment, the three-node --secure cluster the target, with its Kafka Connect worker (4.3.1,
 * started here and stopped after). One plan shows the copy's topic, its one WRITE grant and the
 * MirrorSourceConnector; one apply makes them; random binary records (duplicate and null headers,
 * tombstones, several partitions; seed logged) produced at the source arrive on the copy as they
 * were, read back by confluent-kafka; a principal other than the replicator's is denied writing
 * the copy; the plan reports the lag; the next plan is empty.
 */
import {execFile} from 'node:child_process'
import {randomInt} from 'node:crypto'
import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {connectClientFor} from '../../../src/connect/environment-connect.js'
import type {ConnectClient} from '../../../src/connect/connect-client.js'
import {devConnectDown, devUp} from '../../../src/dev/index.js'
import {loadEnvironment} from '../../../src/manifest/check-manifests.js'
import type {DesiredState} from '../../../src/model/desired.js'
import {applyEnvironment} from '../../../src/reconcile/apply-environment.js'
import {planEnvironment} from '../../../src/reconcile/plan-environment.js'
import {connectEnvironment, type Target} from '../../../src/reconcile/target.js'
import type {Plan} from '../../../src/plan/plan.js'
import {renderPlanText} from '../../../src/render/plan-text.js'
import {LATEST_TIMESTAMP} from '../../../src/cluster/protocol/list-offsets.js'
import {hasSecureCluster, pythonBin, secureCluster, singleCluster} from '../harness.js'
import {librdkafkaProps, run} from '../dev/clients.js'
import {streamctl} from '../dev/cli.js'

const SEED = Number(process.env.STREAMCTL_REPLICA_SEED ?? randomInt(2 ** 31))
console.log(`replica: seed ${SEED} (replay with STREAMCTL_REPLICA_SEED=${SEED})`)
const PY = fileURLToPath(new URL('../../python/fidelity_io.py', import.meta.url))
const N = 400
const PARTITIONS = 3
const id = Math.random().toString(36).slice(2, 8)
const sourceEnv = `src${id}`
const targetEnv = `hist${id}`
const topic = `it.replica.${id}.events`
const copy = `${sourceEnv}.${topic}`
const replica = `events-${id}`
const connector = `replica-${replica}`
const READER_PASSWORD = `reader-${id}-pw`
const reader = `reader${id}`
const dir = mkdtempSync(join(tmpdir(), 'streamctl-it-replica-'))

/** mulberry32: one number replays the whole data set. */
function prng(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

interface Rec {partition: number; key: string | null; value: string | null; headers: [string, string | null][]; timestamp: number}

/** Binary keys and values (empty, null), headers repeated and null, tombstones, over every partition. */
function generate(seed: number): Rec[] {
  const rnd = prng(seed)
  const int = (n: number) => Math.floor(rnd() * n)
  const bytes = (n: number) => Buffer.from(Array.from({length: n}, () => int(256))).toString('base64')
  const now = Date.now()
  return Array.from({length: N}, (_, i) => {
    const k = rnd()
    const v = rnd()
    const headers: [string, string | null][] = Array.from({length: int(4)}, () => [['h', 'trace', 'h'][int(3)]!, rnd() < 0.3 ? null : bytes(int(10))])
    if (i % 37 === 0) headers.push(['dup', bytes(3)], ['dup', bytes(3)], ['dup', null])
    return {
      partition: i < PARTITIONS ? i : int(PARTITIONS), key: k < 0.1 ? null : k < 0.15 ? '' : bytes(1 + int(16)),
      value: v < 0.12 ? null : v < 0.15 ? '' : bytes(int(200)), headers, timestamp: now - int(3_600_000),
    }
  })
}

function py(args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(pythonBin(), [PY, ...args], {timeout: 180_000, maxBuffer: 16 * 1024 * 1024}, (err, stdout, stderr) => (err ? reject(new Error(`${err.message}\n${stdout}\n${stderr}`)) : resolve(stdout)))
  })
}

function manifests(): void {
  const s = singleCluster()
  const t = secureCluster()
  writeFileSync(join(dir, 'm.yaml'), `apiVersion: streamctl/v1
kind: Environment
metadata: {name: ${sourceEnv}}
spec:
  cluster: dev
  dev: {dataDir: ${JSON.stringify(s.dataDir)}}
---
apiVersion: streamctl/v1
kind: Environment
metadata: {name: ${targetEnv}}
spec:
  cluster: dev
  dev: {dataDir: ${JSON.stringify(t.dataDir)}, brokers: ${t.brokers}, secure: true, connect: true}
---
apiVersion: streamctl/v1
kind: Topic
metadata: {name: ${topic}}
spec:
  owner: writer
  partitions: ${PARTITIONS}
  policy: stream
  config: {max.message.bytes: 2000000}
---
apiVersion: streamctl/v1
kind: Service
metadata: {name: writer}
spec: {produces: [${topic}]}
---
apiVersion: streamctl/v1
kind: Service
metadata: {name: ${reader}}
spec: {consumes: [${copy}]}
---
apiVersion: streamctl/v1
kind: User
metadata: {name: ${reader}}
spec: {password: '\${env:IT_READER_PASSWORD}', environments: [${targetEnv}]}
---
apiVersion: streamctl/v1
kind: Replica
metadata: {name: ${replica}}
spec:
  source: {environment: ${sourceEnv}, topic: ${topic}}
  environment: ${targetEnv}
  replicationFactor: 3
  config: {retention.ms: -1}
`)
}

const load = (env: string): Promise<DesiredState> => loadEnvironment(['m.yaml'], env, {cwd: dir, processEnv: {IT_READER_PASSWORD: READER_PASSWORD}})

let source: Target
let target: Target
let client: ConnectClient

async function plan(): Promise<Plan> {
  return (await planEnvironment(target, await load(targetEnv), {startConnect: false})).plan
}

/** The plan's changes to this test's resources (the shared cluster holds other tests' leftovers). */
function mine(p: Plan): string[] {
  return [...p.actions.map((a) => a.id), ...(p.connectors?.actions ?? []).map((a) => a.id)]
    .filter((a) => a.includes(id))
}

async function copyEnds(): Promise<number[]> {
  const offsets = await target.gateway.listOffsets([...Array(PARTITIONS).keys()].map((partition) => ({topic: copy, partition, timestamp: LATEST_TIMESTAMP})))
  return [...offsets].sort((a, b) => a.partition - b.partition).map((o) => o.offset ?? 0)
}

beforeAll(async () => {
  if (!hasSecureCluster()) return
  manifests()
  await devUp({dataDir: secureCluster().dataDir, connect: true, connectHeap: '384m'})
  source = await connectEnvironment((await load(sourceEnv)).environment, {start: false})
  target = await connectEnvironment((await load(targetEnv)).environment, {start: false})
  client = await connectClientFor((await load(targetEnv)).environment, {start: false})
  // The source environment first: its topic exists before the replica reads it.
  const r = await applyEnvironment(source, await load(sourceEnv), {confirm: async () => true})
  expect(r.outcome).toBe('applied')
}, 240_000)

afterAll(async () => {
  if (!hasSecureCluster()) return
  await client?.delete(connector).catch(() => undefined)
  await target?.gateway.deleteTopics([copy, topic]).catch(() => undefined)
  await target?.gateway.deleteAcls([{principal: `User:${reader}`}, {resourceType: 'TOPIC', resourceName: copy, patternType: 'LITERAL'}, {resourceType: 'TOPIC', resourceName: topic, patternType: 'LITERAL'}]).catch(() => undefined)
  await target?.gateway.alterUserScramCredentials([{kind: 'delete', user: reader, mechanism: 'SCRAM-SHA-512'}]).catch(() => undefined)
  await source?.gateway.deleteTopics([topic]).catch(() => undefined)
  await Promise.all([source?.close(), target?.close()])
  await devConnectDown({dataDir: secureCluster().dataDir})
  rmSync(dir, {recursive: true, force: true})
}, 120_000)

describe.skipIf(!hasSecureCluster())('Replica: a read-only copy across two dev clusters', () => {
  it('plans the copy (same partitions, source configs, one WRITE grant) and its MirrorSourceConnector; lag unknown until the copy exists', async () => {
    const p = await plan()
    expect(mine(p)).toEqual(expect.arrayContaining([`topic.create:${copy}`, `connector.create:${connector}`]))
    const create = p.actions.find((a) => a.id === `topic.create:${copy}`)
    expect(create).toMatchObject({partitions: PARTITIONS, replicationFactor: 3})
    expect(JSON.stringify(create)).toContain('"max.message.bytes"')
    const grants = p.actions.filter((a) => a.kind === 'acl.create' && a.acl.resourceName === copy).map((a) => a.kind === 'acl.create' ? `${a.acl.principal} ${a.acl.operation}` : '')
    expect(grants.sort()).toEqual(['User:connect WRITE', `User:${reader} DESCRIBE`, `User:${reader} READ`])
    const mm2 = p.connectors?.actions.find((a) => a.connector === connector)
    expect(mm2?.kind === 'connector.create' && mm2.className).toBe('org.apache.kafka.connect.mirror.MirrorSourceConnector')
    // The source login's JAAS line is a secret: the plan shows neither it nor any password.
    expect(JSON.stringify(p)).not.toContain(READER_PASSWORD)
    expect(p.replicas).toMatchObject([{replica, topic: copy, lag: null}])
    console.info(renderPlanText(p))
  })

  it('applied: records produced at the source arrive on the copy with keys, values, headers and partitions intact', async () => {
    const r = await applyEnvironment(target, await load(targetEnv), {confirm: async () => true, startConnect: false})
    expect(r.outcome, JSON.stringify(r.result?.results.filter((x) => x.outcome !== "done") ?? r.connectors?.failed?.error.message)).toBe('applied')
    expect(r.connectors?.failed).toBeUndefined()

    const records = generate(SEED)
    const spec = join(dir, 'spec.json')
    writeFileSync(spec, JSON.stringify(records.map((x) => ({...x, codec: 'none'}))))
    await py(['produce', singleCluster().bootstrap.join(','), topic, spec])

    const expected = [...Array(PARTITIONS).keys()].map((p) => records.filter((x) => x.partition === p).length)
    let ends: number[] = []
    for (let i = 0; i < 240; i++) {
      ends = await copyEnds()
      if (ends.every((e, p) => e >= expected[p]!)) break
      await new Promise((res) => setTimeout(res, 500))
    }
    expect(ends).toEqual(expected)

    const out = join(dir, 'out.json')
    await py(['consume', JSON.stringify(librdkafkaProps(secureCluster())), copy, out])
    const read = JSON.parse(readFileSync(out, 'utf8')) as {partitions: number; records: {partition: number; key: string | null; value: string | null; headers: [string, string | null][]; timestamp: number}[]}
    expect(read.partitions).toBe(PARTITIONS)
    for (let p = 0; p < PARTITIONS; p++) {
      const want = records.filter((x) => x.partition === p).map(({key, value, headers, timestamp}) => ({key, value, headers, timestamp}))
      const got = read.records.filter((x) => x.partition === p).map(({key, value, headers, timestamp}) => ({key, value, headers, timestamp}))
      expect(got, `partition ${p}`).toEqual(want)
    }
  }, 240_000)

  it('a principal other than the replicator is denied writing the copy (it may read it)', async () => {
    const props = JSON.stringify(librdkafkaProps(secureCluster(), {username: reader, password: READER_PASSWORD}))
    const script = `
import json, sys
from confluent_kafka import Producer
errors = []
p = Producer({**json.loads(sys.argv[1]), 'message.timeout.ms': 15000})
p.produce(sys.argv[2], b'intruder', on_delivery=lambda err, msg: errors.append(err.name() if err else 'delivered'))
p.flush(30)
print(json.dumps(errors))
`
    const r = await run(pythonBin(), ['-c', script, props, copy], {timeoutMs: 60_000})
    expect(r.code, r.stderr).toBe(0)
    expect(JSON.parse(r.stdout)).toEqual(['TOPIC_AUTHORIZATION_FAILED'])
    const acls = await target.gateway.describeAcls({resourceType: 'TOPIC', resourceName: copy, patternType: 'LITERAL'})
    expect(acls.filter((a) => a.operation === 'WRITE' || a.operation === 'ALL').map((a) => a.principal)).toEqual(['User:connect'])
  })

  it('the next plan is empty and reports the copy in sync, partition by partition (plan --json, as a user runs it)', async () => {
    let p = await plan()
    for (let i = 0; i < 20 && mine(p).length > 0; i++) {
      await new Promise((res) => setTimeout(res, 500))
      p = await plan()
    }
    expect(mine(p)).toEqual([])
    const cli = await streamctl(['plan', '-f', join(dir, 'm.yaml'), '-e', targetEnv, '--json', '--skip-lint', '--no-start'], {env: {IT_READER_PASSWORD: READER_PASSWORD}})
    expect(cli.code, cli.stderr).toBe(0)
    const json = JSON.parse(cli.stdout) as Plan
    expect(mine(json)).toEqual([])
    const status = json.replicas?.find((r) => r.replica === replica)
    expect(status).toMatchObject({lag: 0, source: {environment: sourceEnv, topic}, topic: copy, connector})
    const produced = [...Array(PARTITIONS).keys()].map((x) => generate(SEED).filter((r) => r.partition === x).length)
    expect(status!.partitions.map((x) => [x.sourceEnd, x.copyEnd])).toEqual(produced.map((n) => [n, n]))
    expect(renderPlanText(p)).toContain(`replica ${replica}: ${sourceEnv}/${topic} → ${copy} (connector ${connector}): in sync`)

    // diff compares connectors too: the declared replica's connector is the one on the worker (default-aware, secrets compared, never shown).
    const diff = await streamctl(['diff', '-f', join(dir, 'm.yaml'), '--from', `manifest:${targetEnv}`, '--to', targetEnv, '--json', '--no-start'], {env: {IT_READER_PASSWORD: READER_PASSWORD}})
    expect(diff.code, diff.stderr).toBe(0)
    const d = JSON.parse(diff.stdout) as Plan
    expect(d.connectors).toBeDefined()
    expect(d.connectors!.actions.filter((a) => a.connector === connector)).toEqual([])
    expect(diff.stdout).not.toContain(secureCluster().adminCredentials!.password)
  })

  it('paused, the replica falls behind by exactly the records produced since; the plan shows that lag and the resume; applied, it catches up', async () => {
    await client.pause(connector)
    for (let i = 0; i < 60; i++) {
      const st = await client.getStatus(connector)
      if (st?.connector.state === 'PAUSED' && st.tasks.every((t) => t.state === 'PAUSED')) break
      await new Promise((res) => setTimeout(res, 500))
    }
    const before = await copyEnds()
    const more = generate(SEED + 1).slice(0, 25)
    const spec = join(dir, 'more.json')
    writeFileSync(spec, JSON.stringify(more.map((x) => ({...x, codec: 'none'}))))
    await py(['produce', singleCluster().bootstrap.join(','), topic, spec])
    await new Promise((res) => setTimeout(res, 3000))
    expect(await copyEnds()).toEqual(before)

    const p = await plan()
    expect(mine(p)).toEqual([`connector.resume:${connector}`])
    const status = p.replicas?.find((r) => r.replica === replica)
    expect(status?.lag).toBe(more.length)
    expect(status!.partitions.map((x) => x.sourceEnd! - x.copyEnd!)).toEqual([...Array(PARTITIONS).keys()].map((x) => more.filter((r) => r.partition === x).length))
    expect(renderPlanText(p)).toContain(`(connector ${connector}): ${more.length} record(s) behind`)

    const r = await applyEnvironment(target, await load(targetEnv), {confirm: async () => true, startConnect: false})
    expect(r.outcome).toBe('applied')
    let lag: number | null | undefined
    for (let i = 0; i < 120 && lag !== 0; i++) {
      await new Promise((res) => setTimeout(res, 500))
      lag = (await plan()).replicas?.find((x) => x.replica === replica)?.lag
    }
    expect(lag).toBe(0)
  }, 180_000)
})
