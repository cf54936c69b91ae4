import {describe, expect, it} from 'vitest'
import type {ServiceSpec, TopicMeta} from '../../../src/model/desired.js'
import {deriveAcls} from '../../../src/plan/acl-derive.js'

const meta = (name: string, owner?: string): TopicMeta => ({name, labels: {}, ...(owner ? {owner} : {})})
const svc = (s: Partial<ServiceSpec> & {name: string}): ServiceSpec => ({principal: `User:${s.name}`, produces: [], consumes: [], ...s})
const short = (acls: ReturnType<typeof deriveAcls>['acls']): string[] =>
  acls.map((a) => `${a.principal} ${a.operation} ${a.resourceType}:${a.resourceName} ${a.patternType} ${a.host} ${a.permission}`)

describe('deriveAcls', () => {
  it('grants the owner WRITE, DESCRIBE and IDEMPOTENT_WRITE, plus its transactional id', () => {
    const d = deriveAcls([svc({name: 'orders', produces: ['o.v1'], transactionalId: 'orders-tx'})], [meta('o.v1', 'orders')])
    expect(short(d.acls)).toEqual([
      'User:orders IDEMPOTENT_WRITE CLUSTER:kafka-cluster LITERAL * ALLOW',
      'User:orders DESCRIBE TOPIC:o.v1 LITERAL * ALLOW',
      'User:orders WRITE TOPIC:o.v1 LITERAL * ALLOW',
      'User:orders DESCRIBE TRANSACTIONAL_ID:orders-tx LITERAL * ALLOW',
      'User:orders WRITE TRANSACTIONAL_ID:orders-tx LITERAL * ALLOW',
    ])
    expect(d.blocked).toEqual([])
  })

  it('grants consumers READ + DESCRIBE on the topic and READ on each group', () => {
    const d = deriveAcls([svc({name: 'billing', consumes: [{topic: 'o.v1', groups: ['billing', 'billing-replay']}]})], [meta('o.v1', 'orders')])
    expect(short(d.acls)).toEqual([
      'User:billing READ GROUP:billing LITERAL * ALLOW',
      'User:billing READ GROUP:billing-replay LITERAL * ALLOW',
      'User:billing DESCRIBE TOPIC:o.v1 LITERAL * ALLOW',
      'User:billing READ TOPIC:o.v1 LITERAL * ALLOW',
    ])
    expect([...d.principals]).toEqual(['User:billing'])
  })

  it('enforces the single writer: produces by a non-owner is blocked, not granted', () => {
    const d = deriveAcls([svc({name: 'orders'}), svc({name: 'billing', produces: ['o.v1', 'x.v1']})], [meta('o.v1', 'orders'), meta('x.v1')])
    expect(d.acls.filter((a) => a.operation === 'WRITE').map((a) => `${a.principal} ${a.resourceName}`)).toEqual(['User:orders o.v1'])
    expect(d.blocked.map((b) => [b.kind, b.resource, b.topic])).toEqual([
      ['acl.single-writer', 'Service/billing', 'o.v1'],
      ['acl.single-writer', 'Service/billing', 'x.v1'],
    ])
    expect(d.blocked[1]!.wayOut).toBe('set owner: billing on topic x.v1')
  })

  it('matches an owner given as the principal, and deduplicates', () => {
    const d = deriveAcls([svc({name: 'orders', principal: 'User:orders-svc', produces: ['o.v1'], consumes: [{topic: 'o.v1', groups: []}]})],
      [meta('o.v1', 'User:orders-svc')])
    expect(short(d.acls)).toEqual([
      'User:orders-svc IDEMPOTENT_WRITE CLUSTER:kafka-cluster LITERAL * ALLOW',
      'User:orders-svc DESCRIBE TOPIC:o.v1 LITERAL * ALLOW',
      'User:orders-svc READ TOPIC:o.v1 LITERAL * ALLOW',
      'User:orders-svc WRITE TOPIC:o.v1 LITERAL * ALLOW',
    ])
  })
})
