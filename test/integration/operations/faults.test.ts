import {fileURLToPath} from 'node:url'
import {describe, expect, it} from 'vitest'
import {migrate} from '../../../src/operations/migrate.js'
import {newKafkaJs, singleCluster, uniquePrefix} from '../harness.js'
import {connectionOf, createTopic, multiset, produce, readAll, spawnJob} from './helpers.js'

const N = 20_000
/** A plain copy of 20,000 records ends within its first commit: this slows it so the kill lands half-way. */
const THROTTLED_COPY = fileURLToPath(new URL('./fixtures/throttled-copy.mjs', import.meta.url))

function inputRecords(prefix: string): {key: string; value: string}[] {
  return Array.from({length: N}, (_, n) => ({key: `k${n % 97}`, value: JSON.stringify({n, tag: prefix, pad: 'p'.repeat(150)})}))
}

describe('job faults on a real cluster', () => {
  const kafka = newKafkaJs()

  /** A fresh input topic of `partitions` partitions holding the first `count` input records, and its output topic's name. */
  async function seededInput(label: string, partitions: number, count = N): Promise<{p: string; from: string; to: string; input: {key: string; value: string}[]}> {
    const p = uniquePrefix(label)
    const from = `${p}in`
    await createTopic(kafka, from, partitions)
    const input = inputRecords(p).slice(0, count)
    await produce(kafka, from, input)
    return {p, from, to: `${p}out`, input}
  }

  it('kill -9 half-way through a bounded migration, rerun: every input record in the output exactly once', async () => {
    const {p, from, to, input} = await seededInput('kill migrate', 4)
    const conn = connectionOf()
    let killedAt = 0
    // Chunks of 64 KiB: a partition's records take many chunks, so the job commits several times
    // (one transaction spans all four partitions: with 1 MiB chunks the first commit held them all).
    const {child, exited} = spawnJob({kind: 'migrate', from, to, source: conn, target: conn, job: `${p}job`, transformModule: THROTTLED_COPY, maxBytesPerPartition: 64 << 10}, (e) => {
      const read = Number(e.read ?? 0)
      if (e.type === 'progress' && read >= N / 4 && killedAt === 0) {
        killedAt = read
        child.kill('SIGKILL')
      }
    })
    const first = await exited
    expect(first.signal).toBe('SIGKILL')
    expect(killedAt).toBeGreaterThan(0)
    expect(killedAt).toBeLessThan(N)

    // The same definition (its transform module included), or the rerun is refused as another job.
    const rerun = await migrate({from, to, source: conn, target: conn, job: `${p}job`, transformModule: THROTTLED_COPY})
    expect(rerun.outcome).toBe('completed')
    // The rerun reads only what the killed run had not committed.
    expect(rerun.read).toBeLessThan(N)
    expect(rerun.read).toBeGreaterThan(0)

    const out = await readAll(kafka, to)
    const got = multiset(out.map((r) => `${r.key!.toString()}|${r.value!.toString()}`))
    const want = multiset(input.map((r) => `${r.key}|${r.value}`))
    expect(out).toHaveLength(N)
    expect(got).toEqual(want)
  })

  it('kill -9 of a plain copy (batches written whole) while it commits, rerun: every input record in the output exactly once', async () => {
    const {p, from, to, input} = await seededInput('kill plain copy', 4)
    const conn = connectionOf()
    // Follow mode commits every 500 ms, the partitions about together: the first commit reported
    // finds the others' transactions open (their batches written) or committing.
    let killed = false
    const {child, exited} = spawnJob({kind: 'migrate', from, to, source: conn, target: conn, job: `${p}job`, follow: true}, (e) => {
      if (e.type === 'progress' && Number(e.read ?? 0) > 0 && !killed) {
        killed = true
        child.kill('SIGKILL')
      }
    })
    const first = await exited
    expect(first.signal).toBe('SIGKILL')
    const late = Array.from({length: 1000}, (_, n) => ({key: `late${n % 7}`, value: JSON.stringify({n, late: true})}))
    await produce(kafka, from, late)
    const rerun = await migrate({from, to, source: conn, target: conn, job: `${p}job`})
    expect(rerun.outcome).toBe('completed')
    expect(rerun.read).toBeGreaterThanOrEqual(late.length)
    expect(rerun.read).toBeLessThan(N + late.length)
    const out = await readAll(kafka, to)
    expect(out).toHaveLength(N + late.length)
    expect(multiset(out.map((r) => `${r.key!.toString()}|${r.value!.toString()}`))).toEqual(multiset([...input, ...late].map((r) => `${r.key}|${r.value}`)))
    // Each record kept its partition (the copy preserves them).
    const src = await readAll(kafka, from)
    expect(multiset(out.map((r) => `${r.partition}|${r.value!.toString()}`))).toEqual(multiset(src.map((r) => `${r.partition}|${r.value!.toString()}`)))
  })

  it('SIGTERM in follow mode finishes the in-flight transaction and exits cleanly; a rerun completes exactly once', async () => {
    const {p, from, to, input} = await seededInput('sigterm follow', 2, 5000)
    const conn = {label: 'single', spec: singleCluster().connection}
    let sent = false
    const {child, exited} = spawnJob({kind: 'repartition', from, to, partitions: 3, follow: true, job: `${p}job`, connection: conn}, (e) => {
      if (e.type === 'progress' && Number(e.read) > 0 && !sent) {
        sent = true
        child.kill('SIGTERM')
      }
    })
    const res = await exited
    expect(res.code, res.stderr).toBe(0)
    const report = JSON.parse(res.stdout.trim().split('\n').at(-1)!) as {type: string; report: {outcome: string; read: number}}
    expect(report.type).toBe('report')
    expect(report.report.outcome).toBe('stopped')
    const partial = await readAll(kafka, to)
    expect(partial).toHaveLength(report.report.read)

    await produce(kafka, from, [{key: 'late', value: '{"late":true}'}])
    const { repartition } = await import('../../../src/operations/repartition.js')
    const rest = await repartition({from, to, job: `${p}job`, connection: conn})
    expect(rest.read).toBe(5001 - report.report.read)
    const out = await readAll(kafka, to)
    expect(multiset(out.map((r) => `${r.key!.toString()}|${r.value!.toString()}`))).toEqual(multiset([...input, {key: 'late', value: '{"late":true}'}].map((r) => `${r.key}|${r.value}`)))
  })

  it('scale-out: the same bounded job in two processes splits the partitions and together writes every record once', async () => {
    const {p, from, to, input} = await seededInput('scale out', 6, 12_000)
    const conn = {label: 'single', spec: singleCluster().connection}
    const args = {kind: 'repartition', from, to, partitions: 6, job: `${p}job`, connection: conn}
    const a = spawnJob(args, () => {})
    const b = spawnJob(args, () => {})
    const [ra, rb] = await Promise.all([a.exited, b.exited])
    expect(ra.code, ra.stderr).toBe(0)
    expect(rb.code, rb.stderr).toBe(0)
    const reads = [ra, rb].map((r) => (JSON.parse(r.stdout.trim().split('\n').at(-1)!) as {report: {read: number}}).report.read)
    // Each record is read-and-committed by exactly one of them (a rebalance may move partitions mid-way).
    expect(reads[0]! + reads[1]!).toBe(input.length)
    const out = await readAll(kafka, to)
    expect(multiset(out.map((r) => `${r.key!.toString()}|${r.value!.toString()}`))).toEqual(multiset(input.map((r) => `${r.key}|${r.value}`)))
  })
})
