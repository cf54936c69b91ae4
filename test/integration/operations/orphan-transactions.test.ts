/**
 * The orphaned-transaction sweep against a real broker: DescribeProducers sees an open transaction
 * exactly as Kafka's own `kafka-transactions.sh describe-producers` does, and a COMMIT marker written
 * with WriteTxnMarkers makes its record visible to read_committed readers, which nothing else would
 * (its producer never commits). The orphan is simulated by telling the sweep our producer holds a
 * newer epoch of the open transaction's producer id.
 */
import {describe, expect, it} from 'vitest'
import {createKjsCluster, type KjsClusterOptions} from '../../../src/cluster/kafkajs-internals.js'
import {jobClientConfig} from '../../../src/operations/connection.js'
import {CONSUMER_OFFSETS, consumerOffsetsPartition, endOrphanTransactions, findOrphanTransactions} from '../../../src/operations/orphan-transactions.js'
import {kafkaTool, newKafkaJs, uniquePrefix} from '../harness.js'
import {connectionOf, createTopic, readAll} from './helpers.js'

const TRANSACTIONS_TOOL = 'org.apache.kafka.tools.TransactionsCommand'

async function toolOpenTxnStart(topic: string, partition = 0): Promise<{producerId: string; epoch: string; start: string}[]> {
  const r = await kafkaTool(TRANSACTIONS_TOOL, ['describe-producers', '--topic', topic, '--partition', String(partition)])
  expect(r.code, r.stderr).toBe(0)
  const rows = r.stdout.trim().split('\n').slice(1).map((l) => l.trim().split(/\s+/))
  // Columns: ProducerId ProducerEpoch LatestCoordinatorEpoch LastSequence LastTimestamp CurrentTransactionStartOffset
  return rows.map((c) => ({producerId: c[0]!, epoch: c[1]!, start: c[5]!}))
}

