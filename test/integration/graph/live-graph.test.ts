/**
 * `streamctl graph --live` against the real single-node cluster: lag on the consume edges of a
 * classic group with a live member (kafkajs), of a KIP-848 `consumer` group (confluent-kafka with
 * group.protocol=consumer) and of a group no manifest declares, each checked against Kafka's own
 * kafka-consumer-groups tool.
 */
import {execFile} from 'node:child_process'
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import type {EstateGraph, GraphEdge} from '../../../src/graph/index.js'
import {streamctl} from '../dev/cli.js'
import {createTopicsAndWait, kafkaTool, newKafkaJs, pythonBin, singleCluster, uniquePrefix} from '../harness.js'
import {environmentYaml} from '../reconcile/estate.js'

const PY_CONSUME = `
import json, sys
from confluent_kafka import Consumer
conf, topic, count = json.loads(sys.argv[1]), sys.argv[2], int(sys.argv[3])
c = Consumer({**conf, 'enable.auto.commit': False, 'auto.offset.reset': 'earliest'})
c.subscribe([topic])
seen = 0
while seen < count:
    m = c.poll(1.0)
    if m is None or m.error():
        continue
    seen += 1
    c.commit(message=m, asynchronous=False)
c.close()
print(seen)
`

function python(args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(pythonBin(), ['-c', PY_CONSUME, ...args], {timeout: 90_000}, (err, stdout, stderr) => (err ? reject(new Error(`${err.message}\n${stderr}`)) : resolve(stdout)))
  })
}

/** Kafka's own view: the LAG column of kafka-consumer-groups --describe, summed for one topic. */
async function toolLag(group: string, topic: string): Promise<number> {
  const r = await kafkaTool('consumer-groups', ['--describe', '--group', group], {timeoutMs: 60_000})
  const lines = r.stdout.split('\n').map((l) => l.trim().split(/\s+/))
  const header = lines.find((l) => l.includes('LAG'))!
  const [t, lag] = [header.indexOf('TOPIC'), header.indexOf('LAG')]
  return lines.filter((l) => l[t] === topic && l.length === header.length).reduce((n, l) => n + Number(l[lag]), 0)
}

