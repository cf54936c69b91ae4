import {describe, expect, it} from 'vitest'
import {aclKey, awaitVisible, expectationsOf} from '../../../src/apply/await-visible.js'
import type {ApplyEvent} from '../../../src/apply/events.js'
import type {AdminGateway, TopicDescription} from '../../../src/cluster/gateway.js'
import type {AclEntry} from '../../../src/model/state.js'
import type {Action} from '../../../src/plan/index.js'

const base = {risk: 'safe', reason: 'r', dependsOn: []} as const
const acl = (principal: string): AclEntry => ({resourceType: 'TOPIC', resourceName: 'a', patternType: 'LITERAL', principal, host: '*', operation: 'READ', permission: 'ALLOW'})
const actions: Action[] = [
  {...base, kind: 'topic.create', id: 'c:a', topic: 'a', partitions: 3, replicationFactor: 1, config: {}},
  {...base, kind: 'topic.partitions.increase', id: 'p:b', topic: 'b', before: 1, after: 4},
  {...base, kind: 'topic.config.alter', id: 'k:b', topic: 'b', changes: [{key: 'retention.ms', op: 'set', before: null, after: '1000'}, {key: 'cleanup.policy', op: 'delete', before: 'compact', after: null}] as never},
  {...base, kind: 'acl.create', id: 'acl:x', acl: acl('User:x')},
  {...base, kind: 'acl.delete', id: 'acl:y', acl: acl('User:y')},
  {...base, kind: 'topic.delete', id: 'd:z', topic: 'z', allowedBy: 'prune-scope'},
]

describe('expectationsOf', () => {
  it('turns done actions into what every broker must read back', () => {
    const e = expectationsOf(actions)
    expect([...e.topics]).toEqual([['a', {partitions: 3}], ['b', {partitions: 4}], ['z', 'absent']])
    expect([...e.configs.get('b')!]).toEqual([['retention.ms', '1000'], ['cleanup.policy', null]])
    expect(e.aclsPresent.map((a) => a.principal)).toEqual(['User:x'])
    expect(e.aclsAbsent.map((a) => a.principal)).toEqual(['User:y'])
  })
})

/**
 * Brokers that converge after a number of reads each (broker 3 lags most), as KRaft brokers apply
 * the metadata log at their own pace. Before converging a broker shows the old state.
 */
function laggingCluster(lag: Record<number, number>): {gateway: AdminGateway; reads: Record<number, number>} {
  const reads: Record<number, number> = {}
  const ready = (id: number) => (reads[id] = (reads[id] ?? 0) + 1) > lag[id]!
  const parts = (n: number) => Array.from({length: n}, (_, partition) => ({partition, leader: 1, replicas: [1], isr: [1]}))
  const gateway = {
    async describeCluster() {
      return {clusterId: 'c', controllerId: 1, brokers: Object.keys(lag).map((id) => ({nodeId: Number(id), host: 'h', port: 1}))}
    },
    async describeTopicsOnBroker(nodeId: number, names: readonly string[]): Promise<TopicDescription[]> {
      const now = ready(nodeId)
      const state: Record<string, number | undefined> = now ? {a: 3, b: 4} : {b: 1, z: 1}
      return names.filter((n) => state[n] !== undefined).map((name) => ({name, internal: false, partitions: parts(state[name]!)}))
    },
    async describeTopicConfigs(names: readonly string[], options: {nodeId?: number}) {
      const now = (reads[options.nodeId!] ?? 0) > lag[options.nodeId!]!
      return new Map(names.map((n) => [n, now
        ? {'retention.ms': {value: '1000', source: 'TOPIC'}, 'cleanup.policy': {value: 'delete', source: 'DEFAULT'}}
        : {'retention.ms': {value: '604800000', source: 'DEFAULT'}, 'cleanup.policy': {value: 'compact', source: 'TOPIC'}}]))
    },
    async describeAcls(_f: unknown, options: {nodeId?: number}) {
      const now = (reads[options.nodeId!] ?? 0) > lag[options.nodeId!]!
      return now ? [acl('User:x')] : [acl('User:y')]
    },
  } as unknown as AdminGateway
  return {gateway, reads}
}

describe('awaitVisible', () => {
  it('waits until every broker reads back topics, partitions, configs and ACLs, and reports it as events', async () => {
    const {gateway, reads} = laggingCluster({1: 0, 2: 2, 3: 5})
    const events: ApplyEvent[] = []
    const report = await awaitVisible(gateway, expectationsOf(actions), {timeoutMs: 10_000, onEvent: (e) => events.push(e)})
    expect(report).toMatchObject({converged: true, brokers: 3, pendingCount: 0})
    // Broker 3 was read until it caught up; broker 1 once.
    expect(reads[1]).toBe(1)
    expect(reads[3]).toBe(6)
    expect(events.map((e) => e.type)).toEqual(['visibility.wait', 'visibility.done'])
    expect(events[0]).toMatchObject({brokers: 3, topics: 3, configs: 1, acls: 2})
  })

  it('gives up after the timeout and says what is still not visible, on which broker', async () => {
    const {gateway} = laggingCluster({1: 0, 2: 1_000_000})
    const report = await awaitVisible(gateway, expectationsOf(actions), {timeoutMs: 300})
    expect(report.converged).toBe(false)
    expect(report.ms).toBeLessThan(1500)
    expect(report.pendingCount).toBe(3 + 1 + 2)
    expect(report.pendingSample[0]).toBe('broker 2: topic a')
    expect(report.pendingSample.every((s) => s.startsWith('broker 2: '))).toBe(true)
  })

  it('keys ACLs on every field', () => {
    expect(aclKey(acl('User:x'))).not.toBe(aclKey({...acl('User:x'), host: '10.0.0.1'}))
    expect(aclKey(acl('User:x'))).not.toBe(aclKey({...acl('User:x'), permission: 'DENY'}))
  })
})

describe('awaitVisible when the cluster cannot be asked', () => {
  it('reports the changes as not yet visible instead of throwing (they were made)', async () => {
    const gateway = {async describeCluster() { throw new Error('connection refused') }} as unknown as AdminGateway
    const report = await awaitVisible(gateway, expectationsOf(actions), {timeoutMs: 1000})
    expect(report).toMatchObject({converged: false, brokers: 0, pendingCount: 6})
    expect(report.pendingSample[0]).toContain('connection refused')
  })
})
