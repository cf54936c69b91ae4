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
