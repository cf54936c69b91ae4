import {describe, expect, it} from 'vitest'
import {foldApplies, type AuditRecord} from '../../../src/apply/audit.js'

const base = {user: 'u', host: 'h', pid: 7, environment: 'e', clusterId: 'c', planDigest: 'sha256:abc'}
const rec = (r: Partial<AuditRecord>): AuditRecord => ({at: '2026-12-03T00:00:00.000Z', ...base, ...r}) as AuditRecord

describe('foldApplies', () => {
  it('joins start, progress and end of one apply; keeps applies apart and in order', () => {
    const applies = foldApplies([
      rec({applyId: 'a', phase: 'start', actions: {total: 3, done: 0, failed: 0}, at: 't1'}),
      rec({applyId: 'b', phase: 'start', actions: {total: 1, done: 0, failed: 0}, at: 't2', environment: 'f'}),
      rec({applyId: 'a', phase: 'progress', applied: [{id: 'topic.create:x', outcome: 'done'}]}),
      rec({applyId: 'a', phase: 'progress', applied: [{id: 'acl.create:y', outcome: 'done'}, {id: 'acl.create:z', outcome: 'failed', error: 'boom'}]}),
      rec({applyId: 'a', phase: 'end', result: 'failed', actions: {total: 3, done: 2, failed: 1}, error: 'boom', at: 't3'}),
    ])
    expect(applies.map((a) => [a.applyId, a.result, a.at, a.endedAt])).toEqual([['a', 'failed', 't1', 't3'], ['b', 'unfinished', 't2', undefined]])
    expect(applies[0]!.applied.map((x) => x.id)).toEqual(['topic.create:x', 'acl.create:y', 'acl.create:z'])
    expect(applies[0]!.actions).toEqual({total: 3, done: 2, failed: 1})
    expect(applies[1]!.environment).toBe('f')
  })

  it('an unfinished apply counts what its progress records say', () => {
    const [a] = foldApplies([
      rec({applyId: 'k', phase: 'start', actions: {total: 5, done: 0, failed: 0}}),
      rec({applyId: 'k', phase: 'progress', applied: [{id: 'topic.create:1', outcome: 'done'}, {id: 'topic.create:2', outcome: 'done'}]}),
    ])
    expect(a).toMatchObject({result: 'unfinished', actions: {total: 5, done: 2, failed: 0}})
  })

  it('records of older versions (one end record, no applyId) are one apply each', () => {
    const applies = foldApplies([
      rec({result: 'applied', actions: {total: 2, done: 2, failed: 0}}),
      rec({result: 'no-changes', actions: {total: 0, done: 0, failed: 0}}),
    ])
    expect(applies.map((a) => a.result)).toEqual(['applied', 'no-changes'])
  })
})
