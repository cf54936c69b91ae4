import {createRequire} from 'node:module'
import {describe, expect, it} from 'vitest'
import {encodeRecordBatch, varintSize} from '../../../src/cluster/protocol/record-batch.js'
import {Produce} from '../../../src/cluster/protocol/produce.js'
import {decodeResponseBody, encodeRequestBody} from '../../../src/cluster/protocol/api.js'
import {hex} from './hex.js'

// kafkajs's decoder and its pure-JS CRC-32C are an independent implementation of the same format.
const require = createRequire(import.meta.url)
const Decoder = require('kafkajs/src/protocol/decoder.js') as new (b: Buffer) => unknown
const decodeBatch = require('kafkajs/src/protocol/recordBatch/v0/decoder.js') as (d: unknown) => Promise<{
  firstOffset: string; firstTimestamp: string; maxTimestamp: string; producerId: string; producerEpoch: number; firstSequence: number
  inTransaction: boolean; lastOffsetDelta: number; partitionLeaderEpoch: number
  records: {key: Buffer | null; value: Buffer | null; headers: Record<string, Buffer | Buffer[]>; timestamp: string; offset: string}[]
}>
const jsCrc32c = require('kafkajs/src/protocol/recordBatch/crc32C/index.js') as (b: Buffer) => number

const producer = {producerId: 4242n, producerEpoch: 3, baseSequence: 17, transactional: true}

describe('record batch v2 encoder', () => {
  it('round-trips keys, values, nulls, headers and timestamps through kafkajs\'s decoder', async () => {
    const long = 'v'.repeat(300) // a length that needs a two-byte varint
    const batch = encodeRecordBatch([
      {key: 'k1', value: Buffer.from('hello'), headers: [['a', 'x'], ['b', Buffer.from([0, 1, 2])]], timestamp: 1_700_000_000_000},
      {key: null, value: long, timestamp: 1_700_000_000_500},
      {key: Buffer.from('k3'), value: null, timestamp: 1_699_999_999_000},
    ], producer)
    const d = await decodeBatch(new Decoder(batch))
    expect(d.producerId).toBe('4242')
    expect(d.producerEpoch).toBe(3)
    expect(d.firstSequence).toBe(17)
    expect(d.inTransaction).toBe(true)
    expect(d.lastOffsetDelta).toBe(2)
    expect(d.partitionLeaderEpoch).toBe(-1)
    expect(d.firstTimestamp).toBe('1700000000000')
    expect(d.maxTimestamp).toBe('1700000000500')
    expect(d.records.map((r) => [r.key?.toString() ?? null, r.value?.toString() ?? null, r.timestamp, r.offset])).toEqual([
      ['k1', 'hello', '1700000000000', '0'],
      [null, long, '1700000000500', '1'],
      ['k3', null, '1699999999000', '2'],
    ])
    expect(d.records[0]!.headers.a).toEqual(Buffer.from('x'))
    expect(d.records[0]!.headers.b).toEqual(Buffer.from([0, 1, 2]))
  })

  it('carries a CRC-32C over attributes..end that an independent implementation agrees with, and the right length', () => {
    const batch = encodeRecordBatch([{key: 'k', value: 'v'}], {...producer, transactional: false}, 1234)
    expect(batch.readUInt32BE(17)).toBe(jsCrc32c(batch.subarray(21)))
    expect(batch.readInt32BE(8)).toBe(batch.length - 12)
    expect(batch.readInt16BE(21)).toBe(0) // not transactional, uncompressed, create time
    expect(batch.readBigInt64BE(27)).toBe(1234n) // base timestamp defaults to "now"
  })

  it('sizes zigzag varints as Kafka does, beyond 32 bits too', () => {
    expect([0, -1, 1, 63, -64, 64, 8191, 8192].map(varintSize)).toEqual([1, 1, 1, 1, 1, 2, 2, 3])
    expect(varintSize(2 ** 40)).toBe(6)
  })

  it('refuses an empty batch', () => {
    expect(() => encodeRecordBatch([], producer)).toThrow(/at least one record/)
  })
})

describe('Produce (0)', () => {
  it('frames pre-encoded records and decodes v8 responses with record errors', () => {
    const records = Buffer.from([1, 2, 3])
    expect(encodeRequestBody(Produce, 8, {transactionalId: 'tx', acks: -1, timeoutMs: 30_000, topics: [{topic: 't', partitions: [{partition: 2, records}]}]}))
      .toEqual(hex('0002 7478', 'ffff', '00007530', '00000001', '0001 74', '00000001', '00000002', '00000003 010203'))
    const res = decodeResponseBody(Produce, 8, hex('00000001', '0001 74', '00000001', '00000002 002a', '0000000000000005', 'ffffffffffffffff', '0000000000000000', '00000001 00000000 0003 626164', 'ffff', '00000000'))
    expect(res).toEqual({topics: [{topic: 't', partitions: [{partition: 2, errorCode: 42, baseOffset: 5n, errorMessage: 'record 0: bad', recordErrors: [{batchIndex: 0, message: 'bad'}]}]}], throttleTimeMs: 0})
  })
})