describe('streamctl graph --live on a real cluster', () => {
  const c = singleCluster()
  const p = uniquePrefix('graph live')
  const orders = `${p}orders`
  const payments = `${p}payments`
  const classic = `${p}classic`
  const kip848 = `${p}kip848`
  const stranger = `${p}stranger`
  const dir = mkdtempSync(join(tmpdir(), 'streamctl-graph-it-'))
  const kafka = newKafkaJs(c)
  const member = kafka.consumer({groupId: classic, sessionTimeout: 15_000})

  beforeAll(async () => {
    writeFileSync(join(dir, 'estate.yaml'), `${environmentYaml('it-graph', c, p)}---
apiVersion: streamctl/v1
kind: Topic
metadata: {name: ${orders}}
spec: {partitions: 2, policy: stream, owner: writer}
---
apiVersion: streamctl/v1
kind: Topic
metadata: {name: ${payments}}
spec: {partitions: 1, policy: stream}
---
apiVersion: streamctl/v1
kind: Service
metadata: {name: writer}
spec:
  produces: [${orders}]
  consumes: [{topic: ${payments}, groups: [${kip848}]}]
---
apiVersion: streamctl/v1
kind: Service
metadata: {name: reader}
spec:
  consumes: [{topic: ${orders}, groups: [${classic}]}]
`)
    await createTopicsAndWait(c, [{topic: orders, numPartitions: 2}, {topic: payments, numPartitions: 1}])
    const producer = kafka.producer()
    await producer.connect()
    await producer.send({topic: orders, messages: Array.from({length: 10}, (_, i) => ({value: `o${i}`, partition: i % 2}))})
    await producer.send({topic: payments, messages: Array.from({length: 7}, (_, i) => ({value: `p${i}`}))})
    await producer.disconnect()
    const admin = kafka.admin()
    await admin.connect()
    try {
      // The classic group: offsets 3 and 5 of 5 each (lag 2); a reader nobody declared: offset 1 of 5 on partition 0 only.
      await admin.setOffsets({groupId: classic, topic: orders, partitions: [{partition: 0, offset: '3'}, {partition: 1, offset: '5'}]})
      await admin.setOffsets({groupId: stranger, topic: orders, partitions: [{partition: 0, offset: '1'}]})
    } finally {
      await admin.disconnect()
    }
    // A live member that commits nothing keeps the classic group Stable with its lag.
    await member.connect()
    await member.subscribe({topic: orders})
    const joined = new Promise((r) => member.on(member.events.GROUP_JOIN, r))
    await member.run({autoCommit: false, eachMessage: async () => {}})
    await joined
    // The KIP-848 group reads 3 of the 7 payments and commits them.
    expect((await python([JSON.stringify({'bootstrap.servers': c.bootstrap.join(','), 'group.id': kip848, 'group.protocol': 'consumer'}), payments, '3'])).trim()).toBe('3')
  })

  afterAll(async () => {
    await member.disconnect().catch(() => undefined)
    rmSync(dir, {recursive: true, force: true})
  })

  const edge = (g: EstateGraph, from: string, to: string): GraphEdge | undefined => g.edges.find((e) => e.from === from && e.to === to)

  it('puts the lag Kafka reports on each consume edge, and shows the undeclared reader', async () => {
    const r = await streamctl(['graph', '-f', dir, '-e', 'it-graph', '--live', '--json'])
    expect(r.code, r.stderr).toBe(0)
    const g = JSON.parse(r.stdout) as EstateGraph
    expect(g.live?.observedAt).toMatch(/^\d{4}-\d{2}-\d{2}T/)

    const classicEdge = edge(g, `topic:${orders}`, `group:${classic}`)
    expect(classicEdge?.lag).toEqual({records: 2, partitions: 2, uncommittedPartitions: 0})
    expect(classicEdge!.lag!.records).toBe(await toolLag(classic, orders))
    expect(g.nodes.find((n) => n.id === `group:${classic}`)).toMatchObject({live: {state: 'Stable', members: 1}})

    const kipEdge = edge(g, `topic:${payments}`, `group:${kip848}`)
    expect(kipEdge?.lag).toEqual({records: 4, partitions: 1, uncommittedPartitions: 0})
    expect(kipEdge!.lag!.records).toBe(await toolLag(kip848, payments))
    // It is a KIP-848 group (Kafka's tool lists it among the groups of type consumer).
    expect((await kafkaTool('consumer-groups', ['--list', '--type', 'consumer'], {timeoutMs: 60_000})).stdout.split('\n').map((l) => l.trim().split(/\s+/)[0])).toContain(kip848)
    // DescribeGroups below v6 answers Dead for it, which says nothing: no state is drawn rather than a wrong one.
    expect(g.nodes.find((n) => n.id === `group:${kip848}`)).toMatchObject({kind: 'group', origin: 'manifest'})
    expect(g.nodes.find((n) => n.id === `group:${kip848}`)).not.toHaveProperty('live.state')

    // Counted as `offsets show` counts it: from the log start where the group has no offset.
    const strangerEdge = edge(g, `topic:${orders}`, `group:${stranger}`)
    expect(strangerEdge).toMatchObject({origin: 'live', lag: {records: 9, partitions: 2, uncommittedPartitions: 1}})
    expect(g.nodes.find((n) => n.id === `group:${stranger}`)).toMatchObject({origin: 'live', live: {state: 'Empty', members: 0}})
  })

  it('draws the lag in Mermaid and in the SVG, for the part of the graph a topic touches', async () => {
    const m = await streamctl(['graph', '-f', dir, '-e', 'it-graph', '--live', '--topic', orders])
    expect(m.code, m.stderr).toBe(0)
    expect(m.stdout).toMatch(/%% streamctl graph of environment it-graph, live lag read at \d{4}-/)
    expect(m.stdout).toContain('|"lag 2"|')
    expect(m.stdout).toContain('|"lag 9 #183; 1 of 2 partitions uncommitted #183; undeclared"|')
    expect(m.stdout).not.toContain(`${payments}<br>`)
    const s = await streamctl(['graph', '-f', dir, '-e', 'it-graph', '--live', '--format', 'svg'])
    expect(s.code, s.stderr).toBe(0)
    expect(s.stdout).toContain('>lag 4<')
  })

  it('an unreachable cluster is a clear error, and nothing is drawn', async () => {
    const r = await streamctl(['graph', '-f', dir, '-e', 'it-graph', '--live', '--bootstrap', '127.0.0.1:1'], {timeoutMs: 120_000})
    expect(r.code).toBe(1)
    expect(r.stdout).toBe('')
    expect(r.stderr).toMatch(/^error: /m)
  })
})
