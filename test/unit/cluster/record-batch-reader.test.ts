import {createRequire} from 'node:module'
import {gzipSync} from 'node:zlib'
import {crc32c} from '@node-rs/crc32'
import {describe, expect, it} from 'vitest'
import {decodeResponseBody} from '../../../src/cluster/protocol/api.js'
import {Fetch} from '../../../src/cluster/protocol/fetch.js'
import {encodeRecordBatch, type BatchProducer, type BatchRecord} from '../../../src/cluster/protocol/record-batch.js'
import {readPartitionRecords, type FetchedRecord} from '../../../src/cluster/protocol/record-batch-reader.js'
import {hex} from './hex.js'

// kafkajs's fetch decoder and batch encoder are an independent implementation of the same format.
const require = createRequire(import.meta.url)
const Decoder = require('kafkajs/src/protocol/decoder.js') as new (b: Buffer) => unknown
const decodeMessages = require('kafkajs/src/protocol/requests/fetch/v4/decodeMessages.js') as (d: unknown) => Promise<{
  offset: string; timestamp: string; key: Buffer | null; value: Buffer | null; headers: Record<string, Buffer | Buffer[]>
}[]>
const Long = require('kafkajs/src/utils/long.js') as {fromValue(v: number | string): unknown}
const {RecordBatch} = require('kafkajs/src/protocol/recordBatch/v0/index.js') as {RecordBatch(args: Record<string, unknown>): Promise<{buffer: Buffer}>}
const KafkajsRecord = require('kafkajs/src/protocol/recordBatch/record/v0/index.js') as (args: Record<string, unknown>) => unknown

const T0 = 1_700_000_000_000
const NONE: BatchProducer = {producerId: -1n, producerEpoch: -1, baseSequence: -1, transactional: false}
const A = 1000n
const B = 2000n
const snappyjs = createRequire(import.meta.url)('snappyjs') as {compress(b: Uint8Array): Uint8Array}
const txn = (producerId: bigint): BatchProducer => ({producerId, producerEpoch: 0, baseSequence: 0, transactional: true})
const uncommitted = {topic: 't', partition: 0, fromOffset: 0, readCommitted: false, abortedTransactions: []}

function fixCrc(b: Buffer): Buffer {
  b.writeUInt32BE(crc32c(b.subarray(21)), 17)
  return b
}

/** Our encoder's batch placed at baseOffset (the CRC does not cover the base offset). */
function batch(baseOffset: number, records: readonly BatchRecord[], producer: BatchProducer = NONE): Buffer {
  const b = encodeRecordBatch(records, producer, T0)
  b.writeBigInt64BE(BigInt(baseOffset), 0)
  return b
}

function withAttributes(b: Buffer, bits: number): Buffer {
  b.writeInt16BE(b.readInt16BE(21) | bits, 21)
  return fixCrc(b)
}

/** The same batch with its records section gzipped, as Kafka's DefaultRecordBatch lays out a compressed batch. */
function gzipped(b: Buffer): Buffer {
  const out = Buffer.concat([b.subarray(0, 61), gzipSync(b.subarray(61))])
  out.writeInt32BE(out.length - 12, 8)
  return withAttributes(out, 0x01)
}

/** A transaction marker as the coordinator writes it: control + transactional, key (version 0, type), value (version 0, coordinator epoch). */
function marker(baseOffset: number, producerId: bigint, type: 'abort' | 'commit'): Buffer {
  const key = hex('0000', type === 'abort' ? '0000' : '0001')
  return withAttributes(batch(baseOffset, [{key, value: hex('0000', '00000005')}], {...txn(producerId), baseSequence: -1}), 0x20)
}

const data = (n: number) => Array.from({length: n}, (_, i): BatchRecord => ({key: `k${i}`, value: `v${i}`}))
const offsets = (rs: readonly FetchedRecord[]) => rs.map((r) => r.offset)
const text = (b: Buffer | null) => b?.toString() ?? null
const plain = (r: FetchedRecord) => ({offset: r.offset, timestamp: r.timestamp, key: text(r.key), value: text(r.value),
  headers: r.headers.map(([k, v]) => [k, text(v)])})

