import {describe, expect, it} from 'vitest'
import {ACTION_KINDS} from '../../../src/plan/actions.js'
import {planChanges} from '../../../src/plan/planner.js'
import {buildDesired, caseNames, loadCase, topicDefaults} from './fixture-case.js'
import {simulateApply} from './simulate-apply.js'

describe('planChanges', () => {
  for (const name of caseNames()) {
    it(`${name}: applying the plan and planning again converges (no perpetual diff)`, () => {
      const c = loadCase(name)
      let observed = c.observed
      let plan = planChanges(c.desired, observed, c.options)
      const blockedBefore = plan.blocked.map((b) => b.kind)
      for (let run = 0; run < 5 && plan.actions.length > 0; run++) {
        observed = simulateApply(observed, plan)
        plan = planChanges(c.desired, observed, c.options)
      }
      expect(plan.actions).toEqual([])
      expect(plan.blocked.map((b) => b.kind)).toEqual(blockedBefore)
    })
  }

  it('is deterministic: input order does not change the plan or its digest', () => {
    const c = loadCase('acl-add-remove')
    const a = planChanges(c.desired, c.observed, c.options)
    const shuffled = {...c.observed, topics: [...c.observed.topics].reverse(), acls: [...c.observed.acls].reverse()}
    const desired = {...c.desired, services: [...c.desired.services].reverse(), cluster: {...c.desired.cluster, topics: [...c.desired.cluster.topics].reverse()}}
    const b = planChanges(desired, shuffled, c.options)
    expect(b).toEqual(a)
    expect(b.digest).toBe(a.digest)
  })

  it('createdAt is recorded but not part of the digest; the observed digest tracks the cluster', () => {
    const c = loadCase('config-change')
    const a = planChanges(c.desired, c.observed, c.options)
    const b = planChanges(c.desired, c.observed, {...c.options, now: '2026-11-25T12:00:00.000Z'})
    expect(a.createdAt).toBeUndefined()
    expect(b.createdAt).toBe('2026-11-25T12:00:00.000Z')
    expect(b.digest).toBe(a.digest)
    const changed = {...c.observed, topics: c.observed.topics.map((t) => ({...t, partitions: t.partitions + 1}))}
    expect(planChanges(c.desired, changed, c.options).observedDigest).not.toBe(a.observedDigest)
  })

  it('orders actions by phase and records dependencies', () => {
    const desired = buildDesired({
      topics: [{name: 'shop.new.v1', partitions: 3, replicationFactor: 1, config: {}}, {name: 'shop.orders.v1', partitions: 6, replicationFactor: 1, config: {'retention.ms': '1'}}],
      environment: {prune: {prefixes: ['shop.'], principals: []}},
      services: [{name: 'a', principal: 'User:a', produces: [], consumes: [{topic: 'shop.new.v1', groups: ['g']}]}],
    })
    const observed = {
      clusterId: 'c', brokerCount: 1, brokerIds: [1], subjects: [],
      topics: [{name: 'shop.orders.v1', partitions: 3, replicationFactor: 1, config: {}}, {name: 'shop.old.v1', partitions: 1, replicationFactor: 1, config: {}}],
      acls: [{resourceType: 'TOPIC' as const, resourceName: 'shop.old.v1', patternType: 'LITERAL' as const, principal: 'User:a', host: '*', operation: 'READ' as const, permission: 'ALLOW' as const}],
    }
    const plan = planChanges(desired, observed, {allowDelete: false, topicDefaults: topicDefaults()})
    const kinds = plan.actions.map((a) => a.kind)
    expect(kinds).toEqual(['topic.create', 'topic.partitions.increase', 'topic.config.alter', 'acl.create', 'acl.create', 'acl.create', 'acl.delete', 'topic.delete'])
    expect([...kinds].sort((x, y) => ACTION_KINDS.indexOf(x) - ACTION_KINDS.indexOf(y))).toEqual(kinds)
    const topicAcl = plan.actions.find((a) => a.kind === 'acl.create' && a.acl.resourceName === 'shop.new.v1')!
    expect(topicAcl.dependsOn).toEqual(['topic.create:shop.new.v1'])
    const del = plan.actions.find((a) => a.kind === 'topic.delete')!
    expect(del.dependsOn).toEqual([plan.actions.find((a) => a.kind === 'acl.delete')!.id])
    expect(new Set(plan.actions.map((a) => a.id)).size).toBe(plan.actions.length)
  })

  it('a key set on the topic but undeclared is deleted back to the default, never when declared equal', () => {
    const desired = buildDesired({topics: [{name: 't', partitions: 1, replicationFactor: 1, config: {'segment.bytes': '1073741824'}}]})
    const observed = {clusterId: 'c', brokerCount: 1, brokerIds: [1], acls: [], subjects: [],
      topics: [{name: 't', partitions: 1, replicationFactor: 1, config: {'segment.bytes': '1073741824.0', 'retention.ms': '1000'}}]}
    const plan = planChanges(desired, observed, {allowDelete: false, topicDefaults: topicDefaults()})
    expect(plan.actions).toHaveLength(1)
    const alter = plan.actions[0]!
    expect(alter.kind === 'topic.config.alter' && alter.changes).toEqual([
      {key: 'retention.ms', op: 'delete', before: '1000', after: '604800000', afterIsDefault: true, risk: 'safe'},
    ])
  })
})

describe('broker ids for replica placement', () => {
  const desired = buildDesired({topics: [{name: 't', partitions: 2, replicationFactor: 2, config: {}}]})
  const base = {clusterId: 'c', acls: [], subjects: []}
  const opts = {allowDelete: false, topicDefaults: topicDefaults()}

  it('are taken from the replica lists when every broker holds one', () => {
    const observed = {...base, brokerCount: 2, topics: [{name: 't', partitions: 2, replicationFactor: 1, config: {}, replicas: [[7], [9]]}]}
    const a = planChanges(desired, observed, opts).actions[0]!
    expect(a.kind === 'topic.replication.change' && a.assignments).toEqual([[7, 9], [9, 7]])
  })

  it('block the change when a broker may be missing from the replica lists', () => {
    const observed = {...base, brokerCount: 3, topics: [{name: 't', partitions: 2, replicationFactor: 1, config: {}, replicas: [[7], [9]]}]}
    const plan = planChanges(desired, observed, opts)
    expect(plan.actions).toEqual([])
    expect(plan.blocked.map((b) => b.kind)).toEqual(['topic.replication.brokers-unknown'])
  })
})
