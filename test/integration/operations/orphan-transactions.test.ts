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
import {endOrphanTransactions, findOrphanTransactions} from '../../../src/operations/orphan-transactions.js'
import {kafkaTool, newKafkaJs, uniquePrefix} from '../harness.js'
import {connectionOf, createTopic, readAll} from './helpers.js'

const TRANSACTIONS_TOOL = 'org.apache.kafka.tools.TransactionsCommand'

async function toolOpenTxnStart(topic: string): Promise<{producerId: string; epoch: string; start: string}[]> {
  const r = await kafkaTool(TRANSACTIONS_TOOL, ['describe-producers', '--topic', topic, '--partition', '0'])
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
      expect(await findOrphanTransactions(cluster, [topic], new Map([[pid, {epoch}]]))).toEqual([])
      expect(await findOrphanTransactions(cluster, [topic], new Map([[pid + 1000n, {epoch: epoch + 1}]]))).toEqual([])
      // Our producer ended it (no markers came): the marker follows what we asked for.
      expect(await findOrphanTransactions(cluster, [topic], new Map([[pid, {epoch, lastEnd: 'abort' as const}]]))).toMatchObject([{commit: false}])
      // A fenced holder's: commit.
      const orphans = await findOrphanTransactions(cluster, [topic], new Map([[pid, {epoch: epoch + 1}]]))
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
})
