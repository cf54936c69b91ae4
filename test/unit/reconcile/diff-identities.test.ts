import {describe, expect, it} from 'vitest'
import {TOPIC_CONFIGS} from '../../../src/manifest/index.js'
import type {DesiredState} from '../../../src/model/desired.js'
import {Secret} from '../../../src/model/secret.js'
import type {ClusterState} from '../../../src/model/state.js'
import {topicDefaultsFrom} from '../../../src/plan/options.js'
import {diffSides} from '../../../src/reconcile/diff-states.js'

const DEFAULTS = topicDefaultsFrom(TOPIC_CONFIGS)

/** `diff live manifest`: users compare by mechanism and iterations (a live side has no passwords), quotas key by key, nothing is out of scope. */
describe('diff with users and quotas', () => {
  const live: ClusterState = {
    clusterId: 'c1', topics: [], acls: [], subjects: [],
    users: [
      {name: 'orders', credentials: [{mechanism: 'SCRAM-SHA-512', iterations: 4096}]},
      {name: 'old', credentials: [{mechanism: 'SCRAM-SHA-256', iterations: 4096}]},
    ],
    quotas: [{entity: {user: 'orders'}, values: {producer_byte_rate: 100}}, {entity: {clientId: null}, values: {request_percentage: 50}}],
  }
  const manifest: DesiredState = {
    environment: {name: 'prod', productionLike: true, defaults: {config: {}}, protect: [], variables: {}},
    cluster: {topics: [], acls: [], subjects: [],
      users: [{name: 'orders', credentials: [{mechanism: 'SCRAM-SHA-512', iterations: 8192}]}, {name: 'new', credentials: [{mechanism: 'SCRAM-SHA-512', iterations: 8192}]}],
      quotas: [{entity: {user: 'orders'}, values: {producer_byte_rate: 200}}]},
    topicMeta: [], services: [], schemas: [], jobs: [], policies: [],
    users: [
      {name: 'orders', credentials: [{mechanism: 'SCRAM-SHA-512', iterations: 8192}], password: new Secret('x', 'env:ORDERS')},
      {name: 'new', credentials: [{mechanism: 'SCRAM-SHA-512', iterations: 8192}], password: new Secret('y', 'env:NEW')},
    ],
  }

  it('live → manifest lists every difference', () => {
    const plan = diffSides({kind: 'live', label: 'prod (live)', observed: live}, {kind: 'manifest', label: 'prod', desired: manifest}, DEFAULTS)
    expect(plan.actions.map((a) => a.id)).toEqual([
      'user.credential.upsert:new/SCRAM-SHA-512', 'user.credential.upsert:orders/SCRAM-SHA-512',
      'quota.alter:client-id=<default>', 'quota.alter:user=orders', 'user.credential.delete:old/SCRAM-SHA-256',
    ])
    expect(plan.actions.find((a) => a.id === 'user.credential.upsert:orders/SCRAM-SHA-512')).toMatchObject({change: 'iterations', beforeIterations: 4096})
    expect(plan.actions.find((a) => a.id === 'user.credential.delete:old/SCRAM-SHA-256')).toMatchObject({allowedBy: 'diff'})
  })

  it('manifest → the same manifest shows nothing', () => {
    const side = {kind: 'manifest' as const, label: 'prod', desired: manifest}
    expect(diffSides(side, side, DEFAULTS).actions).toEqual([])
  })
})

describe('diff of schema subjects between two live registries', () => {
  const subject = (version: number, schema: string) => ({subject: 'shop.orders.v1-value', schemaType: 'AVRO' as const, schema, references: [], version, id: version + 10})
  const staging: ClusterState = {topics: [], acls: [], subjects: [subject(3, '{"type":"record","name":"O","fields":[{"name":"a","type":"int"}]}')]}
  const prod: ClusterState = {topics: [], acls: [], subjects: [subject(1, '{"type":"record","name":"O","fields":[]}')]}

  it('names the version on both sides', async () => {
    const {renderPlanText} = await import('../../../src/render/index.js')
    const plan = diffSides({kind: 'live', label: 'prod', observed: prod}, {kind: 'live', label: 'staging', observed: staging}, DEFAULTS)
    expect(plan.actions.find((a) => a.kind === 'schema.register')).toMatchObject({before: {version: 1}, sourceVersion: 3})
    expect(renderPlanText(plan)).toContain('schema AVRO: version 1 → the text of version 3')
    const fresh = diffSides({kind: 'live', label: 'prod', observed: {...prod, subjects: []}}, {kind: 'live', label: 'staging', observed: staging}, DEFAULTS)
    expect(renderPlanText(fresh)).toContain('schema AVRO: version 1 (new subject) (version 3 there)')
  })
})
