import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import type {RunningRegistry} from '../../../src/registry/server.js'
import {newKafkaJs} from '../harness.js'
import {avroRecord, call, testRegistry} from './helpers.js'

const V1 = avroRecord('User', [{name: 'id', type: 'long'}])
const V2 = avroRecord('User', [{name: 'id', type: 'long'}, {name: 'email', type: ['null', 'string'], default: null}])
const V2_BAD = avroRecord('User', [{name: 'id', type: 'long'}, {name: 'email', type: 'string'}])

describe('dev schema registry REST API (Confluent surface, real Kafka)', () => {
  let reg: RunningRegistry & {topic: string}
  let url: string
  beforeAll(async () => {
    reg = await testRegistry()
    url = reg.url
  })
  afterAll(async () => reg?.close())

  it('registers, dedupes, versions and looks up schemas', async () => {
    const cfg = await call(url, 'GET', '/config/users-value')
    expect([cfg.status, cfg.body.error_code]).toEqual([404, 40408])
    expect(cfg.type).toBe('application/vnd.schemaregistry.v1+json')

    const first = await call(url, 'POST', '/subjects/users-value/versions', {schema: V1})
    expect(first.status).toBe(200)
    const id1 = first.body.id as number
    // same schema again (whitespace differs): same id, no new version
    const again = await call(url, 'POST', '/subjects/users-value/versions', {schema: JSON.stringify(JSON.parse(V1), null, 2)})
    expect(again.body).toEqual({id: id1})
    // same schema under another subject reuses the id
    expect((await call(url, 'POST', '/subjects/users-copy/versions', {schema: V1})).body).toEqual({id: id1})

    const incompatible = await call(url, 'POST', '/subjects/users-value/versions', {schema: V2_BAD})
    expect([incompatible.status, incompatible.body.error_code]).toEqual([409, 409])
    expect(incompatible.body.message).toContain("field 'email' was added without a default")

    const second = await call(url, 'POST', '/subjects/users-value/versions', {schema: V2})
    expect(second.body.id).toBeGreaterThan(id1)
    expect((await call(url, 'GET', '/subjects/users-value/versions')).body).toEqual([1, 2])
    const latest = await call(url, 'GET', '/subjects/users-value/versions/latest')
    expect(latest.body).toEqual({subject: 'users-value', version: 2, id: second.body.id, schema: JSON.stringify(JSON.parse(V2))})
    expect(latest.body).not.toHaveProperty('schemaType')
    expect((await call(url, 'GET', '/subjects/users-value/versions/1/schema')).body).toEqual(JSON.parse(V1))

    const lookup = await call(url, 'POST', '/subjects/users-value', {schema: V1})
    expect(lookup.body).toMatchObject({subject: 'users-value', version: 1, id: id1})
    expect((await call(url, 'POST', '/subjects/users-value', {schema: V2_BAD})).body.error_code).toBe(40403)
    expect((await call(url, 'POST', '/subjects/nobody', {schema: V1})).body.error_code).toBe(40401)

    expect((await call(url, 'GET', `/schemas/ids/${id1}`)).body).toEqual({schema: JSON.stringify(JSON.parse(V1))})
    expect((await call(url, 'GET', `/schemas/ids/${id1}/subjects`)).body).toEqual(['users-copy', 'users-value'])
    expect((await call(url, 'GET', `/schemas/ids/${id1}/versions`)).body).toEqual([{subject: 'users-copy', version: 1}, {subject: 'users-value', version: 1}])
    expect((await call(url, 'GET', '/schemas/ids/9999')).body.error_code).toBe(40403)
    expect((await call(url, 'GET', '/schemas/types')).body.sort()).toEqual(['AVRO', 'JSON', 'PROTOBUF'])
    expect((await call(url, 'GET', '/subjects/users-value/versions/7')).body.error_code).toBe(40402)
    expect((await call(url, 'GET', '/subjects/users-value/versions/abc')).body.error_code).toBe(42202)
    expect((await call(url, 'GET', '/subjects/nobody/versions')).body.error_code).toBe(40401)
  })

  it('rejects invalid schemas of each type with 42201 and the parser message', async () => {
    const cases = [
      {schema: '{"type":"record","name":"R","fields":[{"name":"a","type":"nope"}]}', expected: 'nope'},
      {schemaType: 'JSON', schema: '{"type": 12}', expected: 'schema is invalid'},
      {schemaType: 'PROTOBUF', schema: 'syntax = "proto3"; message M { strin a = 1; }', expected: 'strin'},
    ]
    for (const c of cases) {
      const r = await call(url, 'POST', '/subjects/invalid-value/versions', {schema: c.schema, schemaType: c.schemaType})
      expect([r.status, r.body.error_code]).toEqual([422, 42201])
      expect(r.body.message).toContain(c.expected)
    }
  })

  it('checks compatibility with verbose reasons, per subject config and defaultToGlobal', async () => {
    await call(url, 'POST', '/subjects/compat-value/versions', {schema: V1})
    const ok = await call(url, 'POST', '/compatibility/subjects/compat-value/versions/latest', {schema: V2})
    expect(ok.body).toEqual({is_compatible: true})
    const bad = await call(url, 'POST', '/compatibility/subjects/compat-value/versions/latest?verbose=true', {schema: V2_BAD})
    expect(bad.body.is_compatible).toBe(false)
    expect(bad.body.messages).toEqual(["BACKWARD incompatible with version 1: field 'email' was added without a default"])

    expect((await call(url, 'PUT', '/config/compat-value', {compatibility: 'FORWARD'})).body).toEqual({compatibility: 'FORWARD'})
    expect((await call(url, 'GET', '/config/compat-value')).body).toEqual({compatibilityLevel: 'FORWARD'})
    expect((await call(url, 'POST', '/compatibility/subjects/compat-value/versions/latest', {schema: V2_BAD})).body).toEqual({is_compatible: true})
    expect((await call(url, 'PUT', '/config/compat-value', {compatibility: 'SIDEWAYS'})).body.error_code).toBe(42203)
    expect((await call(url, 'DELETE', '/config/compat-value')).body).toEqual({compatibilityLevel: 'FORWARD'})
    expect((await call(url, 'GET', '/config/compat-value')).body.error_code).toBe(40408)
    expect((await call(url, 'GET', '/config/compat-value?defaultToGlobal=true')).body).toEqual({compatibilityLevel: 'BACKWARD'})
    expect((await call(url, 'GET', '/config')).body).toEqual({compatibilityLevel: 'BACKWARD'})
  })

  it('judges BACKWARD_TRANSITIVE against every live version: all-versions check and register; one named version alone', async () => {
    const U1 = avroRecord('U', [{name: 'id', type: 'long'}, {name: 'email', type: 'string'}])
    const U2 = avroRecord('U', [{name: 'id', type: 'long'}])
    const U3 = avroRecord('U', [{name: 'id', type: 'long'}, {name: 'email', type: 'long', default: 0}])
    await call(url, 'PUT', '/config/trans-value', {compatibility: 'BACKWARD_TRANSITIVE'})
    await call(url, 'POST', '/subjects/trans-value/versions', {schema: U1})
    await call(url, 'POST', '/subjects/trans-value/versions', {schema: U2})
    // Confluent: a numbered (or latest) version is the only previous schema of that check.
    expect((await call(url, 'POST', '/compatibility/subjects/trans-value/versions/latest', {schema: U3})).body).toEqual({is_compatible: true})
    expect((await call(url, 'POST', '/compatibility/subjects/trans-value/versions/1?verbose=true', {schema: U3})).body)
      .toEqual({is_compatible: false, messages: ["BACKWARD_TRANSITIVE incompatible with version 1: field 'email': type changed from string to long"]})
    expect((await call(url, 'POST', '/compatibility/subjects/trans-value/versions?verbose=true', {schema: U3})).body)
      .toEqual({is_compatible: false, messages: ["BACKWARD_TRANSITIVE incompatible with version 1: field 'email': type changed from string to long"]})
    const refused = await call(url, 'POST', '/subjects/trans-value/versions', {schema: U3})
    expect([refused.status, refused.body.error_code]).toEqual([409, 409])
    expect(refused.body.message).toContain('BACKWARD_TRANSITIVE incompatible with version 1')
    // Under BACKWARD the all-versions check looks at the latest only, as registration does.
    await call(url, 'PUT', '/config/trans-value', {compatibility: 'BACKWARD'})
    expect((await call(url, 'POST', '/compatibility/subjects/trans-value/versions', {schema: U3})).body).toEqual({is_compatible: true})
    expect((await call(url, 'POST', '/subjects/trans-value/versions', {schema: U3})).status).toBe(200)
  })

  it('soft and hard deletes follow Confluent\'s rules', async () => {
    await call(url, 'POST', '/subjects/del-value/versions', {schema: V1})
    await call(url, 'POST', '/subjects/del-value/versions', {schema: V2})
    expect((await call(url, 'DELETE', '/subjects/del-value/versions/1?permanent=true')).body.error_code).toBe(40407)
    expect((await call(url, 'DELETE', '/subjects/del-value/versions/1')).body).toBe(1)
    expect((await call(url, 'DELETE', '/subjects/del-value/versions/1')).body.error_code).toBe(40402)
    expect((await call(url, 'GET', '/subjects/del-value/versions')).body).toEqual([2])
    expect((await call(url, 'GET', '/subjects/del-value/versions?deleted=true')).body).toEqual([1, 2])
    expect((await call(url, 'GET', '/subjects/del-value/versions/1?deleted=true')).body.version).toBe(1)
    expect((await call(url, 'DELETE', '/subjects/del-value?permanent=true')).body.error_code).toBe(40405)
    expect((await call(url, 'DELETE', '/subjects/del-value')).body).toEqual([2])
    expect((await call(url, 'DELETE', '/subjects/del-value')).body.error_code).toBe(40404)
    expect((await call(url, 'GET', '/subjects')).body).not.toContain('del-value')
    expect((await call(url, 'GET', '/subjects?deleted=true')).body).toContain('del-value')
    expect((await call(url, 'DELETE', '/subjects/del-value?permanent=true')).body).toEqual([1, 2])
    expect((await call(url, 'GET', '/subjects?deleted=true')).body).not.toContain('del-value')
    // a new registration after a hard delete starts at version 1 again
    expect((await call(url, 'POST', '/subjects/del-value/versions', {schema: V1})).status).toBe(200)
    expect((await call(url, 'GET', '/subjects/del-value/versions')).body).toEqual([1])
  })

  it('modes: READONLY refuses writes with 42205, IMPORT keeps given ids', async () => {
    await call(url, 'POST', '/subjects/ro-value/versions', {schema: V1})
    expect((await call(url, 'GET', '/mode')).body).toEqual({mode: 'READWRITE'})
    expect((await call(url, 'GET', '/mode/ro-value')).body.error_code).toBe(40409)
    expect((await call(url, 'PUT', '/mode/ro-value', {mode: 'READONLY'})).body).toEqual({mode: 'READONLY'})
    const refused = await call(url, 'POST', '/subjects/ro-value/versions', {schema: V2})
    expect([refused.status, refused.body.error_code]).toEqual([422, 42205])
    expect((await call(url, 'DELETE', '/subjects/ro-value')).body.error_code).toBe(42205)
    expect((await call(url, 'PUT', '/mode/ro-value', {mode: 'SIDEWAYS'})).body.error_code).toBe(42204)
    expect((await call(url, 'DELETE', '/mode/ro-value')).body).toEqual({mode: 'READONLY'})
    expect((await call(url, 'POST', '/subjects/ro-value/versions', {schema: V2})).status).toBe(200)

    expect((await call(url, 'POST', '/subjects/imp-value/versions', {schema: V1, id: 5000})).body.error_code).toBe(42205)
    expect((await call(url, 'PUT', '/mode/imp-value', {mode: 'IMPORT'})).body).toEqual({mode: 'IMPORT'})
    const imported = await call(url, 'POST', '/subjects/imp-value/versions', {schema: V2_BAD, id: 5000, version: 3})
    expect(imported.body).toEqual({id: 5000})
    expect((await call(url, 'GET', '/subjects/imp-value/versions/3')).body).toMatchObject({id: 5000, version: 3})
    await call(url, 'PUT', '/mode/imp-value', {mode: 'READWRITE'})
    // ids keep counting after the imported one
    expect((await call(url, 'POST', '/subjects/after-import/versions', {schema: avroRecord('Fresh', [{name: 'x', type: 'int'}])})).body.id).toBeGreaterThan(5000)
  })

  it('schema references: a schema that uses another subject\'s type; referenced versions cannot be deleted', async () => {
    const addr = avroRecord('Address', [{name: 'city', type: 'string'}])
    await call(url, 'POST', '/subjects/address/versions', {schema: addr})
    const refs = [{name: 'it.registry.Address', subject: 'address', version: 1}]
    const customer = avroRecord('Customer', [{name: 'addr', type: 'it.registry.Address'}])
    const r = await call(url, 'POST', '/subjects/customer-value/versions', {schema: customer, references: refs})
    expect(r.status).toBe(200)
    expect((await call(url, 'GET', '/subjects/customer-value/versions/1')).body.references).toEqual(refs)
    expect((await call(url, 'GET', '/subjects/address/versions/1/referencedby')).body).toEqual([r.body.id])
    expect((await call(url, 'DELETE', '/subjects/address/versions/1')).body.error_code).toBe(42206)
    const missing = await call(url, 'POST', '/subjects/customer2-value/versions', {schema: customer, references: [{name: 'x', subject: 'nope', version: 1}]})
    expect(missing.body.error_code).toBe(42201)
  })

  it('accepts plain application/json and answers unknown paths with 404', async () => {
    const res = await fetch(`${url}/subjects`, {headers: {accept: 'application/json'}})
    expect(res.headers.get('content-type')).toBe('application/json')
    expect((await call(url, 'GET', '/nothing/here')).status).toBe(404)
  })

  it('keeps its state in a compacted single-partition topic with Confluent-style keys', async () => {
    const admin = newKafkaJs().admin()
    await admin.connect()
    try {
      const meta = await admin.fetchTopicMetadata({topics: [reg.topic]})
      expect(meta.topics[0]!.partitions).toHaveLength(1)
      const cfg = await admin.describeConfigs({includeSynonyms: false, resources: [{type: 2, name: reg.topic, configNames: ['cleanup.policy']}]})
      expect(cfg.resources[0]!.configEntries[0]!.configValue).toBe('compact')
    } finally {
      await admin.disconnect()
    }
    const consumer = newKafkaJs().consumer({groupId: `${reg.topic}-check`})
    const keys: string[] = []
    await consumer.connect()
    await consumer.subscribe({topic: reg.topic, fromBeginning: true})
    await new Promise<void>((resolve) => {
      void consumer.run({eachMessage: async ({message}) => {
        keys.push(message.key!.toString())
        if (keys.length >= 3) resolve()
      }})
    })
    await consumer.disconnect()
    expect(keys).toContain('{"keytype":"SCHEMA","subject":"users-value","version":1,"magic":1}')
  })
})
