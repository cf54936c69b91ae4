import {describe, expect, it} from 'vitest'
import {type LeaseEvent, replayLease} from '../../../src/apply/lease.js'

const holder = (pid: number) => ({user: 'ci', host: 'h', pid, command: 'apply'})
const ev = (timestamp: number, type: LeaseEvent['type'], token: string, leaseMs = 1000, lock = 'env/prod') => ({
  timestamp,
  value: {type, lock, token, leaseMs, holder: holder(token.length)} satisfies LeaseEvent,
})

describe('replayLease', () => {
  const cases: {name: string; events: ReturnType<typeof ev>[]; holder: string | null}[] = [
    {name: 'empty log has no holder', events: [], holder: null},
    {name: 'first claim wins', events: [ev(0, 'acquire', 'a'), ev(10, 'acquire', 'b')], holder: 'a'},
    {name: 'expired lease can be taken over', events: [ev(0, 'acquire', 'a'), ev(1000, 'acquire', 'b')], holder: 'b'},
    {name: 'claim just before expiry is refused', events: [ev(0, 'acquire', 'a'), ev(999, 'acquire', 'b')], holder: 'a'},
    {name: 'renew extends the lease', events: [ev(0, 'acquire', 'a'), ev(900, 'renew', 'a'), ev(1500, 'acquire', 'b')], holder: 'a'},
    {name: 'renew by a non-holder is ignored', events: [ev(0, 'acquire', 'a'), ev(900, 'renew', 'b'), ev(1000, 'acquire', 'b')], holder: 'b'},
    {name: 'renew after expiry does not resurrect', events: [ev(0, 'acquire', 'a'), ev(1200, 'renew', 'a')], holder: 'a'},
    {name: 'release frees the lock', events: [ev(0, 'acquire', 'a'), ev(5, 'release', 'a'), ev(6, 'acquire', 'b')], holder: 'b'},
    {name: 'release by a non-holder is ignored', events: [ev(0, 'acquire', 'a'), ev(5, 'release', 'b'), ev(6, 'acquire', 'b')], holder: 'a'},
    {name: 'break clears any holder', events: [ev(0, 'acquire', 'a'), ev(5, 'break', 'x'), ev(6, 'acquire', 'b')], holder: 'b'},
    {name: 'other locks do not interfere', events: [ev(0, 'acquire', 'a', 1000, 'env/staging'), ev(1, 'acquire', 'b')], holder: 'b'},
  ]
  for (const c of cases) {
    it(c.name, () => {
      expect(replayLease(c.events, 'env/prod')?.token ?? null).toBe(c.holder)
    })
  }

  it('a renewed-after-expiry lease reports the original expiry', () => {
    const s = replayLease([ev(0, 'acquire', 'a'), ev(1200, 'renew', 'a')], 'env/prod')
    expect(s?.expiresAt).toBe(1000)
  })
})
