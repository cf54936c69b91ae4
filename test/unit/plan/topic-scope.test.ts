import {describe, expect, it} from 'vitest'
import {repartitionTargetName} from '../../../src/plan/repartition-job.js'
import {globToRegExp, inPruneScope, isInternalTopic} from '../../../src/plan/topic-scope.js'

describe('topic scope', () => {
  const internal: [string, boolean, boolean][] = [
    ['__consumer_offsets', false, true], ['__transaction_state', false, true], ['_schemas', false, true],
    ['_streamctl-audit', false, true], ['_streamctl_lock', false, true], ['_schemas2', false, false],
    ['shop.orders.v1', false, false], ['shop.orders.v1', true, true], ['_private', false, false],
  ]
  for (const [name, flag, expected] of internal) it(`${name} (internal flag ${flag}) internal: ${expected}`, () => expect(isInternalTopic(name, flag)).toBe(expected))

  const globs: [string, string, boolean][] = [
    ['shop.audit*', 'shop.audit.v1', true], ['shop.audit*', 'shopXaudit.v1', false], ['*.v?', 'a.v1', true],
    ['*.v?', 'a.v10', false], ['exact', 'exact', true], ['exact', 'exactly', false], ['a+b', 'a+b', true], ['a+b', 'aab', false],
  ]
  for (const [glob, name, expected] of globs) it(`${glob} matches ${name}: ${expected}`, () => expect(globToRegExp(glob).test(name)).toBe(expected))

  it('prune scope is by prefix, and an empty prefix covers nothing', () => {
    expect(inPruneScope('shop.x', {prefixes: ['shop.'], principals: []})).toBe(true)
    expect(inPruneScope('shopping.x', {prefixes: ['shop.'], principals: []})).toBe(false)
    expect(inPruneScope('anything', {prefixes: [''], principals: []})).toBe(false)
    expect(inPruneScope('shop.x', undefined)).toBe(false)
  })

  const targets: [string, string[], string][] = [
    ['orders.v1', [], 'orders.v2'], ['orders.v1', ['orders.v2'], 'orders.v3'], ['orders-v9', [], 'orders-v10'],
    ['orders', [], 'orders.v2'], ['orders_v2', [], 'orders_v3'],
  ]
  for (const [source, taken, expected] of targets) it(`repartition target of ${source} is ${expected}`, () => expect(repartitionTargetName(source, new Set(taken))).toBe(expected))
})
