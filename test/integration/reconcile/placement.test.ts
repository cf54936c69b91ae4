/**
 * Placement end to end on a five-broker, three-rack dev cluster of its own (racks a b c a b):
 * topics created skewed with Kafka's own tool (every replica on brokers 1 and 4, both rack a,
 * every leader on 1); `apply` with `placement: {strategy: rack-aware}` moves them, throttled,
 * and a kill -9 of that apply in the middle of the move is completed by a rerun. Kafka's
 * kafka-topics --describe and kcat -L then show one rack per replica and leader counts within
 * one; kafka-configs shows no throttle left. `rebalance --drain 5` empties broker 5 (internal
 * topics too) while confluent-kafka keeps producing, and every record written before and during
 * the move is read back.
 */
import {spawn} from 'node:child_process'
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {createGateway} from '../../../src/cluster/create-gateway.js'
import type {AdminGateway} from '../../../src/cluster/gateway.js'
import {parseKafkaRelease, runKafkaTool} from '../../../src/dev/index.js'
import {kcatBin, kcatMissing, providedClusters, pythonBin} from '../harness.js'
import {parseTopicDescribe} from '../cluster/tool-output.js'
import {javaPidsUnder, line, streamctl} from '../dev/cli.js'
import {run} from '../dev/clients.js'

const ROOT = fileURLToPath(new URL('../../../', import.meta.url))
const dir = mkdtempSync(join(tmpdir(), 'streamctl-it-placement-'))
const dataDir = join(dir, 'dev')
const manifests = join(dir, 'manifests')
const version = providedClusters().kafkaVersion
const tools = parseKafkaRelease(version).tools
const RACK = new Map([[1, 'a'], [2, 'b'], [3, 'c'], [4, 'a'], [5, 'b']])
let bootstrap = ''
let gateway: AdminGateway

async function kafka(toolName: keyof typeof tools, args: string[], withBootstrap = true): Promise<string> {
  const r = await runKafkaTool(version, tools[toolName], [...(withBootstrap ? ['--bootstrap-server', bootstrap] : []), ...args], {timeoutMs: 90_000})
  expect(r.code, `${toolName} ${args.join(' ')}\n${r.stderr}`).toBe(0)
  return r.stdout
}

/** Every topic's partitions as kafka-topics --describe prints them. */
async function describeAll(): Promise<Map<string, {partition: number; leader: number; replicas: number[]}[]>> {
  const out = await kafka('topics', ['--describe'])
  const names = [...new Set([...out.matchAll(/^Topic: (\S+)\t/gm)].map((m) => m[1]!))]
  return new Map(names.map((n) => [n, parseTopicDescribe(out, n).partitions]))
}

function streamctlArgs(...args: string[]): string[] {
  return [...args, '-f', manifests, '-e', 'racks', ...(args[0] === 'rebalance' ? [] : ['--skip-lint'])]
}

function writeManifests(): void {
  writeFileSync(join(manifests, 'estate.yaml'), `apiVersion: streamctl/v1
kind: Environment
metadata: {name: racks}
spec:
  kafka: {bootstrap: [${bootstrap.split(',').join(', ')}]}
  defaults: {replicationFactor: 2}
  placement: {strategy: rack-aware}
---
apiVersion: streamctl/v1
kind: Topic
metadata: {name: skew.small}
spec: {partitions: 6}
---
apiVersion: streamctl/v1
kind: Topic
metadata: {name: skew.big}
spec: {partitions: 4}
`)
}

