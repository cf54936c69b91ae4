import {afterAll, describe, expect, it} from 'vitest'
import {KafkaApiError} from '../../../src/cluster/errors.js'
import {singleCluster, uniquePrefix} from '../harness.js'
import {eventually, gatewayFor, parseTopicDescribe, tool} from './tool-output.js'

const cluster = singleCluster()
const gw = gatewayFor(cluster)
afterAll(() => gw.close())

describe('gateway topics vs TopicCommand (single node)', () => {
  it('creates a topic with configs that TopicCommand reads back; describeTopics agrees', async () => {
    const t = `${uniquePrefix('gw create')}orders`
    await gw.createTopics([{name: t, partitions: 3, replicationFactor: 1, config: {'cleanup.policy': 'compact', 'retention.ms': '3600000'}}])
    const seen = parseTopicDescribe(await tool(cluster, 'topics', ['--describe', '--topic', t]), t)
    expect(seen.partitions.map((p) => p.partition)).toEqual([0, 1, 2])
    expect(seen.configs).toMatchObject({'cleanup.policy': 'compact', 'retention.ms': '3600000'})
    const [ours] = await gw.describeTopics([t])
    expect(ours?.partitions.map(({partition, leader, replicas}) => ({partition, leader, replicas})))
      .toEqual(seen.partitions.map(({partition, leader, replicas}) => ({partition, leader, replicas})))
    expect(await gw.listTopics()).toContain(t)
  })

  it('reads a topic TopicCommand created, and grows partitions that TopicCommand then sees', async () => {
    const t = `${uniquePrefix('gw tool created')}t`
    await tool(cluster, 'topics', ['--create', '--topic', t, '--partitions', '2', '--replication-factor', '1', '--config', 'max.message.bytes=2000000'])
    const [ours] = await gw.describeTopics([t])
    expect(ours?.partitions).toHaveLength(2)
    expect((await gw.describeTopicConfigs([t])).get(t)?.['max.message.bytes']).toMatchObject({value: '2000000', source: 'TOPIC'})
    await gw.createPartitions([{topic: t, totalCount: 5}])
    const seen = await eventually(async () => parseTopicDescribe(await tool(cluster, 'topics', ['--describe', '--topic', t]), t), (s) => s.partitions.length === 5)
    expect(seen.partitions).toHaveLength(5)
  })

  it('describeTopics with maxAgeMs answers from a recent describeAllTopics without a request, and asks again for an unknown name or an old answer', async () => {
    const t = `${uniquePrefix('gw recent')}t`
    await gw.createTopics([{name: t, partitions: 2, replicationFactor: 1, config: {}}])
    const fresh = gatewayFor(cluster)
    try {
      await eventually(async () => (await fresh.describeAllTopics()).find((d) => d.name === t), (d) => d?.partitions.length === 2)
      const metadata = () => fresh.stats().requestsPerApi['Metadata'] ?? 0
      const before = metadata()
      const [recent] = await fresh.describeTopics([t], {maxAgeMs: 60_000})
      expect(recent?.partitions.map((p) => p.leader)).toEqual((await gw.describeTopics([t]))[0]!.partitions.map((p) => p.leader))
      expect(metadata()).toBe(before)
      // A name the last answer lacks, or no maxAgeMs, or an answer older than maxAgeMs: a Metadata request.
      await fresh.describeTopics([t, `${t}.missing`], {maxAgeMs: 60_000}).catch(() => undefined)
      expect(metadata()).toBe(before + 1)
      await fresh.describeTopics([t])
      expect(metadata()).toBe(before + 2)
      await new Promise((r) => setTimeout(r, 20))
      await fresh.describeTopics([t], {maxAgeMs: 10})
      expect(metadata()).toBe(before + 3)
    } finally {
      await fresh.close()
    }
  })

  it('validateOnly creates nothing; creating an existing topic is a named error', async () => {
    const t = `${uniquePrefix('gw validate')}t`
    await gw.createTopics([{name: t, partitions: 1, replicationFactor: 1, config: {}}], {validateOnly: true})
    expect(await tool(cluster, 'topics', ['--list'])).not.toContain(t)
    await gw.createPartitions([{topic: t, totalCount: 2}], {validateOnly: true}).catch(() => undefined)
    await gw.createTopics([{name: t, partitions: 1, replicationFactor: 1, config: {}}])
    const err = await gw.createTopics([{name: t, partitions: 1, replicationFactor: 1, config: {}}]).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(KafkaApiError)
    expect(err).toMatchObject({kafkaName: 'TOPIC_ALREADY_EXISTS', resource: `topic ${t}`, exitCode: 1})
  })

  it('refuses an impossible replication factor with the reason, creating nothing', async () => {
    const t = `${uniquePrefix('gw bad rf')}t`
    const err = await gw.createTopics([{name: t, partitions: 1, replicationFactor: 3, config: {}}]).catch((e: unknown) => e)
    expect(err).toMatchObject({kafkaName: 'INVALID_REPLICATION_FACTOR'})
    expect((err as KafkaApiError).hint).toMatch(/live brokers/)
    expect(await tool(cluster, 'topics', ['--list'])).not.toContain(t)
  })

  it('deletes topics that TopicCommand then no longer lists; describing a missing topic is UNKNOWN_TOPIC_OR_PARTITION', async () => {
    const p = uniquePrefix('gw delete')
    await gw.createTopics([1, 2].map((i) => ({name: `${p}t${i}`, partitions: 1, replicationFactor: 1, config: {}})))
    await gw.deleteTopics([`${p}t1`, `${p}t2`])
    const list = await eventually(() => tool(cluster, 'topics', ['--list']), (out) => !out.includes(p))
    expect(list).not.toContain(p)
    await expect(gw.describeTopics([`${p}t1`])).rejects.toMatchObject({kafkaName: 'UNKNOWN_TOPIC_OR_PARTITION'})
  })

  it('names the topic in errors kafkajs reports without one: shrinking partitions, deleting a missing topic', async () => {
    const t = `${uniquePrefix('gw named errors')}t`
    await gw.createTopics([{name: t, partitions: 3, replicationFactor: 1, config: {}}])
    await expect(gw.createPartitions([{topic: t, totalCount: 2}])).rejects.toMatchObject({kafkaName: 'INVALID_PARTITIONS', resource: `topic ${t}`})
    expect((await gw.describeTopics([t]))[0]?.partitions).toHaveLength(3)
    await expect(gw.deleteTopics([`${t}.missing`])).rejects.toMatchObject({kafkaName: 'UNKNOWN_TOPIC_OR_PARTITION', resource: `topic ${t}.missing`})
  })
})
