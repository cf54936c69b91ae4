import fc from 'fast-check'
import {describe, expect, it} from 'vitest'
import {encodeRecordBatch, type BatchRecord} from '../../../src/cluster/protocol/record-batch.js'
import {StreamctlError} from '../../../src/errors.js'
import {KafkaApiError} from '../../../src/cluster/errors.js'
import {RecordError, UnwritableRecordError, classifyError} from '../../../src/operations/job-errors.js'
import {codecFor, fitBatches, parseTopicLimits, runsOfSize} from '../../../src/operations/transactional-producer.js'

const seed = Number(process.env.FC_SEED ?? Date.now() % 2 ** 31)
console.log(`job output properties: FC_SEED=${seed}`)

/** A kafkajs protocol error as kafkajs builds it (name, type, code, retriable), optionally wrapped. */
function kafkajsError(type: string, code: number, retriable: boolean): Error {
  return Object.assign(new Error(type), {name: 'KafkaJSProtocolError', type, code, retriable})
}

describe('classifyError: what retrying can change', () => {
  it('retries what Kafka calls retriable, fails at once on what it does not, and sees through causes', () => {
    expect(classifyError(kafkajsError('NOT_LEADER_OR_FOLLOWER', 6, true))).toBe('retriable')
    expect(classifyError(kafkajsError('REQUEST_TIMED_OUT', 7, true))).toBe('retriable')
    expect(classifyError(kafkajsError('TOPIC_AUTHORIZATION_FAILED', 29, false))).toBe('fatal')
    expect(classifyError(kafkajsError('UNKNOWN_SERVER_ERROR', -1, false))).toBe('fatal')
    expect(classifyError(kafkajsError('MESSAGE_TOO_LARGE', 10, false))).toBe('fatal')
    // kafkajs marks some final refusals retriable; the code decides, not its flag.
    expect(classifyError(kafkajsError('INVALID_RECORD', 87, true))).toBe('fatal')
    expect(classifyError(kafkajsError('PRODUCER_FENCED', 90, false))).toBe('fenced')
    expect(classifyError(kafkajsError('INVALID_PRODUCER_EPOCH', 47, false))).toBe('fenced')
    // KIP-447: a TxnOffsetCommit of a generation that is over means the partition may have moved on.
    expect(classifyError(kafkajsError('ILLEGAL_GENERATION', 22, false))).toBe('fenced')
    expect(classifyError(kafkajsError('UNKNOWN_MEMBER_ID', 25, false))).toBe('fenced')
    const wrapped = Object.assign(new Error('send failed'), {name: 'KafkaJSNonRetriableError', cause: kafkajsError('TRANSACTIONAL_ID_AUTHORIZATION_FAILED', 53, false)})
    expect(classifyError(wrapped)).toBe('fatal')
    expect(classifyError(new StreamctlError('JOB_FAILED', 'x'))).toBe('fatal')
    expect(classifyError(new RecordError('bad record'))).toBe('fatal')
    expect(classifyError(Object.assign(new Error('connect ECONNREFUSED'), {name: 'KafkaJSConnectionError'}))).toBe('retriable')
    expect(classifyError(new KafkaApiError({api: 'Produce', code: 29}))).toBe('fatal')
    expect(classifyError(new KafkaApiError({api: 'Produce', code: 6}))).toBe('retriable')
  })
})

describe('codecFor and parseTopicLimits: the output codec', () => {
  it('--compression wins; else the topic\'s compression.type; `producer` keeps the source batch\'s codec', () => {
    const producer = parseTopicLimits(new Map([['compression.type', 'producer'], ['max.message.bytes', '2000000']]))
    expect(producer).toEqual({maxMessageBytes: 2_000_000, codec: 'producer'})
    expect(codecFor({}, producer, 4)).toBe(4)
    expect(codecFor({}, producer, undefined)).toBe(0)
    expect(codecFor({compression: 'gzip'}, producer, 4)).toBe(1)
    const lz4 = parseTopicLimits(new Map([['compression.type', 'lz4']]))
    expect(codecFor({}, lz4, 4)).toBe(3)
    expect(codecFor({}, parseTopicLimits(new Map([['compression.type', 'uncompressed']])), 2)).toBe(0)
    expect(codecFor({compression: 'none'}, lz4, 2)).toBe(0)
    // No or unreadable max.message.bytes: Kafka's default (1 MB + overhead), never NaN.
    expect(parseTopicLimits(new Map()).maxMessageBytes).toBeGreaterThan(1_000_000)
  })
})

const record = fc.record({
  key: fc.option(fc.uint8Array({maxLength: 200}).map((u) => Buffer.from(u)), {nil: null}),
  value: fc.option(fc.oneof(fc.uint8Array({maxLength: 3000}), fc.integer({min: 0, max: 60_000}).map((n) => new Uint8Array(n))).map((u) => Buffer.from(u)), {nil: null}),
  headers: fc.array(fc.tuple(fc.string({maxLength: 10}), fc.option(fc.uint8Array({maxLength: 50}).map((u) => Buffer.from(u)), {nil: null})), {maxLength: 4}),
})

describe('fitBatches and runsOfSize: batches within max.message.bytes', () => {
  const producer = {producerId: 1n, producerEpoch: 0, baseSequence: 0, transactional: true}
  it('every batch fits the limit, records keep their order, and none is lost or repeated', () => {
    fc.assert(fc.property(fc.array(record, {maxLength: 120}), fc.integer({min: 70_000, max: 400_000}), (records, max) => {
      const batches = fitBatches(records as BatchRecord[], max, (run) => encodeRecordBatch(run, producer, 1_700_000_000_000), (r, size) => new UnwritableRecordError('t', 0, 'MESSAGE_TOO_LARGE', `record of ${size} bytes`))
      for (const b of batches) expect(b.encoded.length).toBeLessThanOrEqual(max)
      expect(batches.flatMap((b) => b.records)).toEqual(records)
    }), {seed, numRuns: 60})
  })

  it('a single record that cannot fit is refused, naming its size', () => {
    const big = {key: null, value: Buffer.alloc(5000)}
    expect(() => fitBatches([big], 1000, (run) => encodeRecordBatch(run, producer), (_r, size) => new UnwritableRecordError('t', 0, 'MESSAGE_TOO_LARGE', `record of ${size} bytes`))).toThrow(/record of \d+ bytes/)
  })

  it('runsOfSize counts header bytes: runs stay near the limit and keep every record in order', () => {
    fc.assert(fc.property(fc.array(record, {maxLength: 80}), fc.integer({min: 1000, max: 100_000}), (records, limit) => {
      const runs = runsOfSize(records as BatchRecord[], limit)
      expect(runs.flat()).toEqual(records)
      for (const run of runs) if (run.length > 1) {
        const size = run.reduce((n, r) => n + 16 + (r.key?.length ?? 0) + (r.value?.length ?? 0) + (r.headers ?? []).reduce((h, [k, v]) => h + 8 + k.length + (v?.length ?? 0), 0), 0)
        expect(size).toBeLessThanOrEqual(limit)
      }
    }), {seed, numRuns: 60})
  })
})