describe('placement on a 5-broker, 3-rack dev cluster', () => {
  beforeAll(async () => {
    const r = await streamctl(['dev', 'up', '--data-dir', dataDir, '--kafka-version', version, '--brokers', '5', '--racks', 'a,b,c', '--heap', '384m', '--no-registry'], {timeoutMs: 240_000})
    expect(r.code, r.stderr).toBe(0)
    bootstrap = line(r.stdout, 'bootstrap')!
    gateway = createGateway({bootstrap: bootstrap.split(',')}, {environment: 'it-placement'})
    rmSync(manifests, {recursive: true, force: true})
    await import('node:fs/promises').then((fs) => fs.mkdir(manifests, {recursive: true}))
    writeManifests()
    // Skewed on purpose: both replicas of every partition on rack a (brokers 1 and 4), every leader on 1.
    await kafka('topics', ['--create', '--topic', 'skew.small', '--replica-assignment', Array(6).fill('1:4').join(',')])
    await kafka('topics', ['--create', '--topic', 'skew.big', '--replica-assignment', Array(4).fill('1:4').join(',')])
    // 12 MB in skew.big: at 100 kB/s per broker the move takes minutes, long enough to kill it.
    await kafka('producer-perf', ['--topic', 'skew.big', '--num-records', '12000', '--record-size', '1000', '--throughput', '-1', '--producer-props', `bootstrap.servers=${bootstrap}`, 'acks=all'], false)
  }, 360_000)

  afterAll(async () => {
    await gateway?.close()
    await streamctl(['dev', 'down', '--data-dir', dataDir])
    for (const pid of javaPidsUnder(dir)) process.kill(pid, 'SIGKILL')
    rmSync(dir, {recursive: true, force: true})
  }, 120_000)

  it('plan shows the skewed topics as placement moves with bytes and an ETA at the throttle', async () => {
    const r = await streamctl(streamctlArgs('plan', '--throttle', '100000', '--detailed-exitcode'))
    expect(r.code, r.stderr).toBe(2)
    expect(r.stdout).toMatch(/~ topic skew\.big[\s\S]*placement rack-aware: partition 0 has two replicas in one rack \(1:a, 4:a\)/)
    expect(r.stdout).toMatch(/reassign 4 partition\(s\) in \d batch\(es\), \d+\.\d MiB to copy, ETA \d+m\d\ds at 97\.7 KiB\/s/)
    expect(r.stdout).toMatch(/preferred-leader election/)
    expect(r.stdout).toMatch(/Moves: 10 partition\(s\)/)
  })

  it('apply killed with -9 mid-move leaves the move in flight; a rerun completes it, rack-aware with balanced leaders, no throttle left', async () => {
    const child = spawn(process.execPath, [join(ROOT, 'bin/run.js'), ...streamctlArgs('apply', '--auto-approve', '--throttle', '100000')], {stdio: ['ignore', 'pipe', 'pipe']})
    let output = ''
    child.stdout.on('data', (d) => (output += d))
    child.stderr.on('data', (d) => (output += d))
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)))
    // Kill once data is moving: skew.big's copy is in flight.
    const deadline = Date.now() + 90_000
    let moving = false
    while (!moving && Date.now() < deadline) {
      moving = (await gateway.listPartitionReassignments(['skew.big'])).length > 0
      if (!moving) await new Promise((r) => setTimeout(r, 200))
    }
    expect(moving, output).toBe(true)
    child.kill('SIGKILL')
    expect(await exited).toBeNull()
    // The crash left the move running and the throttle in place.
    expect((await gateway.listPartitionReassignments()).length).toBeGreaterThan(0)
    expect(await kafka('configs', ['--describe', '--entity-type', 'brokers', '--entity-name', '1'])).toMatch(/leader\.replication\.throttled\.rate=100000/)

    // The rerun waits for the lock of the dead apply, plans from the move in flight (no second
    // reassignment of those partitions), lifts the throttle (faster) and finishes.
    const rerun = await streamctl(streamctlArgs('apply', '--auto-approve', '--throttle', '50000000', '--lock-wait', '90s'), {timeoutMs: 400_000})
    expect(rerun.code, `${rerun.stdout}\n${rerun.stderr}`).toBe(0)
    expect(rerun.stdout).toMatch(/wait for the reassignment in flight/)
    expect((await gateway.listPartitionReassignments()).length).toBe(0)

    const topics = await describeAll()
    for (const name of ['skew.small', 'skew.big']) {
      const partitions = topics.get(name)!
      for (const p of partitions) {
        expect(p.replicas).toHaveLength(2)
        expect(new Set(p.replicas.map((b) => RACK.get(b))).size, `${name}-${p.partition}: ${p.replicas}`).toBe(2)
        expect(p.leader).toBe(p.replicas[0])
      }
      const leads = [1, 2, 3, 4, 5].map((b) => partitions.filter((p) => p.leader === b).length)
      expect(Math.max(...leads) - Math.min(...leads), `${name} leaders per broker ${leads}`).toBeLessThanOrEqual(1)
    }

    // kcat (librdkafka's metadata) sees the same leaders and replicas.
    const kcat = kcatBin()
    if (kcat === undefined) throw new Error(kcatMissing())
    const meta = JSON.parse((await run(kcat, ['-b', bootstrap, '-L', '-J', '-t', 'skew.small'])).stdout) as {topics: {topic: string; partitions: {partition: number; leader: number; replicas: {id: number}[]}[]}[]}
    for (const p of meta.topics[0]!.partitions) {
      const fromTool = topics.get('skew.small')!.find((x) => x.partition === p.partition)!
      expect({leader: p.leader, replicas: p.replicas.map((r) => r.id)}).toEqual({leader: fromTool.leader, replicas: fromTool.replicas})
    }

    // No throttle left: no broker rate, no topic throttled-replica list.
    for (const id of [1, 2, 3, 4, 5]) expect(await kafka('configs', ['--describe', '--entity-type', 'brokers', '--entity-name', String(id)])).not.toMatch(/throttled/)
    for (const name of ['skew.small', 'skew.big']) expect(await kafka('configs', ['--describe', '--entity-type', 'topics', '--entity-name', name])).not.toMatch(/throttled/)

    // Converged: the next plan has nothing to do.
    const again = await streamctl(streamctlArgs('plan', '--detailed-exitcode'))
    expect(again.code, again.stdout).toBe(0)
  }, 600_000)

  it('rebalance --drain 5 empties broker 5 while confluent-kafka keeps producing; every record is read back', async () => {
    const plan = await streamctl(streamctlArgs('rebalance', '--drain', '5', '--throttle', '5000000', '--json'))
    expect(plan.code, plan.stderr).toBe(0)
    const planned = JSON.parse(plan.stdout) as {actions: {kind: string; topic?: string; bytes?: number; etaSeconds?: number | null; moves?: {target: number[]}[]}[]}
    const moves = planned.actions.filter((a) => a.kind === 'topic.placement.reassign')
    expect(moves.length).toBeGreaterThan(0)
    for (const a of moves) for (const m of a.moves!) expect(m.target).not.toContain(5)
    expect(moves.some((a) => a.topic === 'skew.big' && a.bytes! > 0 && a.etaSeconds! > 0)).toBe(true)

    const before = 12_000
    const producer = spawn(pythonBin(), ['-c', PRODUCE_FOR, bootstrap, 'skew.big', '12'], {stdio: ['ignore', 'pipe', 'pipe']})
    let produced = ''
    let producerErr = ''
    producer.stdout.on('data', (d) => (produced += d))
    producer.stderr.on('data', (d) => (producerErr += d))
    const producerDone = new Promise<number | null>((resolve) => producer.on('exit', (code) => resolve(code)))
    await new Promise((r) => setTimeout(r, 2000))
    const drain = await streamctl(streamctlArgs('rebalance', '--drain', '5', '--throttle', '5000000', '--apply', '--auto-approve', '--lock-wait', '60s'), {timeoutMs: 400_000})
    expect(drain.code, `${drain.stdout}\n${drain.stderr}`).toBe(0)
    expect(await producerDone, producerErr).toBe(0)
    const during = Number(produced.trim())
    expect(during).toBeGreaterThan(0)

    const topics = await describeAll()
    for (const [name, partitions] of topics) for (const p of partitions) expect(p.replicas, `${name}-${p.partition}`).not.toContain(5)
    // Broker 5's own log dirs (DescribeLogDirs answers per broker) hold no partition once the removed replicas are dropped.
    const deadline = Date.now() + 60_000
    let onFive = (await gateway.describeLogDirs()).filter((l) => l.brokerId === 5)
    while (onFive.length > 0 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 1000))
      onFive = (await gateway.describeLogDirs()).filter((l) => l.brokerId === 5)
    }
    expect(onFive).toEqual([])
    // The drain's throttle is gone too: every broker's and every topic's dynamic configs.
    expect(await kafka('configs', ['--describe', '--entity-type', 'brokers'])).not.toMatch(/throttled/)
    expect(await kafka('configs', ['--describe', '--entity-type', 'topics'])).not.toMatch(/throttled/)

    const counted = await run(pythonBin(), ['-c', COUNT, bootstrap, 'skew.big', String(before + during)], {timeoutMs: 120_000})
    expect(counted.code, counted.stderr).toBe(0)
    expect(Number(counted.stdout.trim())).toBe(before + during)
  }, 600_000)
})

