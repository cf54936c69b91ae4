import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterEach, describe, expect, it} from 'vitest'
import {claimProcessTransactionalId} from '../../../src/operations/process-transactional-id.js'

/** The process's transactional id: never shared by two live processes, taken over from a dead one on this host. */
describe('claimProcessTransactionalId', () => {
  const dirs: string[] = []
  const dir = (): string => {
    const d = mkdtempSync(join(tmpdir(), 'streamctl-slots-'))
    dirs.push(d)
    return d
  }
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, {recursive: true, force: true})
  })

  it('two live processes of a job get two ids; a rerun after a kill takes over the dead one\'s id', () => {
    const d = dir()
    const live = new Set([100, 200])
    const isAlive = (pid: number): boolean => live.has(pid)
    const a = claimProcessTransactionalId('orders', {dir: d, isAlive, host: 'h1', pid: 100})
    const b = claimProcessTransactionalId('orders', {dir: d, isAlive, host: 'h1', pid: 200})
    expect(a.transactionalId).toMatch(/^streamctl-orders-[0-9a-f-]{36}$/)
    expect(b.transactionalId).not.toBe(a.transactionalId)
    expect([a.slot, b.slot]).toEqual([0, 1])
    // a is killed (never released): the next process on this host gets its id, and fences it.
    live.delete(100)
    const rerun = claimProcessTransactionalId('orders', {dir: d, isAlive, host: 'h1', pid: 300})
    expect(rerun.transactionalId).toBe(a.transactionalId)
    // Another job never shares a slot with this one.
    expect(claimProcessTransactionalId('payments', {dir: d, isAlive, host: 'h1', pid: 300}).transactionalId).toMatch(/^streamctl-payments-/)
  })

  it('a released slot is reused; another host\'s entry (its liveness unknown here) never is', () => {
    const d = dir()
    const isAlive = (): boolean => false
    const a = claimProcessTransactionalId('j', {dir: d, isAlive, host: 'h1', pid: 1})
    a.release()
    expect(claimProcessTransactionalId('j', {dir: d, isAlive, host: 'h1', pid: 2}).transactionalId).toBe(a.transactionalId)
    const other = claimProcessTransactionalId('k', {dir: d, isAlive, host: 'h2', pid: 3})
    expect(claimProcessTransactionalId('k', {dir: d, isAlive, host: 'h1', pid: 4}).transactionalId).not.toBe(other.transactionalId)
  })

  it('a release after the slot was taken over by a rerun leaves the rerun\'s claim alone', () => {
    const d = dir()
    const live = new Set([1])
    const isAlive = (pid: number): boolean => live.has(pid)
    const a = claimProcessTransactionalId('j', {dir: d, isAlive, host: 'h1', pid: 1})
    live.delete(1)
    const rerun = claimProcessTransactionalId('j', {dir: d, isAlive: (pid) => pid === 2, host: 'h1', pid: 2})
    a.release()
    // The rerun (pid 2, alive) still holds slot 0: a third process gets a new id.
    const third = claimProcessTransactionalId('j', {dir: d, isAlive: (pid) => pid === 2, host: 'h1', pid: 3})
    expect(third.transactionalId).not.toBe(rerun.transactionalId)
  })
})