describe('readPartitionRecords: batches', () => {
  const long = 'x'.repeat(300) // two-byte varint lengths
  const first = batch(100, [
    {key: 'k1', value: 'hello', headers: [['a', 'x'], ['b', Buffer.from([0, 1, 2])]], timestamp: T0},
    {key: null, value: long, timestamp: T0 + 500},
    {key: 'k3', value: null, timestamp: T0 - 1000}, // a negative timestamp delta
  ])
  const second = gzipped(batch(103, [{key: 'gk', value: 'gv', headers: [['h', 'y']], timestamp: T0 + 7}, {key: 'gk2', value: ''}]))
  const third = batch(2 ** 40, [{key: 'far', value: 'away', timestamp: 2 ** 41}]) // offsets and timestamps past 32 bits

  it('decodes keys, values, nulls, headers, timestamps and offsets over several batches, as kafkajs does', async () => {
    const records = Buffer.concat([first, second, third])
    const ours = readPartitionRecords(records, uncommitted)
    expect(ours.records.map(plain)).toEqual([
      {offset: 100, timestamp: T0, key: 'k1', value: 'hello', headers: [['a', 'x'], ['b', '\u0000\u0001\u0002']]},
      {offset: 101, timestamp: T0 + 500, key: null, value: long, headers: []},
      {offset: 102, timestamp: T0 - 1000, key: 'k3', value: null, headers: []},
      {offset: 103, timestamp: T0 + 7, key: 'gk', value: 'gv', headers: [['h', 'y']]},
      {offset: 104, timestamp: T0 + 7, key: 'gk2', value: '', headers: []},
      {offset: 2 ** 40, timestamp: 2 ** 41, key: 'far', value: 'away', headers: []},
    ])
    expect(ours.nextOffset).toBe(2 ** 40 + 1)

    const len = Buffer.alloc(4)
    len.writeInt32BE(records.length)
    const theirs = await decodeMessages(new Decoder(Buffer.concat([len, records])))
    expect(ours.records.map((r) => [String(r.offset), String(r.timestamp), r.key, r.value, Object.fromEntries(r.headers)]))
      .toEqual(theirs.map((r) => [r.offset, r.timestamp, r.key, r.value, r.headers]))
  })

  it('hands out keys and values as views into the fetch response', () => {
    const length = Buffer.alloc(4)
    length.writeInt32BE(first.length)
    const payload = Buffer.concat([hex('00000000', '0000', '00000000', '00000001', '0001 74', '00000001',
      '00000000', '0000', '0000000000000067', '0000000000000067', '0000000000000000', '00000000', 'ffffffff'), length, first])
    const fetched = decodeResponseBody(Fetch, 11, payload)
    const p = fetched.topics[0]!.partitions[0]!
    const [r] = readPartitionRecords(p.records, uncommitted).records
    expect(r!.key!.buffer).toBe(p.records!.buffer)
    expect(r!.value!.buffer).toBe(p.records!.buffer)
    expect(r!.headers[1]![1]!.buffer).toBe(p.records!.buffer)
  })

  it('stops without error at a truncated trailing batch, wherever it is cut', () => {
    const whole = Buffer.concat([first, third])
    for (const cut of [1, 11, 12, 16, 17, 30, 61, third.length - 1]) {
      const res = readPartitionRecords(whole.subarray(0, first.length + cut), uncommitted)
      expect(offsets(res.records), `cut at ${cut}`).toEqual([100, 101, 102])
      expect(res.nextOffset).toBe(103)
    }
    expect(readPartitionRecords(first.subarray(0, first.length - 1), uncommitted)).toEqual({records: [], nextOffset: undefined})
    expect(readPartitionRecords(Buffer.alloc(0), uncommitted)).toEqual({records: [], nextOffset: undefined})
    expect(readPartitionRecords(null, uncommitted)).toEqual({records: [], nextOffset: undefined})
  })

  it('skips records before fromOffset, within a batch and whole batches', () => {
    const records = Buffer.concat([batch(10, data(5)), batch(15, data(3))])
    expect(offsets(readPartitionRecords(records, {...uncommitted, fromOffset: 12}).records)).toEqual([12, 13, 14, 15, 16, 17])
    expect(offsets(readPartitionRecords(records, {...uncommitted, fromOffset: 16}).records)).toEqual([16, 17])
    expect(readPartitionRecords(records, {...uncommitted, fromOffset: 18})).toEqual({records: [], nextOffset: 18})
  })

  it('keeps every header in order: a repeated name each time, null header values, and a header named __proto__', () => {
    // One hand-built record: attributes 0, deltas 0, null key, value "v", four headers.
    const body = hex('00', '00', '00', '01', '02 76', '08', '02 61 02 31', '02 61 02 32', '02 6e 01', '12 5f5f70726f746f5f5f 02 70')
    const template = batch(0, [{key: null, value: 'v'}])
    const b = Buffer.concat([template.subarray(0, 61), Buffer.from([body.length * 2]), body]) // zigzag length, one byte
    b.writeInt32BE(b.length - 12, 8)
    fixCrc(b)
    const [r] = readPartitionRecords(b, uncommitted).records
    expect(r!.headers).toEqual([['a', Buffer.from('1')], ['a', Buffer.from('2')], ['n', null], ['__proto__', Buffer.from('p')]])
  })

  it('decodes header names afresh whenever their bytes change from the previous record\'s', () => {
    const b = batch(0, [{key: null, value: null, headers: [['ab', '1']]}, {key: null, value: null, headers: [['ba', '2']]}, {key: null, value: null, headers: [['ab', '3'], ['é', '4']]},
      {key: null, value: null, headers: [['é', '5'], ['ab', '6']]}])
    expect(readPartitionRecords(b, uncommitted).records.map((r) => plain(r).headers)).toEqual([[['ab', '1']], [['ba', '2']], [['ab', '3'], ['é', '4']], [['é', '5'], ['ab', '6']]])
  })

  it('gives every record the batch\'s max timestamp under log-append time', () => {
    const b = batch(0, [{key: 'a', value: '1', timestamp: T0}, {key: 'b', value: '2', timestamp: T0 + 10}])
    b.writeBigInt64BE(BigInt(T0 + 99_000), 35) // maxTimestamp: the broker's append time
    const res = readPartitionRecords(withAttributes(b, 0x08), uncommitted)
    expect(res.records.map((r) => r.timestamp)).toEqual([T0 + 99_000, T0 + 99_000])
  })

  it('rejects corrupt records rather than return garbage', () => {
    const b = batch(0, data(2))
    b.writeInt32BE(3, 57) // count 3, bytes for 2
    expect(() => readPartitionRecords(b, uncommitted)).toThrow(/Corrupt record batch at offset 0/)
    const c = batch(0, data(2))
    c.writeInt32BE(1, 57) // count 1, bytes for 2
    expect(() => readPartitionRecords(c, uncommitted)).toThrow(/bytes after its 1 records/)
    const d = batch(0, data(1))
    d.writeInt32BE(10, 8)
    expect(() => readPartitionRecords(d, uncommitted)).toThrow(/batch length 10/)
  })
})

