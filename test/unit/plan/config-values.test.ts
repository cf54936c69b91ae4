import {describe, expect, it} from 'vitest'
import {TOPIC_CONFIGS} from '../../../src/manifest/kafka-topic-configs.js'
import {changeRisk} from '../../../src/plan/config-diff.js'
import {configInteger, normaliseConfigValue, sameConfigValue} from '../../../src/plan/config-values.js'
import {topicDefaultsFrom} from '../../../src/plan/options.js'
import {stepRetention} from '../../../src/plan/retention-step.js'
import {topicDefaults} from './fixture-case.js'

describe('normaliseConfigValue', () => {
  const equal: [string, string, string][] = [
    ['retention.ms', '604800000', '604800000.0'],
    ['retention.ms', '0604800000', '604800000'],
    ['retention.bytes', '-1', '-1.0'],
    ['preallocate', 'True', 'true'],
    ['cleanup.policy', 'delete, compact', 'compact,delete'],
    ['min.cleanable.dirty.ratio', '0.50', '.5'],
    ['flush.ms', '9223372036854775807', '9223372036854775807'],
    ['segment.bytes', ' 1073741824 ', '1073741824'],
  ]
  for (const [key, a, b] of equal) it(`${key}: ${a} equals ${b}`, () => expect(sameConfigValue(key, a, b)).toBe(true))

  const different: [string, string, string][] = [
    ['retention.ms', '604800000', '604800001'],
    ['cleanup.policy', 'compact', 'compact,delete'],
    ['message.downconversion.enable', 'yes', 'true'],
    ['flush.ms', '9223372036854775807', '9223372036854775806'],
    ['retention.bytes', '-1', '1'],
    ['compression.type', 'ZSTD', 'zstd'],
    ['message.timestamp.type', 'createtime', 'CreateTime'],
  ]
  for (const [key, a, b] of different) it(`${key}: ${a} differs from ${b}`, () => expect(sameConfigValue(key, a, b)).toBe(false))

  it('keeps null and integers exact', () => {
    expect(normaliseConfigValue('x', null)).toBeNull()
    expect(normaliseConfigValue('x', '-0')).toBe('0')
    expect(configInteger('86400000.0')).toBe(86_400_000)
    expect(configInteger('9223372036854775807')).toBeUndefined()
    expect(configInteger('abc')).toBeUndefined()
  })
})

describe('changeRisk', () => {
  const table: [string, string | null, string | null, string][] = [
    ['retention.ms', '604800000', '86400000', 'destructive'],
    ['retention.ms', '86400000', '604800000', 'safe'],
    ['retention.ms', '-1', '86400000', 'destructive'],
    ['retention.ms', '86400000', '-1', 'safe'],
    ['retention.bytes', '1000', '10', 'destructive'],
    ['cleanup.policy', 'compact', 'delete', 'destructive'],
    ['cleanup.policy', 'delete', 'compact', 'disruptive'],
    ['cleanup.policy', 'compact', 'compact,delete', 'safe'],
    ['min.insync.replicas', '1', '2', 'disruptive'],
    ['min.insync.replicas', '2', '1', 'safe'],
    ['max.message.bytes', '1048588', '1000', 'disruptive'],
    ['compression.type', 'lz4', 'zstd', 'safe'],
  ]
  for (const [key, before, after, risk] of table) {
    it(`${key} ${before} → ${after} is ${risk}`, () => expect(changeRisk(key, before, after)).toBe(risk))
  }
})

describe('stepRetention', () => {
  const table: {before: number; target: number; step?: number; expected: ReturnType<typeof stepRetention>}[] = [
    {before: 1000, target: 1, step: 10, expected: {value: 100, remainingSteps: 2}},
    {before: 1000, target: 100, step: 10, expected: undefined},
    {before: 1000, target: 99, step: 10, expected: {value: 100, remainingSteps: 1}},
    {before: 2_592_000_000, target: 3_600_000, step: 10, expected: {value: 259_200_000, remainingSteps: 2}},
    {before: 1000, target: 1, step: undefined, expected: undefined},
    {before: 1000, target: 1, step: 1, expected: undefined},
    {before: -1, target: 1, step: 10, expected: undefined},
    {before: 10, target: 1000, step: 10, expected: undefined},
  ]
  for (const t of table) {
    it(`${t.before} → ${t.target} by ${t.step}`, () => expect(stepRetention(t.before, t.target, t.step)).toEqual(t.expected))
  }

  it('converges: re-running from each intermediate value reaches the target', () => {
    let current = 2_592_000_000
    let runs = 0
    for (let s = stepRetention(current, 3_600_000, 10); s; s = stepRetention(current, 3_600_000, 10)) {
      expect(current / s.value).toBeLessThanOrEqual(10)
      current = s.value
      runs++
    }
    expect(runs).toBe(2)
    expect(current / 3_600_000).toBeLessThanOrEqual(10)
  })
})

describe('topic defaults', () => {
  it('are read from the manifest layer\'s Kafka table, and the fixture table agrees with it', () => {
    const fromKafkaTable = topicDefaultsFrom(TOPIC_CONFIGS)
    expect(fromKafkaTable['cleanup.policy']).toBe('delete')
    for (const [key, value] of Object.entries(topicDefaults())) {
      expect(sameConfigValue(key, fromKafkaTable[key], value), key).toBe(true)
    }
  })
})
