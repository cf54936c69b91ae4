import {describe, expect, it} from 'vitest'
import {formatResetPlan, lagRows, parseResetTarget, planReset, ResetTargetError, type PartitionPosition} from '../../../src/operations/offsets-plan.js'

const positions: PartitionPosition[] = [
  {topic: 't', partition: 0, committed: 50, low: 10, high: 100, offsetForTime: 70},
  {topic: 't', partition: 1, committed: null, low: 0, high: 40, offsetForTime: null},
  {topic: 't', partition: 2, committed: 5, low: 5, high: 5, offsetForTime: null},
]

describe('parseResetTarget', () => {
  it.each([
    ['earliest', {kind: 'earliest'}],
    ['latest', {kind: 'latest'}],
    ['shift:-20', {kind: 'shift', by: -20}],
    ['shift:+3', {kind: 'shift', by: 3}],
    ['offset:42', {kind: 'offset', offset: 42}],
    ['42', {kind: 'offset', offset: 42}],
    ['2026-11-25T10:00:00Z', {kind: 'datetime', at: Date.UTC(2026, 10, 25, 10)}],
    ['datetime:2026-11-25T10:00:00+01:00', {kind: 'datetime', at: Date.UTC(2026, 10, 25, 9)}],
  ])('%s', (raw, t) => expect(parseResetTarget(raw)).toEqual(t))

  it.each(['yesterday', 'shift:', 'offset:-1', '2026-13-45T99:00Z', ''])('rejects %j', (raw) => {
    expect(() => parseResetTarget(raw)).toThrow(ResetTargetError)
  })
})

describe('planReset', () => {
  const targets = (raw: string) => planReset(positions, parseResetTarget(raw)).map((r) => [r.target, r.delta])
  it('earliest / latest', () => {
    expect(targets('earliest')).toEqual([[10, -40], [0, null], [5, 0]])
    expect(targets('latest')).toEqual([[100, 50], [40, null], [5, 0]])
  })
  it('shift from the committed offset (log start when none), clamped', () => {
    expect(targets('shift:-45')).toEqual([[10, -40], [0, null], [5, 0]])
    expect(targets('shift:10')).toEqual([[60, 10], [10, null], [5, 0]])
  })
  it('an absolute offset is clamped into [log start, end]', () => {
    expect(targets('offset:30')).toEqual([[30, -20], [30, null], [5, 0]])
  })
  it('a datetime after the last record means the end', () => {
    expect(targets('2026-01-01T00:00:00Z')).toEqual([[70, 20], [40, null], [5, 0]])
  })
  it('renders the plan as a table', () => {
    expect(formatResetPlan(planReset(positions, {kind: 'earliest'}))).toBe([
      'TOPIC  PARTITION  CURRENT  TARGET  DELTA',
      't              0       50      10    -40',
      't              1        -       0      -',
      't              2        5       5      0',
    ].join('\n'))
  })
})

describe('lagRows', () => {
  it('counts from the committed offset, or the log start when none', () => {
    expect(lagRows(positions).map((r) => r.lag)).toEqual([50, 40, 0])
  })
})