describe('readPartitionRecords: compression and formats', () => {
  it('reads a gzip batch written by kafkajs\'s encoder', async () => {
    const records = [
      KafkajsRecord({offsetDelta: 0, timestampDelta: 0, key: Buffer.from('a'), value: Buffer.from('one'), headers: {h: Buffer.from('x')}}),
      KafkajsRecord({offsetDelta: 1, timestampDelta: 5, key: null, value: Buffer.from('two')}),
    ]
    const b = (await RecordBatch({compression: 1, firstOffset: Long.fromValue(42), firstTimestamp: T0, maxTimestamp: T0 + 5, lastOffsetDelta: 1, records})).buffer
    expect(b.readInt16BE(21) & 0x07).toBe(1)
    const res = readPartitionRecords(b, uncommitted)
    expect(res.records.map(plain)).toEqual([
      {offset: 42, timestamp: T0, key: 'a', value: 'one', headers: [['h', 'x']]},
      {offset: 43, timestamp: T0 + 5, key: null, value: 'two', headers: []},
    ])
    expect(res.nextOffset).toBe(44)
  })

  // Three records (k0..k2, values "v<i>" × 40): their records section compressed by the reference
  // C tools (`zstd -19`, `lz4`, an independent implementation of each format), and the section itself.
  const longData = Array.from({length: 3}, (_, i): BatchRecord => ({key: `k${i}`, value: `v${i}`.repeat(40)}))
  const ZSTD = '28b52ffd6411005501007282070de0e97c70ba0003f730a5df32054fd186dae72d45132a3cef285a507f5e0304280bbe057f7349b863cbdc'
  const LZ4 = '04224d186440a735000000cfb201000000046b30a001763002003b10005b008f02046b31a001763102003b015b008f04046b32a001763202003750763276320000000000d0486f5a'

  function compressedBatch(codec: number, section: Buffer): Buffer {
    const b = batch(7, longData)
    const out = Buffer.concat([b.subarray(0, 61), section])
    out.writeInt32BE(out.length - 12, 8)
    return withAttributes(out, codec)
  }

  it('reads zstd, lz4 and snappy batches (raw as librdkafka writes it, and in xerial framing as the Java client does)', () => {
    const plainSection = batch(7, longData).subarray(61)
    const raw = Buffer.from(snappyjs.compress(plainSection))
    // xerial: magic, version 1, compatible version 1, then length-prefixed blocks (here two).
    const half = Math.floor(plainSection.length / 2)
    const blocks = [plainSection.subarray(0, half), plainSection.subarray(half)].map((x) => Buffer.from(snappyjs.compress(x)))
    const xerial = Buffer.concat([Buffer.from([0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0x00, 0, 0, 0, 1, 0, 0, 0, 1]),
      ...blocks.flatMap((x) => [Buffer.from([0, 0, 0, x.length]), x])])
    const want = longData.map((r, i) => ({offset: 7 + i, key: r.key, value: r.value}))
    for (const [codec, section] of [[4, Buffer.from(ZSTD, 'hex')], [3, Buffer.from(LZ4, 'hex')], [2, raw], [2, xerial]] as const) {
      const res = readPartitionRecords(compressedBatch(codec, section), uncommitted)
      expect(res.records.map((r) => ({offset: r.offset, key: text(r.key), value: text(r.value)})), `codec ${codec}`).toEqual(want)
      expect(res.nextOffset).toBe(10)
    }
  })

  it('names the codec and the offset of a batch it cannot decompress, but skips one it does not need', () => {
    for (const [codec, name] of [[2, 'snappy'], [3, 'lz4'], [4, 'zstd']] as const) {
      const b = withAttributes(batch(7, data(1)), codec)
      expect(() => readPartitionRecords(b, uncommitted)).toThrow(new RegExp(`^Corrupt record batch at offset 7: ${name}: `))
      expect(readPartitionRecords(b, {...uncommitted, fromOffset: 8})).toEqual({records: [], nextOffset: 8})
    }
  })

  it('refuses message format v0/v1', () => {
    const b = batch(3, data(1))
    b.writeInt8(1, 16)
    expect(() => readPartitionRecords(b, uncommitted)).toThrow(/message format v0\/v1 is not supported/)
  })
})

