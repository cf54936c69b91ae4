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

  it('exports the registry connection with secret references, never the values', () => {
    const out = exportState(observed, env, {})
    expect(out.environment.spec.registry).toEqual({url: 'https://registry', username: 'svc', password: '${env:REG_PW}', token: '${env:REGISTRY_TOKEN}'})
    const text = exportFiles(out, 'test').map((f) => f.content).join('\n')
    expect(text).not.toContain('pw-value')
    expect(text).not.toMatch(/: tok\b/)
  })
})
