import {writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {Kafka} from 'kafkajs'
import {afterAll, describe, expect, it} from 'vitest'
import {devKafkaJsConfig} from '../../../src/dev/index.js'
import {hasSecureCluster, secureCluster, uniquePrefix} from '../harness.js'
import {eventually, gatewayFor, parseTopicDescribe, tool} from './tool-output.js'

describe.skipIf(!hasSecureCluster())('gateway reassignment, leader election, log dirs vs Kafka tools (3 brokers)', () => {
  const cluster = hasSecureCluster() ? secureCluster() : undefined
  const gw = cluster ? gatewayFor(cluster) : undefined
  afterAll(() => gw?.close())

  const describeTool = async (t: string) => parseTopicDescribe(await tool(cluster!, 'topics', ['--describe', '--topic', t]), t)

  it('moves replicas with AlterPartitionReassignments; TopicCommand and ReassignPartitionsCommand --verify agree', async () => {
    const t = `${uniquePrefix('gw reassign')}t`
    const ids = (await gw!.describeCluster()).brokers.map((b) => b.nodeId)
    await gw!.createTopics([{name: t, partitions: 2, replicationFactor: 2, config: {}}])
    const [before] = await gw!.describeTopics([t])
    // Move partition 0 to the two brokers that differ most from its current set, leader-first order reversed.
    const target = [...ids.filter((id) => !before!.partitions[0]!.replicas.includes(id)), before!.partitions[0]!.replicas[0]!]
    await gw!.alterPartitionReassignments([{topic: t, partition: 0, replicas: target}])
    const ongoing = await gw!.listPartitionReassignments([t])
    expect(ongoing.every((r) => r.topic === t && r.partition === 0)).toBe(true)
    const done = await eventually(() => describeTool(t), (d) => d.partitions[0]?.replicas.join() === target.join() && d.partitions[0]?.isr.length === 2)
    expect(done.partitions[0]?.replicas).toEqual(target)
    expect(await eventually(() => gw!.listPartitionReassignments([t]), (r) => r.length === 0)).toEqual([])

    const plan = join(tmpdir(), `${t}.json`)
    writeFileSync(plan, JSON.stringify({version: 1, partitions: [{topic: t, partition: 0, replicas: target}]}))
    expect(await tool(cluster!, 'reassign', ['--verify', '--reassignment-json-file', plan])).toMatch(/Reassignment of partition .*-0 is completed/)
  })

  it('reads a reassignment ReassignPartitionsCommand executed; preferred election then puts the first replica in the lead', async () => {
    const t = `${uniquePrefix('gw elect')}t`
    await gw!.createTopics([{name: t, partitions: 1, replicationFactor: 3, config: {}}])
    const [before] = await gw!.describeTopics([t])
    const current = before!.partitions[0]!
    // Same replica set, another broker first: no data moves, but the preferred leader changes.
    const reordered = [...current.replicas.filter((id) => id !== current.leader), current.leader]
    const plan = join(tmpdir(), `${t}.json`)
    writeFileSync(plan, JSON.stringify({version: 1, partitions: [{topic: t, partition: 0, replicas: reordered}]}))
    await tool(cluster!, 'reassign', ['--execute', '--reassignment-json-file', plan])
    const moved = await eventually(async () => (await gw!.describeTopics([t]))[0]!.partitions[0]!, (p) => p.replicas.join() === reordered.join())
    expect(moved.replicas).toEqual(reordered)

    await gw!.electLeaders([{topic: t, partition: 0}], 'PREFERRED')
    const led = await eventually(() => describeTool(t), (d) => d.partitions[0]?.leader === reordered[0])
    expect(led.partitions[0]?.leader).toBe(reordered[0])
    // A second election is not needed: that is success, not an error.
    await gw!.electLeaders([{topic: t, partition: 0}], 'PREFERRED')
  })

  it('reports partition sizes on disk per broker, as LogDirsCommand does', async () => {
    const t = `${uniquePrefix('gw logdirs')}t`
    await gw!.createTopics([{name: t, partitions: 1, replicationFactor: 2, config: {}}])
    const producer = new Kafka(devKafkaJsConfig(cluster!.connection, 'gw-it')).producer()
    await producer.connect()
    try {
      await producer.send({topic: t, acks: -1, messages: Array.from({length: 50}, (_, i) => ({value: `record-${i}-${'x'.repeat(100)}`}))})
    } finally {
      await producer.disconnect()
    }
    const sizes = await eventually(() => gw!.describeLogDirs([t]), (s) => s.length === 2 && s.every((x) => x.sizeBytes > 5000))
    expect(sizes.map((s) => s.brokerId).sort()).toEqual((await gw!.describeTopics([t]))[0]!.partitions[0]!.replicas.slice().sort())
    const out = await tool(cluster!, 'org.apache.kafka.tools.LogDirsCommand', ['--describe', '--topic-list', t])
    const json = JSON.parse(out.split('\n').find((l) => l.startsWith('{'))!) as {brokers: {broker: number; logDirs: {partitions: {partition: string; size: number}[]}[]}[]}
    const toolSizes = json.brokers.flatMap((b) => b.logDirs.flatMap((d) => d.partitions.map((p) => ({brokerId: b.broker, size: p.size}))))
    expect(sizes.map((s) => ({brokerId: s.brokerId, size: s.sizeBytes})).sort((a, b) => a.brokerId - b.brokerId))
      .toEqual(toolSizes.sort((a, b) => a.brokerId - b.brokerId))
  })
})