describe('readPartitionRecords: transactions', () => {
  it('never returns control records, and counts control batches in nextOffset', () => {
    const records = Buffer.concat([batch(0, data(2), txn(A)), marker(2, A, 'commit')])
    for (const readCommitted of [false, true]) {
      const res = readPartitionRecords(records, {topic: 't', partition: 0, fromOffset: 0, readCommitted, abortedTransactions: []})
      expect(offsets(res.records)).toEqual([0, 1])
      expect(res.nextOffset).toBe(3)
    }
  })

  // 0–1 A (aborted) | 2 B | 3 A (aborted) | 4 B commit | 5 A abort | 6–7 A (committed) | 8 A commit | 9 plain
  // | 10 A (aborted) | 11 A abort | 12 B | 13 B commit
  const log = Buffer.concat([
    batch(0, data(2), txn(A)), batch(2, data(1), txn(B)), batch(3, data(1), txn(A)), marker(4, B, 'commit'), marker(5, A, 'abort'),
    batch(6, data(2), txn(A)), marker(8, A, 'commit'), batch(9, data(1)),
    batch(10, data(1), txn(A)), marker(11, A, 'abort'), batch(12, data(1), txn(B)), marker(13, B, 'commit'),
  ])
  // Out of order on purpose: the reader walks them by first offset, as Kafka's priority queue does.
  const abortedTransactions = [{producerId: A, firstOffset: 10}, {producerId: A, firstOffset: 0}]

  it('read_committed skips an aborted producer\'s batches only until its abort marker', () => {
    const res = readPartitionRecords(log, {topic: 't', partition: 0, fromOffset: 0, readCommitted: true, abortedTransactions})
    expect(offsets(res.records)).toEqual([2, 6, 7, 9, 12])
    expect(res.nextOffset).toBe(14)
  })

  it('read_uncommitted returns every data record', () => {
    const res = readPartitionRecords(log, {topic: 't', partition: 0, fromOffset: 0, readCommitted: false, abortedTransactions})
    expect(offsets(res.records)).toEqual([0, 1, 2, 3, 6, 7, 9, 10, 12])
    expect(res.nextOffset).toBe(14)
  })

  it('read_committed ends with nextOffset past a trailing aborted batch, and honours fromOffset', () => {
    const tail = Buffer.concat([batch(3, data(1), txn(A)), marker(4, B, 'commit'), marker(5, A, 'abort'), batch(6, data(2), txn(A))])
    const res = readPartitionRecords(tail.subarray(0, tail.length - 5), {topic: 't', partition: 0, fromOffset: 3, readCommitted: true, abortedTransactions: [{producerId: A, firstOffset: 0}]})
    expect(res).toEqual({records: [], nextOffset: 6})
    const from7 = readPartitionRecords(log, {topic: 't', partition: 0, fromOffset: 7, readCommitted: true, abortedTransactions})
    expect(offsets(from7.records)).toEqual([7, 9, 12])
  })

  it('reads the abort marker of a gzip control batch too', () => {
    const records = Buffer.concat([batch(0, data(1), txn(A)), gzipped(marker(1, A, 'abort')), batch(2, data(1), txn(A))])
    const res = readPartitionRecords(records, {topic: 't', partition: 0, fromOffset: 0, readCommitted: true, abortedTransactions: [{producerId: A, firstOffset: 0}]})
    expect(offsets(res.records)).toEqual([2])
  })
})
