import {describe, expect, it} from 'vitest'
import {etaSeconds, RateMeter} from '../../../src/operations/progress.js'
import {positionsMatch} from '../../../src/operations/state-store.js'

describe('RateMeter', () => {
  it('measures the rate over its window', () => {
    const m = new RateMeter(1000)
    expect(m.perSecond()).toBe(0)
    m.sample(0, 0)
    m.sample(500, 1000)
    expect(m.perSecond()).toBe(2000)
    m.sample(3000, 2000)
    m.sample(3500, 4000)
    // The window drops samples older than 1 s: 2000 records in 0.5 s.
    expect(m.perSecond()).toBe(4000)
  })
  it('gives an ETA only once a rate is known', () => {
    expect(etaSeconds(1000, 0)).toBeUndefined()
    expect(etaSeconds(1000, 300)).toBe(4)
    expect(etaSeconds(0, 0)).toBe(0)
  })
})

describe('positionsMatch', () => {
  it('compares every partition, absent meaning none', () => {
    expect(positionsMatch(new Map([[0, 5]]), new Map([[0, 5]]))).toBe(true)
    expect(positionsMatch(new Map(), new Map())).toBe(true)
    expect(positionsMatch(new Map([[0, 5]]), new Map([[0, 6]]))).toBe(false)
    expect(positionsMatch(new Map([[0, 5]]), new Map([[0, 5], [1, 2]]))).toBe(false)
  })
})
