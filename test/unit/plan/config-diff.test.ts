import {describe, expect, it} from 'vitest'
import type {ObservedConfigEntry, TopicState} from '../../../src/model/state.js'
import {brokerDrift, clusterInheritedValues, diffTopicConfig, inheritedValue} from '../../../src/plan/config-diff.js'
import {topicDefaults} from './fixture-case.js'

const defaults = topicDefaults()
const topic = (config: Record<string, string>, effectiveConfig?: Record<string, ObservedConfigEntry>): TopicState =>
  ({name: 't', partitions: 1, replicationFactor: 1, config, ...(effectiveConfig ? {effectiveConfig} : {})})
const ctx = {defaults, readOnlyKeys: new Set<string>()}

describe('inheritedValue', () => {
  it('prefers the effective value, then the synonym, then the cluster, then Kafka\'s default', () => {
    expect(inheritedValue(topic({}, {'retention.ms': {value: '5', source: 'STATIC_BROKER'}}), 'retention.ms', ctx)).toBe('5')
    expect(inheritedValue(topic({'retention.ms': '1'}, {'retention.ms': {value: '1', source: 'TOPIC', inheritedValue: '6'}}), 'retention.ms', ctx)).toBe('6')
    expect(inheritedValue(topic({'retention.ms': '1'}, {'retention.ms': {value: '1', source: 'TOPIC'}}), 'retention.ms', {...ctx, clusterInherited: {'retention.ms': '7'}})).toBe('7')
    expect(inheritedValue(topic({'retention.ms': '1'}), 'retention.ms', ctx)).toBe('604800000')
    expect(inheritedValue(topic({}), 'no.such.key', ctx)).toBeNull()
  })

  it('learns cluster values from topics without an override', () => {
    const a = {...topic({'retention.ms': '1'}, {'retention.ms': {value: '1', source: 'TOPIC'}}), name: 'a'}
    const b = {...topic({}, {'retention.ms': {value: '259200000', source: 'DEFAULT'}}), name: 'b'}
    expect(clusterInheritedValues([a, b])).toEqual({'retention.ms': '259200000'})
  })
})

describe('diffTopicConfig', () => {
  it('sets declared keys and deletes undeclared overrides, sorted by key', () => {
    const d = diffTopicConfig('t', {'retention.ms': '1000', 'compression.type': 'zstd'}, topic({'segment.bytes': '1000'}), ctx)
    expect(d.changes.map((c) => [c.op, c.key, c.before, c.after])).toEqual([
      ['set', 'compression.type', 'producer', 'zstd'],
      ['set', 'retention.ms', '604800000', '1000'],
      ['delete', 'segment.bytes', '1000', '1073741824'],
    ])
  })

  it('blocks keys named read-only by the options, and compaction loss on a table (also by removal)', () => {
    const ro = diffTopicConfig('t', {'segment.ms': '1'}, topic({}), {...ctx, readOnlyKeys: new Set(['segment.ms'])})
    expect(ro.changes).toEqual([])
    expect(ro.blocked.map((b) => [b.kind, b.key])).toEqual([['topic.config.read-only', 'segment.ms']])
    const removed = diffTopicConfig('t', {}, topic({'cleanup.policy': 'compact'}), {...ctx, policy: 'table'})
    expect(removed.blocked.map((b) => b.kind)).toEqual(['topic.cleanup-policy.compact-to-delete'])
    const kept = diffTopicConfig('t', {'cleanup.policy': 'compact,delete'}, topic({'cleanup.policy': 'compact'}), {...ctx, policy: 'table'})
    expect(kept.blocked).toEqual([])
    expect(kept.changes.map((c) => c.risk)).toEqual(['safe'])
  })

  it('steps a retention cut only for set operations beyond the factor', () => {
    const d = diffTopicConfig('t', {'retention.ms': '1000'}, topic({'retention.ms': '1000000'}), {...ctx, retentionStep: 10})
    expect(d.changes[0]).toMatchObject({after: '100000', stepped: {final: '1000', remainingSteps: 2}, risk: 'destructive'})
  })
})

describe('brokerDrift', () => {
  it('reports broker-set values that differ from Kafka defaults, only for undeclared keys', () => {
    const t = topic({'segment.bytes': '1'}, {
      'min.insync.replicas': {value: '2', source: 'STATIC_BROKER'},
      'retention.ms': {value: '259200000', source: 'DEFAULT'},
      'segment.ms': {value: '604800000', source: 'DYNAMIC_DEFAULT_BROKER'},
      'segment.bytes': {value: '1', source: 'TOPIC'},
      'max.message.bytes': {value: '1', source: 'DYNAMIC_BROKER'},
    })
    expect(brokerDrift({'max.message.bytes': '1'}, t, defaults).map((d) => `${d.key}=${d.value}/${d.source}`)).toEqual([
      'min.insync.replicas=2/STATIC_BROKER',
      'retention.ms=259200000/DEFAULT',
    ])
  })
})
