import {describe, expect, it} from 'vitest'
import {JobPhase} from '../../../src/operations/job-phase.js'

describe('JobPhase', () => {
  it('runs, drains, stops; nothing goes back', () => {
    const p = new JobPhase()
    expect([p.current, p.running, p.leaving]).toEqual(['running', true, false])
    p.drain()
    expect([p.current, p.running, p.leaving]).toEqual(['draining', false, false])
    p.stop()
    p.drain()
    expect([p.current, p.leaving]).toEqual(['stopping', true])
    expect(p.failure()).toBeUndefined()
  })

  it('the first failure is the one reported; failing while draining fails, while stopping is kept but stays stopping', () => {
    const p = new JobPhase()
    p.drain()
    p.fail(new Error('first'))
    p.fail(new Error('second'))
    expect(p.current).toBe('failed')
    expect((p.failure()!.error as Error).message).toBe('first')
    p.stop()
    expect(p.current).toBe('failed')
    const q = new JobPhase()
    q.stop()
    q.fail(undefined)
    expect(q.current).toBe('stopping')
    // Even an undefined error counts as a failure.
    expect(q.failure()).toEqual({error: undefined})
  })
})
