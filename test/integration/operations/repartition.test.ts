import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import kafkajs from 'kafkajs'
import {partitionForKey} from '../../../src/operations/partition-map.js'
import {repartition} from '../../../src/operations/repartition.js'
import {newKafkaJs, uniquePrefix} from '../harness.js'
import {connectionOf, createTopic, produce, readAll} from './helpers.js'

describe('repartition on a real cluster', () => {
  const kafka = newKafkaJs()
  const admin = kafka.admin()
  beforeAll(() => admin.connect())
  afterAll(() => admin.disconnect())

  it('re-keys from the value into more partitions, keeping per-key order, exactly once', async () => {
    const p = uniquePrefix('repartition')
    const from = `${p}orders`
    const to = `${p}orders.by-customer`
    await createTopic(kafka, from, 3, {'retention.ms': '86400000', 'max.message.bytes': '200000'})
    // Source keyed by customer: each customer's records share a source partition and carry a seq.
    const seq = new Map<string, number>()
    const records = Array.from({length: 3000}, (_, i) => {
      const c = `c${(i * 7) % 41}`
      const n = (seq.get(c) ?? 0) + 1
      seq.set(c, n)
      return {key: c, value: JSON.stringify({order: i, customer: {id: c}, seq: n})}
    })
    await produce(kafka, from, records)

    const report = await repartition({from, to, partitions: 5, key: '$.customer.id', connection: connectionOf()})
    expect(report).toMatchObject({read: 3000, written: 3000, deadLettered: 0, skipped: 0, outcome: 'completed', targetCreated: true, targetPartitions: 5})

    const meta = await admin.fetchTopicMetadata({topics: [to]})
    expect(meta.topics[0]!.partitions).toHaveLength(5)
    const cfg = await admin.describeConfigs({includeSynonyms: false, resources: [{type: kafkajs.ConfigResourceTypes.TOPIC, name: to}]})
    const entries = Object.fromEntries(cfg.resources[0]!.configEntries.map((e) => [e.configName, e.configValue]))
    expect(entries['retention.ms']).toBe('86400000')
    expect(entries['max.message.bytes']).toBe('200000')

    const out = await readAll(kafka, to)
    expect(out).toHaveLength(3000)
    const seen = new Map<string, number>()
    for (const r of out) {
      const v = JSON.parse(r.value!.toString()) as {customer: {id: string}; seq: number}
      expect(r.key!.toString()).toBe(v.customer.id)
      expect(r.partition).toBe(partitionForKey(v.customer.id, 5))
      // Within the target partition, a customer's records come in their original order.
      expect(v.seq).toBe((seen.get(v.customer.id) ?? 0) + 1)
      seen.set(v.customer.id, v.seq)
    }
    expect(new Set(out.map((r) => (JSON.parse(r.value!.toString()) as {order: number}).order)).size).toBe(3000)

    // A rerun of the same job has nothing left to do: the offsets were committed with the output.
    const again = await repartition({from, to, key: '$.customer.id', connection: connectionOf()})
    expect(again).toMatchObject({read: 0, written: 0, targetCreated: false})
    expect(await readAll(kafka, to)).toHaveLength(3000)
  })

  it('refuses a missing source and an existing target of another size, naming them', async () => {
    const p = uniquePrefix('repartition bad')
    await expect(repartition({from: `${p}nope`, to: `${p}x`, connection: connectionOf()})).rejects.toThrow(`source topic '${p}nope' does not exist`)
    await createTopic(kafka, `${p}a`, 1)
    await createTopic(kafka, `${p}b`, 2)
    await expect(repartition({from: `${p}a`, to: `${p}b`, partitions: 4, connection: connectionOf()})).rejects.toThrow(`target topic '${p}b' exists with 2 partitions, not 4`)
    await expect(repartition({from: `${p}a`, to: `${p}b`, key: '$.a[*]', connection: connectionOf()})).rejects.toThrow(/--key: expected \[index\]/)
  })

  it('sends records without the key field to the dead-letter topic and carries on', async () => {
    const p = uniquePrefix('repartition dlq')
    const from = `${p}in`
    await createTopic(kafka, from, 2)
    await produce(kafka, from, Array.from({length: 200}, (_, i) => ({key: `k${i}`, value: i % 50 === 0 ? 'not json' : JSON.stringify({id: `x${i % 9}`})})))
    const report = await repartition({from, to: `${p}out`, key: 'id', deadLetter: `${p}dlq`, connection: connectionOf()})
    expect(report).toMatchObject({read: 200, written: 196, deadLettered: 4})
    const dlq = await readAll(kafka, `${p}dlq`)
    expect(dlq.map((r) => r.value!.toString())).toEqual(['not json', 'not json', 'not json', 'not json'])
    expect(dlq.every((r) => r.headers['streamctl.error']?.toString().startsWith('value is not valid JSON'))).toBe(true)
    expect(dlq.map((r) => r.key!.toString()).sort()).toEqual(['k0', 'k100', 'k150', 'k50'])
  })
})