describe('orphaned transaction sweep (DescribeProducers + WriteTxnMarkers)', () => {
  it('finds our fenced or ended producers\' open transactions only, and ends them with the right marker', async () => {
    const p = uniquePrefix('orphan txn')
    const topic = `${p}out`
    const kafka = newKafkaJs()
    await createTopic(kafka, topic, 1)
    const producer = kafka.producer({transactionalId: `${p}tx`, idempotent: true, maxInFlightRequests: 1})
    await producer.connect()
    const txn = await producer.transaction()
    await txn.send({topic, messages: [{key: 'k', value: 'left open'}]})

    const {cluster, sockets} = createKjsCluster(jobClientConfig(connectionOf(), 'it-orphans') as KjsClusterOptions, () => {})
    await cluster.connect()
    try {
      const tool = await toolOpenTxnStart(topic)
      expect(tool).toHaveLength(1)
      expect(tool[0]!.start).toBe('0')
      const pid = BigInt(tool[0]!.producerId)
      const epoch = Number(tool[0]!.epoch)

      // The live holder (same epoch, transaction not ended by us) or someone else's producer id: not an orphan.
      expect(await findOrphanTransactions(cluster, {topics: [topic]}, new Map([[pid, {epoch}]]))).toEqual([])
      expect(await findOrphanTransactions(cluster, {topics: [topic]}, new Map([[pid + 1000n, {epoch: epoch + 1}]]))).toEqual([])
      // Our producer ended it (no markers came): the marker follows what we asked for.
      expect(await findOrphanTransactions(cluster, {topics: [topic]}, new Map([[pid, {epoch, lastEnd: 'abort' as const}]]))).toMatchObject([{commit: false}])
      // A fenced holder's: commit.
      const orphans = await findOrphanTransactions(cluster, {topics: [topic]}, new Map([[pid, {epoch: epoch + 1}]]))
      expect(orphans).toMatchObject([{topic, partition: 0, producerId: pid, producerEpoch: epoch, startOffset: 0n, commit: true}])

      expect(await readAll(kafka, topic)).toHaveLength(0)
      await endOrphanTransactions(cluster, orphans)
      const visible = await readAll(kafka, topic)
      expect(visible.map((r) => r.value?.toString())).toEqual(['left open'])
      // Kafka's tool agrees the partition has no open transaction left.
      expect((await toolOpenTxnStart(topic))[0]!.start).toBe('None')
    } finally {
      await producer.disconnect().catch(() => {})
      await cluster.disconnect().catch(() => {})
      sockets.shutDown()
    }
  })

  it('also ends the orphan on the partition of __consumer_offsets that holds the job group\'s offsets, so the committed position moves with the output', async () => {
    const p = uniquePrefix('orphan offsets')
    const topic = `${p}out`
    const group = `${p}group`
    const kafka = newKafkaJs()
    await createTopic(kafka, topic, 1)
    // Kafka refuses offsets of a topic that does not exist (UNKNOWN_TOPIC_OR_PARTITION).
    await createTopic(kafka, `${p}in`, 1)
    const producer = kafka.producer({transactionalId: `${p}tx`, idempotent: true, maxInFlightRequests: 1})
    await producer.connect()
    const txn = await producer.transaction()
    await txn.send({topic, messages: [{key: 'k', value: 'output'}]})
    await txn.sendOffsets({consumerGroupId: group, topics: [{topic: `${p}in`, partitions: [{partition: 0, offset: '42'}]}]})

    const {cluster, sockets} = createKjsCluster(jobClientConfig(connectionOf(), 'it-orphans') as KjsClusterOptions, () => {})
    await cluster.connect()
    const admin = kafka.admin()
    await admin.connect()
    try {
      const pid = BigInt((await toolOpenTxnStart(topic))[0]!.producerId)
      const epoch = Number((await toolOpenTxnStart(topic))[0]!.epoch)
      await cluster.addTargetTopic(CONSUMER_OFFSETS)
      const offsetsPartition = consumerOffsetsPartition(group, cluster.findTopicPartitionMetadata(CONSUMER_OFFSETS).length)
      // Kafka's tool sees the pending offsets exactly where our formula puts the group.
      expect((await toolOpenTxnStart(CONSUMER_OFFSETS, offsetsPartition)).find((r) => r.producerId === String(pid))?.start).not.toBe('None')

      const orphans = await findOrphanTransactions(cluster, {topics: [topic], group}, new Map([[pid, {epoch: epoch + 1}]]))
      expect(orphans.map((o) => [o.topic, o.partition, o.commit]).sort()).toEqual([[CONSUMER_OFFSETS, offsetsPartition, true], [topic, 0, true]].sort())
      // Without the group only the output is seen, as before.
      expect(await findOrphanTransactions(cluster, {topics: [topic]}, new Map([[pid, {epoch: epoch + 1}]]))).toHaveLength(1)

      const before = await admin.fetchOffsets({groupId: group, topics: [`${p}in`]})
      expect(before[0]?.partitions[0]?.offset).toBe('-1')
      await endOrphanTransactions(cluster, orphans)
      expect((await readAll(kafka, topic)).map((r) => r.value?.toString())).toEqual(['output'])
      // The group coordinator took the marker: the offset committed in the orphan is the group's now.
      let committed: string | undefined
      for (const until = Date.now() + 10_000; Date.now() < until; await new Promise((r) => setTimeout(r, 200))) {
        committed = (await admin.fetchOffsets({groupId: group, topics: [`${p}in`]}))[0]?.partitions[0]?.offset
        if (committed === '42') break
      }
      expect(committed).toBe('42')
      expect((await toolOpenTxnStart(CONSUMER_OFFSETS, offsetsPartition)).find((r) => r.producerId === String(pid))?.start ?? 'None').toBe('None')
    } finally {
      await admin.disconnect().catch(() => {})
      await producer.disconnect().catch(() => {})
      await cluster.disconnect().catch(() => {})
      sockets.shutDown()
    }
  })
})
