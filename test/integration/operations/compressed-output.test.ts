/**
 * Jobs write compressed output (issue 18 item 5): with the target's compression.type, the source
 * batch's codec when the target says `producer`, or --compression; batches fit max.message.bytes.
 * The input comes from an independent producer (confluent-kafka / librdkafka), and what the job wrote
 * is read back by kcat (librdkafka decodes every codec) and measured on disk with DescribeLogDirs.
 */
import {describe, expect, it} from 'vitest'
import {migrate} from '../../../src/operations/migrate.js'
import {gatewayFor} from '../cluster/tool-output.js'
import {kcatArgs, librdkafkaProps, run} from '../dev/clients.js'
import {kcatBin, kcatMissing, newKafkaJs, pythonBin, singleCluster, uniquePrefix} from '../harness.js'
import {connectionOf, createTopic} from './helpers.js'

/** Produces `count` records of `size` zero bytes with librdkafka's zstd (the input), keys k0..k(count-1). */
const PRODUCE_ZEROS = `
import json, sys
from confluent_kafka import Producer
props = json.loads(sys.argv[1]); topic = sys.argv[2]; count = int(sys.argv[3]); size = int(sys.argv[4]); codec = sys.argv[5]
p = Producer({**props, 'acks': 'all', 'compression.type': codec, 'linger.ms': 100, 'batch.size': 1000000, 'enable.idempotence': True})
errors = []
value = bytes(size)
for i in range(count):
    p.produce(topic, value, key=('k%d' % i).encode(), on_delivery=lambda err, msg: errors.append(str(err)) if err else None)
    if i % 1000 == 0: p.poll(0)
left = p.flush(60)
if left or errors:
    print('produce failed:', errors[:3] or left, file=sys.stderr); sys.exit(3)
`

async function sizeOnDisk(topic: string): Promise<number> {
  const gw = gatewayFor(singleCluster())
  try {
    // The active segment's size is what is written: sum over partitions (one broker, one replica each).
    const dirs = await gw.describeLogDirs([topic])
    return dirs.reduce((n, d) => n + d.sizeBytes, 0)
  } finally {
    await gw.close()
  }
}

/** Every record as kcat reads it: key and value length, and whether the value is all zero bytes. */
async function kcatRead(topic: string): Promise<{key: string; size: number}[]> {
  const res = await run(kcatBin()!, [...kcatArgs(singleCluster()), '-C', '-t', topic, '-e', '-q', '-X', 'isolation.level=read_committed', '-f', '%k %S\n'], {timeoutMs: 120_000})
  expect(res.code, res.stderr).toBe(0)
  return res.stdout.split('\n').filter(Boolean).map((l) => {
    const [key, size] = l.split(' ')
    return {key: key!, size: Number(size)}
  })
}

describe.skipIf(kcatMissing())('jobs write compressed output', () => {
  const kafka = newKafkaJs()

  it('20,000 records of 5,000 zero bytes, zstd in → zstd out: no outage loop, output on disk within 1.2x of the input', async () => {
    const p = uniquePrefix('zstd copy')
    await createTopic(kafka, `${p}in`, 2, {'compression.type': 'producer'})
    await createTopic(kafka, `${p}out`, 2, {'compression.type': 'zstd'})
    const made = await run(pythonBin(), ['-c', PRODUCE_ZEROS, JSON.stringify(librdkafkaProps(singleCluster())), `${p}in`, '20000', '5000', 'zstd'], {timeoutMs: 120_000})
    expect(made.code, made.stderr).toBe(0)
    const started = Date.now()
    const statuses: string[] = []
    const report = await migrate({from: `${p}in`, to: `${p}out`, source: connectionOf(), target: connectionOf(), onEvent: (e) => { if (e.type === 'status') statuses.push(e.message) }})
    expect(report).toMatchObject({outcome: 'completed', read: 20_000, written: 20_000})
    expect(statuses.filter((s) => /cannot reach Kafka/.test(s))).toEqual([])
    expect(Date.now() - started).toBeLessThan(60_000)
    const input = await sizeOnDisk(`${p}in`)
    const output = await sizeOnDisk(`${p}out`)
    console.log(`zstd copy: input ${input} bytes on disk, output ${output} bytes (${(output / input).toFixed(2)}x)`)
    expect(output).toBeLessThanOrEqual(input * 1.2)
    const read = await kcatRead(`${p}out`)
    expect(read).toHaveLength(20_000)
    expect(read.every((r) => r.size === 5000)).toBe(true)
    expect(new Set(read.map((r) => r.key)).size).toBe(20_000)
  }, 240_000)

  it.each(['gzip', 'snappy', 'lz4', 'zstd'] as const)('--compression %s: the broker takes the batches and librdkafka reads them back', async (codec) => {
    const p = uniquePrefix(`out ${codec}`)
    await createTopic(kafka, `${p}in`, 2, {'compression.type': 'producer'})
    await createTopic(kafka, `${p}out`, 2, {'compression.type': 'producer'})
    const made = await run(pythonBin(), ['-c', PRODUCE_ZEROS, JSON.stringify(librdkafkaProps(singleCluster())), `${p}in`, '3000', '3000', 'none'], {timeoutMs: 60_000})
    expect(made.code, made.stderr).toBe(0)
    const report = await migrate({from: `${p}in`, to: `${p}out`, source: connectionOf(), target: connectionOf(), compression: codec})
    expect(report).toMatchObject({outcome: 'completed', read: 3000, written: 3000})
    const read = await kcatRead(`${p}out`)
    expect(read.map((r) => r.key).sort()).toEqual(Array.from({length: 3000}, (_, i) => `k${i}`).sort())
    expect(read.every((r) => r.size === 3000)).toBe(true)
    // 9 MB of zeros: compressed, a small fraction of that on disk.
    expect(await sizeOnDisk(`${p}out`)).toBeLessThan(await sizeOnDisk(`${p}in`) / 5)
  }, 120_000)
})
