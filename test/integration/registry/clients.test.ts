import {execFile} from 'node:child_process'
import {fileURLToPath} from 'node:url'
import {SchemaRegistry, SchemaType} from '@kafkajs/confluent-schema-registry'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import type {RunningRegistry} from '../../../src/registry/server.js'
import {newKafkaJs, pythonBin, singleCluster, uniquePrefix} from '../harness.js'
import {avroRecord, call, testRegistry} from './helpers.js'

const PY = fileURLToPath(new URL('../../python/registry_confluent.py', import.meta.url))
const PY_PROTOBUF = fileURLToPath(new URL('../../python/registry_protobuf.py', import.meta.url))

/** The Python checks run in a child process; async, since the registry answers from this process. */
function python(args: string[], script = PY): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(pythonBin(), [script, ...args], {timeout: 120_000}, (err, stdout, stderr) => (err ? reject(new Error(`${err.message}\n${stderr}`)) : resolve(stdout)))
  })
}

async function consumeValues(topic: string, count: number, decode: (b: Buffer) => Promise<unknown>): Promise<unknown[]> {
  const consumer = newKafkaJs().consumer({groupId: `${topic}-js`})
  const out: unknown[] = []
  await consumer.connect()
  try {
    await consumer.subscribe({topic, fromBeginning: true})
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`only ${out.length}/${count} records from ${topic}`)), 60_000)
      void consumer.run({eachMessage: async ({message}) => {
        out.push(await decode(message.value!))
        if (out.length >= count) {
          clearTimeout(timer)
          resolve()
        }
      }})
    })
  } finally {
    await consumer.disconnect()
  }
  return out
}

