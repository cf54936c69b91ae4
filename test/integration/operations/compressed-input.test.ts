/**
 * Jobs read compressed source topics. The compressed batches come from real compressors: the
 * broker's own (Java) when a topic's compression.type is set — Kafka then rewrites every batch with
 * that codec, snappy in xerial framing — and librdkafka's, through kcat -z on a topic that keeps
 * what the producer sends.
 */
import {describe, expect, it} from 'vitest'
import {migrate} from '../../../src/operations/migrate.js'
import {kcatArgs, run} from '../dev/clients.js'
import {kcatBin, kcatMissing, newKafkaJs, singleCluster, uniquePrefix} from '../harness.js'
import {connectionOf, createTopic, multiset, produce, readAll} from './helpers.js'

const N = 600
const CODECS = ['gzip', 'snappy', 'lz4', 'zstd'] as const

describe('jobs read compressed input', () => {
  const kafka = newKafkaJs()
  const records = (tag: string) => Array.from({length: N}, (_, n) => ({key: `k${n % 17}`, value: JSON.stringify({n, tag, pad: 'z'.repeat(80)})}))
  const lines = (rs: readonly {key: Buffer | string | null; value: Buffer | string | null}[]) => multiset(rs.map((r) => `${r.key?.toString()}|${r.value?.toString()}`))

  it.each(CODECS)('a topic the broker compresses with %s (Java compressors)', async (codec) => {
    const p = uniquePrefix(`compressed ${codec}`)
    await createTopic(kafka, `${p}in`, 2, {'compression.type': codec})
    // Left to itself the job would write the output with the source's codec, and kafkajs (the oracle
    // that reads the output below) decodes gzip only: --compression none keeps it uncompressed.
    await createTopic(kafka, `${p}out`, 2, {'compression.type': 'producer'})
    const input = records(codec)
    await produce(kafka, `${p}in`, input)
    const report = await migrate({from: `${p}in`, to: `${p}out`, source: connectionOf(), target: connectionOf(), compression: 'none'})
    expect(report).toMatchObject({outcome: 'completed', read: N, written: N})
    expect(lines(await readAll(kafka, `${p}out`))).toEqual(lines(input))
  })

  it.skipIf(kcatMissing() !== undefined).each(['snappy', 'lz4', 'zstd'] as const)(`batches librdkafka compressed with %s (kcat -z)${kcatMissing() ? ` — skipped: ${kcatMissing()}` : ''}`, async (codec) => {
    const p = uniquePrefix(`kcat ${codec}`)
    await createTopic(kafka, `${p}in`, 2, {'compression.type': 'producer'})
    const input = records(`kcat-${codec}`)
    const produced = await run(kcatBin()!, [...kcatArgs(singleCluster()), '-t', `${p}in`, '-P', '-K', '|', '-z', codec, '-X', 'linger.ms=50'], {input: input.map((r) => `${r.key}|${r.value}\n`).join('')})
    expect(produced.code, produced.stderr).toBe(0)
    const report = await migrate({from: `${p}in`, to: `${p}out`, source: connectionOf(), target: connectionOf(), compression: 'none'})
    expect(report).toMatchObject({outcome: 'completed', read: N, written: N})
    expect(lines(await readAll(kafka, `${p}out`))).toEqual(lines(input))
  })
})