/** Produces to a topic for N seconds with acks=all; prints how many records were acknowledged. */
const PRODUCE_FOR = `
import sys, time
from confluent_kafka import Producer
bootstrap, topic, seconds = sys.argv[1], sys.argv[2], float(sys.argv[3])
p = Producer({'bootstrap.servers': bootstrap, 'acks': 'all', 'enable.idempotence': True})
acked = [0]; errors = []
def done(err, msg):
    if err: errors.append(str(err))
    else: acked[0] += 1
end = time.time() + seconds
i = 0
while time.time() < end:
    p.produce(topic, ('during-%d' % i).encode(), on_delivery=done); i += 1
    p.poll(0)
    time.sleep(0.002)
left = p.flush(60)
if left or errors:
    print('produce failed:', left, errors[:3], file=sys.stderr); sys.exit(3)
print(acked[0])
`

/** Reads a topic from the beginning with confluent-kafka until the expected count or 60 s; prints the count. */
const COUNT = `
import sys, time
from confluent_kafka import Consumer, TopicPartition
bootstrap, topic, expected = sys.argv[1], sys.argv[2], int(sys.argv[3])
c = Consumer({'bootstrap.servers': bootstrap, 'group.id': 'count-' + str(time.time()), 'auto.offset.reset': 'earliest', 'enable.auto.commit': False})
meta = c.list_topics(topic, timeout=30)
c.assign([TopicPartition(topic, p, 0) for p in meta.topics[topic].partitions])
n = 0; end = time.time() + 60
while n < expected and time.time() < end:
    for m in c.consume(1000, 1.0):
        if m.error(): print('consume error:', m.error(), file=sys.stderr); sys.exit(4)
        n += 1
time.sleep(1)
for m in c.consume(1000, 2.0):
    if not m.error(): n += 1
c.close()
print(n)
`
