/**
 * Errors that retrying cannot fix stop a job at once, naming topic, partition and offset, or send
 * the refused record to the dead-letter topic (issue 18 items 8, 9, 12): a record over the target's
 * max.message.bytes, a null key into a compacted target, records deleted below the committed
 * position, a rerun whose options changed, --partitions for an existing topic. Kafka itself does the
 * refusing; what landed is read back by kafkajs's consumer (an implementation apart from the job's).
 */
import {randomBytes} from 'node:crypto'
import {describe, expect, it} from 'vitest'
import {DLQ_HEADERS} from '../../../src/operations/dead-letter.js'
import {migrate} from '../../../src/operations/migrate.js'
import {newKafkaJs, uniquePrefix} from '../harness.js'
import {connectionOf, createTopic, produce, readAll} from './helpers.js'

const conn = connectionOf()

describe('jobs fail fast on refusals retrying cannot change', () => {
  const kafka = newKafkaJs()
  const statusesOf = () => {
    const statuses: string[] = []
    return {statuses, onEvent: (e: {type: string; message?: string}) => { if (e.type === 'status') statuses.push(e.message!) }}
  }

  it('a record over the target\'s max.message.bytes stops the job at once, naming partition and offset; with a dead-letter topic it goes there', async () => {
    const p = uniquePrefix('too large')
    await createTopic(kafka, `${p}in`, 1)
    await createTopic(kafka, `${p}out`, 1, {'max.message.bytes': '20000'})
    // Random bytes do not compress: record 7 can never fit 20,000 bytes.
    const records = Array.from({length: 12}, (_, i) => ({key: `k${i}`, value: i === 7 ? randomBytes(40_000).toString('base64') : `v${i}`}))
    await produce(kafka, `${p}in`, records)
    const started = Date.now()
    const {statuses, onEvent} = statusesOf()
    const err = await migrate({from: `${p}in`, to: `${p}out`, source: conn, target: conn, onEvent}).catch((e: unknown) => e as Error)
    expect(err).toBeInstanceOf(Error)
    expect((err as Error).message).toContain(`${p}in[0]@7`)
    expect((err as Error).message).toMatch(/RECORD_TOO_LARGE.*max\.message\.bytes \(20000\)/)
    expect(Date.now() - started).toBeLessThan(20_000)
    expect(statuses.filter((s) => /cannot reach Kafka/.test(s))).toEqual([])
    // Nothing of the failed chunk was committed.
    expect(await readAll(kafka, `${p}out`)).toEqual([])

    const report = await migrate({from: `${p}in`, to: `${p}out`, source: conn, target: conn, deadLetter: `${p}dlq`, job: `${p}dl`})
    expect(report).toMatchObject({outcome: 'completed', read: 12, written: 11, deadLettered: 1})
    const out = await readAll(kafka, `${p}out`)
    expect(out.map((r) => r.key?.toString())).toEqual(records.filter((_, i) => i !== 7).map((r) => r.key))
    const dlq = await readAll(kafka, `${p}dlq`)
    expect(dlq).toHaveLength(1)
    expect(dlq[0]!.value?.toString()).toBe(records[7]!.value)
    expect(dlq[0]!.headers[DLQ_HEADERS.offset]?.toString()).toBe('7')
    expect(dlq[0]!.headers[DLQ_HEADERS.error]?.toString()).toMatch(/RECORD_TOO_LARGE/)
  })

  it('a null key into a compacted target: Kafka refuses the batch (INVALID_RECORD), the record is found and named or dead-lettered', async () => {
    const p = uniquePrefix('null key compact')
    await createTopic(kafka, `${p}in`, 1)
    await createTopic(kafka, `${p}out`, 1, {'cleanup.policy': 'compact'})
    const records = Array.from({length: 30}, (_, i) => ({key: i === 19 ? null : `k${i}`, value: `v${i}`}))
    await produce(kafka, `${p}in`, records)
    const started = Date.now()
    const err = await migrate({from: `${p}in`, to: `${p}out`, source: conn, target: conn}).catch((e: unknown) => e as Error)
    expect((err as Error).message).toContain(`${p}in[0]@19`)
    expect((err as Error).message).toMatch(/INVALID_RECORD/)
    expect(Date.now() - started).toBeLessThan(20_000)

    const report = await migrate({from: `${p}in`, to: `${p}out`, source: conn, target: conn, deadLetter: `${p}dlq`, job: `${p}dl`})
    expect(report).toMatchObject({read: 30, written: 29, deadLettered: 1})
    expect((await readAll(kafka, `${p}out`)).map((r) => r.key?.toString())).toEqual(records.filter((r) => r.key !== null).map((r) => r.key))
    const dlq = await readAll(kafka, `${p}dlq`)
    expect(dlq.map((r) => [r.key, r.value?.toString(), r.headers[DLQ_HEADERS.offset]?.toString()])).toEqual([[null, 'v19', '19']])
  })

  it('records deleted below the committed position: the rerun finds the log start (ListOffsets), reports what was lost and continues; --no-gaps stops', async () => {
    const p = uniquePrefix('retention gap')
    await createTopic(kafka, `${p}in`, 1)
    const batch = (from: number) => Array.from({length: 100}, (_, i) => ({key: `k${from + i}`, value: `v${from + i}`}))
    await produce(kafka, `${p}in`, batch(0))
    expect(await migrate({from: `${p}in`, to: `${p}out`, source: conn, target: conn})).toMatchObject({read: 100, written: 100})
    await produce(kafka, `${p}in`, batch(100))
    const admin = kafka.admin()
    await admin.connect()
    try {
      // kafkajs finds the leader from metadata it must have loaded first.
      await admin.fetchTopicMetadata({topics: [`${p}in`]})
      await admin.deleteTopicRecords({topic: `${p}in`, partitions: [{partition: 0, offset: '150'}]})
    } finally {
      await admin.disconnect()
    }
    const stopped = await migrate({from: `${p}in`, to: `${p}out`, source: conn, target: conn, noGaps: true}).catch((e: unknown) => e as Error)
    expect((stopped as Error).message).toContain(`${p}in-0 offsets 100–149 were deleted`)
    const {statuses, onEvent} = statusesOf()
    const report = await migrate({from: `${p}in`, to: `${p}out`, source: conn, target: conn, onEvent})
    expect(report).toMatchObject({outcome: 'completed', read: 50, written: 50, lostToRetention: 50})
    expect(statuses.join('\n')).toContain('offsets 100–149 were deleted (retention) before the job read them; continuing at 150')
    const out = (await readAll(kafka, `${p}out`)).map((r) => r.key?.toString())
    expect(out).toEqual([...batch(0), ...batch(100).slice(50)].map((r) => r.key))
    // The gap was committed past: a third run has nothing to read and nothing lost.
    expect(await migrate({from: `${p}in`, to: `${p}out`, source: conn, target: conn})).toMatchObject({read: 0, lostToRetention: 0})
  })

  it('a rerun with a changed filter under the same job name is refused; --restart starts over, --job a new job', async () => {
    const p = uniquePrefix('changed definition')
    await createTopic(kafka, `${p}in`, 2)
    await produce(kafka, `${p}in`, Array.from({length: 40}, (_, i) => ({key: `k${i}`, value: JSON.stringify({n: i})})))
    expect(await migrate({from: `${p}in`, to: `${p}out`, source: conn, target: conn, valueFormat: 'json', filter: 'value.n % 2 === 0'})).toMatchObject({read: 40, written: 20})
    // The same options resume (nothing new to read).
    expect(await migrate({from: `${p}in`, to: `${p}out`, source: conn, target: conn, valueFormat: 'json', filter: 'value.n % 2 === 0'})).toMatchObject({read: 0})
    const refused = await migrate({from: `${p}in`, to: `${p}out`, source: conn, target: conn, valueFormat: 'json', filter: 'value.n % 2 === 1'}).catch((e: unknown) => e as Error & {hint?: string})
    expect((refused as Error).message).toMatch(/was last run with other options/)
    expect((refused as {hint?: string}).hint).toMatch(/--restart/)
    expect(await migrate({from: `${p}in`, to: `${p}out`, source: conn, target: conn, valueFormat: 'json', filter: 'value.n % 2 === 1', restart: true})).toMatchObject({read: 40, written: 20})
    expect(await migrate({from: `${p}in`, to: `${p}out2`, source: conn, target: conn, valueFormat: 'json', filter: 'value.n < 5', job: `${p}other`})).toMatchObject({read: 40, written: 5})
    expect((await readAll(kafka, `${p}out`)).length).toBe(40)
  })

  it('migrate --partitions into an existing topic with another count is refused, cluster untouched', async () => {
    const p = uniquePrefix('partitions existing')
    await createTopic(kafka, `${p}in`, 3)
    await createTopic(kafka, `${p}out`, 5)
    await produce(kafka, `${p}in`, [{key: 'a', value: '1'}])
    const err = await migrate({from: `${p}in`, to: `${p}out`, source: conn, target: conn, partitions: 12}).catch((e: unknown) => e as Error)
    expect((err as Error).message).toContain(`target topic '${p}out' exists with 5 partitions, not 12`)
    expect(await readAll(kafka, `${p}out`)).toEqual([])
  })
})
