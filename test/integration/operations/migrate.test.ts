import {fileURLToPath} from 'node:url'
import {describe, expect, it} from 'vitest'
import {parseDeclarativeFlags} from '../../../src/operations/declarative-transform.js'
import {migrate} from '../../../src/operations/migrate.js'
import {newKafkaJs, uniquePrefix} from '../harness.js'
import {connectionOf, createTopic, produce, readAll} from './helpers.js'

const UPGRADE = fileURLToPath(new URL('./fixtures/upgrade.mjs', import.meta.url))

describe('migrate on a real cluster', () => {
  const kafka = newKafkaJs()

  it('applies a transform module and declarative rules; poison records go to the dead-letter topic and the job carries on', async () => {
    const p = uniquePrefix('migrate transform')
    const from = `${p}orders`
    await createTopic(kafka, from, 3)
    const input = Array.from({length: 1000}, (_, n) => ({
      key: `o${n}`, value: JSON.stringify({n, amount: n % 7, status: n % 3 === 0 ? 'open' : 'paid', internal: 'x', ...(n % 250 === 5 ? {poison: true} : {})}),
    }))
    await produce(kafka, from, input)
    const report = await migrate({
      from, to: `${p}orders.v2`, source: connectionOf(), target: connectionOf(), transformModule: UPGRADE,
      declarative: parseDeclarativeFlags({rename: ['status=state'], drop: ['internal'], default: ['currency=EUR'], cast: ['n=string']}),
      filter: "value.status === 'paid' || value.poison === true", deadLetter: `${p}dlq`, keyFormat: 'text', valueFormat: 'json',
    })
    // Expected, computed independently of the job: paid or poison → poison dead-lettered, n%10==9 dropped.
    const expected = input.map((r) => JSON.parse(r.value) as {n: number; amount: number; status: string; poison?: boolean})
      .filter((v) => v.status === 'paid' || v.poison)
    const poison = expected.filter((v) => v.poison)
    const kept = expected.filter((v) => !v.poison && v.n % 10 !== 9)
    expect(report).toMatchObject({read: 1000, written: kept.length, deadLettered: poison.length, skipped: 1000 - kept.length - poison.length, crossCluster: false, targetCreated: true, partitioner: 'preserve'})

    const out = await readAll(kafka, `${p}orders.v2`)
    const byKey = new Map(out.map((r) => [r.key!.toString(), JSON.parse(r.value!.toString()) as Record<string, unknown>]))
    expect(byKey.size).toBe(kept.length)
    for (const v of kept) {
      expect(byKey.get(`o${v.n}`)).toEqual({n: String(v.n), amount: v.amount, state: 'paid', schema: 2, total: v.amount * 100, currency: 'EUR'})
    }
    const dlq = await readAll(kafka, `${p}dlq`)
    expect(dlq.map((r) => r.key!.toString()).sort()).toEqual(poison.map((v) => `o${v.n}`).sort())
    for (const r of dlq) {
      const n = (JSON.parse(r.value!.toString()) as {n: number}).n
      expect(r.headers['streamctl.error']!.toString()).toBe(`poison record ${n}`)
      expect(r.headers['streamctl.source.topic']!.toString()).toBe(from)
    }
  })

  it('a bad --filter or a missing module is refused before anything runs', async () => {
    const p = uniquePrefix('migrate bad')
    await expect(migrate({from: `${p}a`, to: `${p}b`, source: connectionOf(), target: connectionOf(), filter: 'value.('})).rejects.toThrow(/--filter: filter expression does not parse/)
    await expect(migrate({from: `${p}a`, to: `${p}b`, source: connectionOf(), target: connectionOf(), transformModule: './nope.mjs'})).rejects.toThrow("transform module './nope.mjs' not found")
    await expect(migrate({from: `${p}a`, to: `${p}b`, source: connectionOf(), target: connectionOf()})).rejects.toThrow(`source topic '${p}a' does not exist`)
  })

  it('refuses --partitions that an existing target contradicts and --partitioner preserve across partition counts, leaving the cluster untouched', async () => {
    const p = uniquePrefix('migrate partitions')
    await createTopic(kafka, `${p}a`, 3)
    await createTopic(kafka, `${p}b`, 5)
    await expect(migrate({from: `${p}a`, to: `${p}b`, partitions: 12, source: connectionOf(), target: connectionOf()})).rejects.toThrow(`target topic '${p}b' exists with 5 partitions, not 12`)
    await expect(migrate({from: `${p}a`, to: `${p}b`, partitioner: 'preserve', source: connectionOf(), target: connectionOf()})).rejects.toThrow(/--partitioner preserve needs as many target partitions as source partitions \(source 3, target 5 partitions\)/)
    await expect(migrate({from: `${p}a`, to: `${p}new`, partitions: 4, partitioner: 'preserve', source: connectionOf(), target: connectionOf()})).rejects.toThrow(/--partitioner preserve/)
    const admin = kafka.admin()
    await admin.connect()
    try {
      expect((await admin.listTopics()).includes(`${p}new`)).toBe(false)
    } finally {
      await admin.disconnect()
    }
  })
})
