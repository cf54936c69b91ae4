import {describe, expect, it} from 'vitest'
import {hasSecureCluster, kafkaTool, newKafkaJs, secureCluster, singleCluster, uniquePrefix} from '../harness.js'

describe('integration harness', () => {
  it('gives a single-node cluster that kafkajs and Kafka\'s TopicCommand agree on', async () => {
    const c = singleCluster()
    const topic = `${uniquePrefix('harness smoke')}t`
    const admin = newKafkaJs(c).admin()
    await admin.connect()
    try {
      expect((await admin.describeCluster()).clusterId).toBe(c.clusterId)
      await admin.createTopics({topics: [{topic, numPartitions: 3}], waitForLeaders: true})
    } finally {
      await admin.disconnect()
    }
    const r = await kafkaTool('topics', ['--describe', '--topic', topic], {cluster: c})
    expect(r.code, r.stderr).toBe(0)
    expect(r.stdout).toContain('PartitionCount: 3')
  })

  it.skipIf(!hasSecureCluster())('gives a three-node secure cluster reachable as admin over SASL_SSL', async () => {
    const c = secureCluster()
    expect(c.brokers).toBe(3)
    const admin = newKafkaJs(c).admin()
    await admin.connect()
    try {
      expect((await admin.describeCluster()).brokers).toHaveLength(3)
    } finally {
      await admin.disconnect()
    }
    const r = await kafkaTool('topics', ['--list'], {cluster: c})
    expect(r.code, r.stderr).toBe(0)
    expect(r.stdout).toContain('__streamctl_ready')
  })
})
