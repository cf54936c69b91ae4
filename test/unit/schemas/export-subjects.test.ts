import {describe, expect, it} from 'vitest'
import {exportState} from '../../../src/export/export-state.js'
import {exportFiles} from '../../../src/export/write-yaml.js'
import {Secret} from '../../../src/model/secret.js'
import type {ClusterState} from '../../../src/model/state.js'

describe('export of registry subjects', () => {
  const observed: ClusterState = {
    topics: [], acls: [],
    subjects: [
      {subject: 'shop.orders.v1-value', schemaType: 'AVRO', schema: '{"type":"record","name":"O","fields":[]}', references: [], compatibility: 'BACKWARD', version: 3, id: 7},
      {subject: 'Shop Orders/Key', schemaType: 'PROTOBUF', schema: 'syntax = "proto3";\nmessage K {}', references: [{name: 'a.proto', subject: 'a', version: 1}], version: 1, id: 8},
    ],
  }
  const env = {
    name: 'prod', productionLike: true, defaults: {config: {}}, protect: [], variables: {},
    kafka: {bootstrap: ['k:9092']},
    registry: {url: 'https://registry', username: 'svc', password: new Secret('pw-value', 'env:REG_PW'), token: new Secret('tok', 'inline')},
  }

  it('writes one Schema per subject with the latest text inline, its own level and references', () => {
    const out = exportState(observed, env, {})
    expect(out.schemas.map((d) => [d.metadata.name, d.spec])).toEqual([
      ['shop-orders-key', {subject: 'Shop Orders/Key', type: 'PROTOBUF', schema: 'syntax = "proto3";\nmessage K {}', references: [{name: 'a.proto', subject: 'a', version: 1}]}],
      ['shop.orders.v1-value', {subject: 'shop.orders.v1-value', type: 'AVRO', schema: '{"type":"record","name":"O","fields":[]}', compatibility: 'BACKWARD'}],
    ])
    const files = exportFiles(out, 'test')
    expect(files.map((f) => f.name)).toContain('schemas.yaml')
  })

  it('with schema files: each Schema names a file under schemas/, Avro pretty-printed, Protobuf as stored, names safe and unique', () => {
    const long = `${'t'.repeat(249)}-value`
    const many: ClusterState = {...observed, subjects: [
      ...observed.subjects,
      {subject: 'shop orders/key', schemaType: 'PROTOBUF', schema: 'syntax = "proto3";\nmessage L {}', references: []},
      {subject: long, schemaType: 'AVRO', schema: '"string"', references: []},
      {subject: '..hidden', schemaType: 'AVRO', schema: '"long"', references: []},
    ]}
    const out = exportState(many, env, {}, {schemaFiles: true})
    const byName = new Map(out.schemas.map((d) => [d.spec.subject as string, d.spec]))
    expect(byName.get('shop.orders.v1-value')).toEqual({subject: 'shop.orders.v1-value', type: 'AVRO', file: 'schemas/shop.orders.v1-value.avsc', compatibility: 'BACKWARD'})
    expect(byName.get('Shop Orders/Key')!.file).toBe('schemas/Shop_Orders_Key.proto')
    // Differs from the one above only in case: its own file on a case-insensitive file system too.
    expect(byName.get('shop orders/key')!.file).toBe('schemas/shop_orders_key-2.proto')
    expect(byName.get('..hidden')!.file).toBe('schemas/_hidden.avsc')
    const longFile = byName.get(long)!.file as string
    expect(Buffer.byteLength(longFile.slice('schemas/'.length))).toBeLessThanOrEqual(255)
    for (const d of out.schemas) expect(d.spec).not.toHaveProperty('schema')
    const files = new Map(exportFiles(out, 'test').map((f) => [f.name, f.content]))
    expect(files.get('schemas/shop.orders.v1-value.avsc')).toBe('{\n  "type": "record",\n  "name": "O",\n  "fields": []\n}\n')
    expect(files.get('schemas/Shop_Orders_Key.proto')).toBe('syntax = "proto3";\nmessage K {}\n')
    expect(files.has(longFile)).toBe(true)
    expect(new Set(out.schemaFiles.map((f) => f.path)).size).toBe(out.schemaFiles.length)
  })

  it('exports the registry connection with secret references, never the values', () => {
    const out = exportState(observed, env, {})
    expect(out.environment.spec.registry).toEqual({url: 'https://registry', username: 'svc', password: '${env:REG_PW}', token: '${env:REGISTRY_TOKEN}'})
    const text = exportFiles(out, 'test').map((f) => f.content).join('\n')
    expect(text).not.toContain('pw-value')
    expect(text).not.toMatch(/: tok\b/)
  })
})
