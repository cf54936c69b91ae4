import {afterAll, describe, expect, it} from 'vitest'
import {singleCluster, uniquePrefix} from '../harness.js'
import {eventually, gatewayFor, parseConfigDescribe, tool} from './tool-output.js'

const cluster = singleCluster()
const gw = gatewayFor(cluster)
afterAll(() => gw.close())

async function toolConfigs(topic: string): Promise<Record<string, string>> {
  return parseConfigDescribe(await tool(cluster, 'configs', ['--describe', '--entity-type', 'topics', '--entity-name', topic]))
}

describe('gateway configs vs ConfigCommand (single node)', () => {
  it('IncrementalAlterConfigs changes only the named keys: keys set by ConfigCommand stay', async () => {
    const t = `${uniquePrefix('gw iac')}t`
    await gw.createTopics([{name: t, partitions: 1, replicationFactor: 1, config: {}}])
    await tool(cluster, 'configs', ['--alter', '--entity-type', 'topics', '--entity-name', t, '--add-config', 'retention.ms=7200000,max.message.bytes=3000000,segment.bytes=10485760'])
    await gw.incrementalAlterConfigs([{resourceType: 'TOPIC', resourceName: t, ops: [
      {key: 'retention.ms', op: 'SET', value: '3600000'},
      {key: 'segment.bytes', op: 'DELETE'},
      {key: 'cleanup.policy', op: 'SET', value: 'compact'},
    ]}])
    expect(await toolConfigs(t)).toEqual({'retention.ms': '3600000', 'max.message.bytes': '3000000', 'cleanup.policy': 'compact'})
  })

  it('APPEND/SUBTRACT edit list values in place', async () => {
    const t = `${uniquePrefix('gw append')}t`
    await gw.createTopics([{name: t, partitions: 1, replicationFactor: 1, config: {'cleanup.policy': 'delete'}}])
    await gw.incrementalAlterConfigs([{resourceType: 'TOPIC', resourceName: t, ops: [{key: 'cleanup.policy', op: 'APPEND', value: 'compact'}]}])
    expect((await toolConfigs(t))['cleanup.policy']).toBe('delete,compact')
    await gw.incrementalAlterConfigs([{resourceType: 'TOPIC', resourceName: t, ops: [{key: 'cleanup.policy', op: 'SUBTRACT', value: 'delete'}]}])
    expect((await toolConfigs(t))['cleanup.policy']).toBe('compact')
  })

  it('validateOnly checks without changing; a bad key is INVALID_CONFIG naming the topic', async () => {
    const t = `${uniquePrefix('gw iac validate')}t`
    await gw.createTopics([{name: t, partitions: 1, replicationFactor: 1, config: {}}])
    await gw.incrementalAlterConfigs([{resourceType: 'TOPIC', resourceName: t, ops: [{key: 'retention.ms', op: 'SET', value: '1000'}]}], {validateOnly: true})
    expect(await toolConfigs(t)).toEqual({})
    await expect(gw.incrementalAlterConfigs([{resourceType: 'TOPIC', resourceName: t, ops: [{key: 'no.such.key', op: 'SET', value: '1'}]}]))
      .rejects.toMatchObject({code: 'KAFKA_ERROR', kafkaName: 'INVALID_CONFIG', resource: `topic ${t}`})
  })

  it('describes all configs with sources: topic-set, broker default, built-in default, inherited value', async () => {
    const t = `${uniquePrefix('gw describe')}t`
    await gw.createTopics([{name: t, partitions: 1, replicationFactor: 1, config: {}}])
    await tool(cluster, 'configs', ['--alter', '--entity-type', 'topics', '--entity-name', t, '--add-config', 'delete.retention.ms=1000'])
    const all = (await gw.describeTopicConfigs([t])).get(t)!
    expect(all['delete.retention.ms']).toMatchObject({value: '1000', source: 'TOPIC', inheritedValue: '86400000', inheritedSource: 'DEFAULT'})
    expect(all['cleanup.policy']).toMatchObject({value: 'delete', source: 'DEFAULT'})
    // The dev cluster sets min.insync.replicas=1 as a cluster-wide dynamic default (or statically).
    expect(['DYNAMIC_DEFAULT_BROKER', 'STATIC_BROKER', 'DEFAULT']).toContain(all['min.insync.replicas']?.source)
    // Same keys and values as ConfigCommand --all.
    const toolAll = parseConfigDescribe(await tool(cluster, 'configs', ['--describe', '--all', '--entity-type', 'topics', '--entity-name', t]))
    expect(Object.fromEntries(Object.entries(all).map(([k, v]) => [k, v.value ?? 'null']))).toEqual(toolAll)
  })

  it('a cluster-wide broker default set through the gateway is what ConfigCommand shows and topics inherit', async () => {
    const t = `${uniquePrefix('gw broker default')}t`
    await gw.createTopics([{name: t, partitions: 1, replicationFactor: 1, config: {}}])
    const key = 'log.cleaner.delete.retention.ms'
    try {
      await gw.incrementalAlterConfigs([{resourceType: 'BROKER', resourceName: '', ops: [{key, op: 'SET', value: '4242'}]}])
      const toolDefault = parseConfigDescribe(await tool(cluster, 'configs', ['--describe', '--entity-type', 'brokers', '--entity-default']))
      expect(toolDefault[key]).toBe('4242')
      const entry = await eventually(async () => (await gw.describeTopicConfigs([t])).get(t)!['delete.retention.ms'], (e) => e?.value === '4242')
      expect(entry).toMatchObject({value: '4242', source: 'DYNAMIC_DEFAULT_BROKER'})
    } finally {
      await gw.incrementalAlterConfigs([{resourceType: 'BROKER', resourceName: '', ops: [{key, op: 'DELETE'}]}])
    }
  })

  it('describes a broker\'s own configs, static ones included', async () => {
    const {brokers} = await gw.describeCluster()
    const id = brokers[0]!.nodeId
    const configs = (await gw.describeBrokerConfigs([id])).get(id)!
    expect(configs['log.dirs']).toMatchObject({source: 'STATIC_BROKER', readOnly: true})
    const toolBroker = parseConfigDescribe(await tool(cluster, 'configs', ['--describe', '--all', '--entity-type', 'brokers', '--entity-name', String(id)]))
    expect(configs['log.dirs']?.value).toBe(toolBroker['log.dirs'])
  })

  it('batches: describing 300 topics\' configs costs one DescribeConfigs request', async () => {
    const p = uniquePrefix('gw batch')
    const names = Array.from({length: 300}, (_, i) => `${p}t${i}`)
    await gw.createTopics(names.map((name) => ({name, partitions: 1, replicationFactor: 1, config: {}})))
    const fresh = gatewayFor(cluster)
    try {
      const before = fresh.stats().requests
      const configs = await fresh.describeTopicConfigs(names)
      expect(configs.size).toBe(300)
      // ApiVersions on connect plus one DescribeConfigs (SASL handshakes are not counted on PLAINTEXT).
      expect(fresh.stats().requests - before).toBeLessThanOrEqual(2)
    } finally {
      await fresh.close()
      await gw.deleteTopics(names)
    }
  })
})
