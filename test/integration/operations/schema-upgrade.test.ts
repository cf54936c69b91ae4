import {SchemaRegistry, SchemaType} from '@kafkajs/confluent-schema-registry'
import {describe, expect, it} from 'vitest'
import {migrate} from '../../../src/operations/migrate.js'
import {newKafkaJs, singleCluster, uniquePrefix} from '../harness.js'
import {connectionOf, createTopic, produce, readAll} from './helpers.js'

const registryUrl = (): string | undefined => singleCluster().registryUrl

describe.skipIf(!registryUrl())('migrate with a schema upgrade (dev registry)', () => {
  it('decodes with the writer schema, resolves into the new Avro version, re-encodes with its id; bad values are dead-lettered', async () => {
    const p = uniquePrefix('schema upgrade')
    const url = registryUrl()!
    const registry = new SchemaRegistry({host: url})
    const subject = `${p}orders-value`
    const v1 = {type: 'record', name: 'Order', namespace: 'shop', fields: [{name: 'id', type: 'int'}, {name: 'amount', type: 'double'}, {name: 'note', type: 'string'}]}
    const v2 = {type: 'record', name: 'Order', namespace: 'shop', fields: [{name: 'id', type: 'int'}, {name: 'amount', type: 'double'}, {name: 'currency', type: 'string', default: 'EUR'}]}
    const {id: id1} = await registry.register({type: SchemaType.AVRO, schema: JSON.stringify(v1)}, {subject})
    const {id: id2} = await registry.register({type: SchemaType.AVRO, schema: JSON.stringify(v2)}, {subject})
    expect(id2).not.toBe(id1)

    const kafka = newKafkaJs()
    await createTopic(kafka, `${p}orders`, 2)
    const records = []
    for (let i = 0; i < 200; i++) records.push({key: `o${i}`, value: (await registry.encode(id1, {id: i, amount: i / 4, note: `n${i}`})) as unknown as string})
    records.push({key: 'bad', value: 'plain text, not wire format'})
    await produce(kafka, `${p}orders`, records)

    const report = await migrate({
      from: `${p}orders`, to: `${p}orders.v2`, source: connectionOf(), target: connectionOf(), deadLetter: `${p}dlq`,
      schemaUpgrade: {registry: {environment: 'it', url}, toSubject: subject},
    })
    expect(report).toMatchObject({read: 201, written: 200, deadLettered: 1})
    const out = await readAll(kafka, `${p}orders.v2`)
    expect(out).toHaveLength(200)
    for (const r of out) {
      expect(r.value!.readInt32BE(1)).toBe(id2)
      const i = Number(r.key!.toString().slice(1))
      expect({...(await registry.decode(r.value!))}).toEqual({id: i, amount: i / 4, currency: 'EUR'})
    }
    const dlq = await readAll(kafka, `${p}dlq`)
    expect(dlq.map((r) => r.key!.toString())).toEqual(['bad'])
    expect(dlq[0]!.headers['streamctl.error']!.toString()).toMatch(/not in the schema registry wire format/)
  })
})