describe('clients against the dev registry', () => {
  let reg: RunningRegistry
  let sr: SchemaRegistry
  beforeAll(async () => {
    reg = await testRegistry()
    sr = new SchemaRegistry({host: reg.url})
  })
  afterAll(async () => reg?.close())

  it('@kafkajs/confluent-schema-registry: AVRO register/encode/decode, and its compatibility handshake', async () => {
    const schema = avroRecord('Order', [{name: 'id', type: 'string'}, {name: 'qty', type: 'int'}])
    const {id} = await sr.register({type: SchemaType.AVRO, schema}, {subject: 'orders-value'})
    const value = {id: 'o-1', qty: 3}
    const encoded = await sr.encode(id, value)
    expect(encoded.readInt32BE(1)).toBe(id)
    expect(await new SchemaRegistry({host: reg.url}).decode(encoded)).toEqual(value)
    // the client set the subject level to BACKWARD on first registration, then checks it matches
    expect((await call(reg.url, 'GET', '/config/orders-value')).body).toEqual({compatibilityLevel: 'BACKWARD'})
    expect((await sr.register({type: SchemaType.AVRO, schema}, {subject: 'orders-value'})).id).toBe(id)
    await expect(sr.register({type: SchemaType.AVRO, schema: avroRecord('Order', [{name: 'id', type: 'long'}])}, {subject: 'orders-value'}))
      .rejects.toThrow(/incompatible/)
    expect(await sr.getLatestSchemaId('orders-value')).toBe(id)
  })

  it('@kafkajs/confluent-schema-registry: JSON Schema round trip', async () => {
    const schema = JSON.stringify({type: 'object', properties: {name: {type: 'string'}, n: {type: 'integer'}}, required: ['name']})
    const {id} = await sr.register({type: SchemaType.JSON, schema}, {subject: 'people-value'})
    const encoded = await sr.encode(id, {name: 'ada', n: 1})
    expect(await new SchemaRegistry({host: reg.url}).decode(encoded)).toEqual({name: 'ada', n: 1})
    expect((await call(reg.url, 'GET', `/schemas/ids/${id}`)).body.schemaType).toBe('JSON')
  })

  it('@kafkajs/confluent-schema-registry: PROTOBUF round trip, with a reference', async () => {
    const money = 'syntax = "proto3";\npackage it.money;\nmessage Money { string currency = 1; int64 units = 2; }\n'
    const moneyId = (await sr.register({type: SchemaType.PROTOBUF, schema: money}, {subject: 'money.proto'})).id
    expect(moneyId).toBeGreaterThan(0)
    const payment = 'syntax = "proto3";\npackage it.pay;\nimport "money.proto";\nmessage Payment { string ref = 1; it.money.Money amount = 2; }\n'
    const {id} = await sr.register(
      {type: SchemaType.PROTOBUF, schema: payment, references: [{name: 'money.proto', subject: 'money.proto', version: 1}]},
      {subject: 'payments-value'},
    )
    const value = {ref: 'p-1', amount: {currency: 'EUR', units: 12}}
    const decoded = (await new SchemaRegistry({host: reg.url}).decode(await sr.encode(id, value))) as any
    expect({ref: decoded.ref, amount: {currency: decoded.amount.currency, units: Number(decoded.amount.units)}}).toEqual(value)
  })

  const protobufValues = [
    {id: 'p-0', cents: 7, currency: 'EUR', tags: ['t0', 'x'], note: null},
    {id: 'p-1', cents: 107, currency: 'EUR', tags: ['t1', 'x'], note: 'n1'},
    {id: 'p-2', cents: 207, currency: 'EUR', tags: ['t2', 'x'], note: null},
  ]

  it('confluent-kafka (Python) ProtobufSerializer with auto-registration: its descriptors are accepted, stored as .proto text, and read back', async () => {
    const topic = `${uniquePrefix('registry pb auto')}payments`
    const report = JSON.parse(await python([reg.url, singleCluster().bootstrap.join(','), topic, 'auto'], PY_PROTOBUF))
    expect(report.unflushed).toBe(0)
    expect(report.values).toEqual(protobufValues)
    // The import became its own subject, named by its file, and the reference points at it.
    expect(report.subjects).toEqual(expect.arrayContaining(['common.proto', `${topic}-value`]))
    const latest = (await call(reg.url, 'GET', `/subjects/${topic}-value/versions/latest`)).body
    expect(new Set(report.ids)).toEqual(new Set([latest.id]))
    expect(latest.references).toEqual([{name: 'common.proto', subject: 'common.proto', version: 1}])
    expect(latest.schema).toContain('import "common.proto";')
    expect(latest.schema).toContain('optional string note = 4;')
    // Served back in both forms: text, and (as Confluent's deserializers ask) the serialized descriptor.
    const serialized = (await call(reg.url, 'GET', `/schemas/ids/${latest.id}?format=serialized`)).body
    expect(serialized.schema).toMatch(/^[A-Za-z0-9+/]+=*$/)
  })

  it('confluent-kafka (Python) ProtobufSerializer without auto-registration finds schemas registered as hand-written .proto text', async () => {
    const topic = `${uniquePrefix('registry pb lookup')}payments`
    // Written by hand, with comments and another layout than the descriptor gives: found by the descriptor.
    const common = 'syntax = "proto3";\n// money\npackage it.pb.common;\nmessage Money { int64 cents = 1; string currency = 2; }\n'
    const payment = 'syntax = "proto3";\npackage it.pb;\nimport "common.proto";\n\n/* one payment */\nmessage Payment {\n  string id = 1;\n  it.pb.common.Money amount = 2;\n  repeated string tags = 3;\n  optional string note = 4;\n}\n'
    const c = await call(reg.url, 'POST', '/subjects/common.proto/versions', {schemaType: 'PROTOBUF', schema: common})
    expect(c.status, JSON.stringify(c.body)).toBe(200)
    const commonVersion = (await call(reg.url, 'GET', '/subjects/common.proto/versions/latest')).body.version
    const p = await call(reg.url, 'POST', `/subjects/${topic}-value/versions`, {schemaType: 'PROTOBUF', schema: payment, references: [{name: 'common.proto', subject: 'common.proto', version: commonVersion}]})
    expect(p.status, JSON.stringify(p.body)).toBe(200)
    const report = JSON.parse(await python([reg.url, singleCluster().bootstrap.join(','), topic, 'lookup'], PY_PROTOBUF))
    expect(report.values).toEqual(protobufValues)
    expect(new Set(report.ids)).toEqual(new Set([p.body.id]))
    // Nothing new was registered.
    expect((await call(reg.url, 'GET', `/subjects/${topic}-value/versions`)).body).toEqual([1])
  })

  it('confluent-kafka (Python): registers, fetches, tests compatibility, and its Avro records decode in kafkajs', async () => {
    const topic = `${uniquePrefix('registry py')}users`
    const report = JSON.parse(await python([reg.url, singleCluster().bootstrap.join(','), topic, 'produce']))
    expect(report).toMatchObject({
      id_v1_again: report.id_v1,
      fetched_type: 'AVRO',
      fetched_equal: true,
      compat_v2: true,
      compat_bad: false,
      register_bad: {http: 409, code: 409},
      register_invalid: {http: 422, code: 42201},
      latest_version: 2,
      versions: [1, 2],
      unflushed: 0,
    })
    const values = await consumeValues(topic, 3, (b) => new SchemaRegistry({host: reg.url}).decode(b))
    expect(values).toEqual([
      {id: 0, name: 'py-0', email: null},
      {id: 1, name: 'py-1', email: 'py1@example.com'},
      {id: 2, name: 'py-2', email: null},
    ])
  })

  it('records written by kafkajs with our registry are read by the Python AvroDeserializer', async () => {
    const topic = `${uniquePrefix('registry js')}events`
    const schema = avroRecord('Event', [{name: 'kind', type: {type: 'enum', name: 'Kind', symbols: ['A', 'B']}}, {name: 'at', type: 'long'}, {name: 'tags', type: {type: 'array', items: 'string'}}])
    const {id} = await sr.register({type: SchemaType.AVRO, schema}, {subject: `${topic}-value`})
    const values = [{kind: 'A', at: 1, tags: []}, {kind: 'B', at: 2, tags: ['x', 'y']}]
    const producer = newKafkaJs().producer()
    await producer.connect()
    await producer.send({topic, messages: await Promise.all(values.map(async (v) => ({value: await sr.encode(id, v)})))})
    await producer.disconnect()
    expect(JSON.parse(await python([reg.url, singleCluster().bootstrap.join(','), topic, 'consume', '2']))).toEqual(values)
  })
})
