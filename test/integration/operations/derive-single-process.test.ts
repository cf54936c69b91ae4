/**
 * derive latest keeps its state in one process (an entity's versions are spread over the source's
 * partitions): a second process of the same job is refused with a clear message, and the first
 * one's table is right (issue 18 item 11: two processes used to leave 23,187 of 40,000 keys on an
 * older version, both exiting 0). The processes are real child processes on a real cluster.
 */
import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, describe, expect, it} from 'vitest'
import {newKafkaJs, uniquePrefix} from '../harness.js'
import {connectionOf, createTopic, produce, readAll, spawnJob} from './helpers.js'

const stateRoot = mkdtempSync(join(tmpdir(), 'ops-single-'))
afterAll(() => rmSync(stateRoot, {recursive: true, force: true}))

describe('derive latest with two processes of one job', () => {
  const kafka = newKafkaJs()

  it('the second process is refused while the first runs; the first builds the whole table', async () => {
    const p = uniquePrefix('derive two processes')
    const from = `${p}versioned`
    const to = `${p}latest`
    await createTopic(kafka, from, 4)
    const expected = new Map<string, number>()
    const input: {key: string; value: string}[] = []
    for (let id = 0; id < 2000; id++) {
      const max = 1 + (id % 5)
      for (let v = 1; v <= max; v++) input.push({key: `shop-order-${id}-v${v}`, value: JSON.stringify({id, version: v})})
      expected.set(`shop-order-${id}`, max)
    }
    await produce(kafka, from, input)
    const job = `${p}job`
    const base = {kind: 'derive-latest', from, to, job, connection: connectionOf()}
    let firstAssigned!: () => void
    const assigned = new Promise<void>((resolve) => { firstAssigned = resolve })
    const first = spawnJob({...base, follow: true, stateDir: join(stateRoot, 'a')}, (e) => {
      if (e.type === 'status' && String(e.message).startsWith('assigned partitions')) firstAssigned()
    })
    await assigned
    let refusal: Record<string, unknown> | undefined
    const second = spawnJob({...base, stateDir: join(stateRoot, 'b')}, (e) => { if (e.type === 'error') refusal = e })
    const secondExit = await second.exited
    expect(secondExit.code, secondExit.stderr).toBe(1)
    expect(String(refusal?.message)).toMatch(new RegExp(`job ${job.replace(/\./g, '\\.')} is already running in another process`))
    expect(String(refusal?.hint)).toMatch(/stop the other process/)

    // The first process holds every partition again and finishes the table.
    const until = Date.now() + 60_000
    let table = new Map<string, number>()
    while (Date.now() < until) {
      table = new Map((await readAll(kafka, to)).map((r) => [r.key!.toString(), Number(r.headers['streamctl.version']?.toString())]))
      if (table.size === expected.size && [...expected].every(([k, v]) => table.get(k) === v)) break
      await new Promise((r) => setTimeout(r, 1000))
    }
    first.child.kill('SIGTERM')
    const firstExit = await first.exited
    expect(firstExit.code, firstExit.stderr).toBe(0)
    expect(table).toEqual(expected)
  }, 120_000)
})
