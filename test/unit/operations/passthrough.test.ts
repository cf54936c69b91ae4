/**
 * A plain copy writes fetched batches whole (record-batch-reader.ts RawBatch, record-batch.ts
 * rewriteBatchHeader): which batches qualify, what the rewritten header says, and that the records
 * read back from it are the source's, byte for byte. Property tests with the seed logged:
 * STREAMCTL_FC_SEED=<seed> replays a run.
 */
import {crc32c} from '@node-rs/crc32'
import fc from 'fast-check'
import {beforeAll, describe, expect, it} from 'vitest'
import {prepareCodec} from '../../../src/cluster/protocol/compression.js'
import {compressBatch, encodeRecordBatch, rewriteBatchHeader, type BatchProducer, type BatchRecord} from '../../../src/cluster/protocol/record-batch.js'
import {decodeRawBatch, readPartitionRecords, type FetchedRecord, type RawBatch} from '../../../src/cluster/protocol/record-batch-reader.js'
import {decodeSome} from '../../../src/operations/partition-worker.js'

const seed = Number(process.env.STREAMCTL_FC_SEED ?? Date.now() % 2 ** 31)
console.log(`passthrough: fast-check seed ${seed} (replay with STREAMCTL_FC_SEED=${seed})`)
const params = {seed, numRuns: 200}

const T0 = 1_700_000_000_000
const NONE: BatchProducer = {producerId: -1n, producerEpoch: -1, baseSequence: -1, transactional: false}
const read = (buf: Buffer, fromOffset = 0) => readPartitionRecords(buf, {topic: 't', partition: 3, fromOffset, readCommitted: true, abortedTransactions: [], passthrough: true})
const plainRead = (buf: Buffer, fromOffset = 0) => readPartitionRecords(buf, {topic: 't', partition: 3, fromOffset, readCommitted: false, abortedTransactions: []})
const fields = (r: FetchedRecord) => ({key: r.key, value: r.value, headers: r.headers, timestamp: r.timestamp})

/** A source batch as Kafka stores it: encoded, compressed with `codec`, placed at `baseOffset` with a leader epoch. */
function stored(records: readonly BatchRecord[], codec: number, baseOffset: number, producer: BatchProducer = NONE): Buffer {
  const b = compressBatch(encodeRecordBatch(records, producer, T0), codec)
  b.writeBigInt64BE(BigInt(baseOffset), 0)
  b.writeInt32BE(7, 12)
  return b
}

function setAttributes(b: Buffer, bits: number): Buffer {
  b.writeInt16BE(b.readInt16BE(21) | bits, 21)
  b.writeUInt32BE(crc32c(b.subarray(21)), 17)
  return b
}

const bytes = fc.oneof(fc.uint8Array({maxLength: 60}), fc.constant(new Uint8Array([0xff, 0xfe, 0x00, 0xc3])), fc.constant(new Uint8Array(0))).map((a) => Buffer.from(a))
const record = fc.record({
  key: fc.option(bytes, {nil: null}),
  value: fc.option(bytes, {nil: null}),
  headers: fc.array(fc.tuple(fc.constantFrom('a', 'b', 'trace', 'é'), fc.option(bytes, {nil: null})), {maxLength: 5}),
  timestamp: fc.integer({min: T0 - 1e9, max: T0 + 1e9}),
})
const producer = fc.record({
  producerId: fc.bigInt({min: 0n, max: 2n ** 62n}),
  producerEpoch: fc.integer({min: 0, max: 32767}),
  baseSequence: fc.integer({min: 0, max: 2 ** 31 - 1}),
  transactional: fc.boolean(),
})

describe('passthrough: a fetched batch written whole', () => {
  beforeAll(async () => {
    for (const codec of [1, 2, 3, 4]) await prepareCodec(codec)
  })

  it('qualifies whole at or after the fetch offset, and its rewritten header is the producer\'s while the records stay byte for byte', () => {
    fc.assert(fc.property(fc.array(record, {minLength: 1, maxLength: 30}), fc.constantFrom(0, 1, 2, 3, 4), fc.integer({min: 0, max: 2 ** 40}), producer, (records, codec, base, to) => {
      const src = stored(records, codec, base, {producerId: 99n, producerEpoch: 3, baseSequence: 10, transactional: true})
      const res = read(src, base)
      expect(res.records).toEqual([])
      expect(res.codec).toBe(codec)
      expect(res.nextOffset).toBe(base + records.length)
      expect(res.raw).toHaveLength(1)
      const raw = res.raw![0]!
      expect(raw).toMatchObject({baseOffset: base, count: records.length, codec})
      expect(raw.bytes.equals(src)).toBe(true)

      const out = rewriteBatchHeader(raw.bytes, to)
      // The source bytes are not touched: a fallback can still decode them.
      expect(raw.bytes.equals(src)).toBe(true)
      expect(out.length).toBe(src.length)
      expect(out.readBigInt64BE(0)).toBe(0n)
      expect(out.readInt32BE(8)).toBe(src.length - 12)
      expect(out.readInt32BE(12)).toBe(-1)
      expect(out.readInt8(16)).toBe(2)
      expect(out.readUInt32BE(17)).toBe(crc32c(out.subarray(21)))
      expect(out.readInt16BE(21)).toBe(codec | (to.transactional ? 0x10 : 0))
      expect(out.readInt32BE(23)).toBe(records.length - 1)
      expect(out.subarray(27, 43).equals(src.subarray(27, 43))).toBe(true) // base and max timestamps
      expect(out.readBigInt64BE(43)).toBe(to.producerId)
      expect(out.readInt16BE(51)).toBe(to.producerEpoch)
      expect(out.readInt32BE(53)).toBe(to.baseSequence)
      expect(out.readInt32BE(57)).toBe(records.length)
      expect(out.subarray(61).equals(src.subarray(61))).toBe(true)

      // Read back as a consumer of the target would, and as the per-record path would decode the source.
      const back = plainRead(out).records
      expect(back.map((r) => r.offset)).toEqual(records.map((_, i) => i))
      expect(back.map(fields)).toEqual(plainRead(src, base).records.map(fields))
      expect(back.map(fields)).toEqual(records.map((r) => ({...r, headers: r.headers.length === 0 ? [] : r.headers})))
      expect(decodeRawBatch(raw, 't', 3)).toEqual(plainRead(src, base).records)
    }), params)
  })

  it('decodes what does not qualify: a batch starting before the fetch offset, log-append time, offsets removed by compaction, uneven uncompressed deltas', () => {
    const rs = Array.from({length: 4}, (_, i): BatchRecord => ({key: `k${i}`, value: `v${i}`, timestamp: T0}))
    const straddling = read(stored(rs, 0, 100), 102)
    expect(straddling.raw).toBeUndefined()
    expect(straddling.records.map((r) => r.offset)).toEqual([102, 103])

    const lat = setAttributes(stored(rs, 4, 100), 0x08)
    expect(read(lat, 100).raw).toBeUndefined()
    expect(read(lat, 100).records).toHaveLength(4)

    // Compaction kept the batch's lastOffsetDelta (3) but removed a record: 3 records, count 3.
    const compacted = stored(rs.slice(0, 3), 0, 100)
    compacted.writeInt32BE(3, 23)
    setAttributes(compacted, 0)
    expect(read(compacted, 100).raw).toBeUndefined()
    expect(read(compacted, 100).nextOffset).toBe(104)

    // Uncompressed, count = lastOffsetDelta + 1, but the second record says delta 2 (a client bug the broker lets through).
    const uneven = stored(rs, 0, 100)
    let o = 61
    const firstLength = uneven[o]! >>> 1
    o += 1 + firstLength // second record: length(1) attributes(1) timestampDelta(1) offsetDelta
    expect(uneven[o + 3]).toBe(2) // zigzag(1)
    uneven[o + 3] = 4 // zigzag(2)
    setAttributes(uneven, 0)
    const res = read(uneven, 100)
    expect(res.raw).toBeUndefined()
    expect(res.records.map((r) => r.offset)).toEqual([100, 102, 102, 103])
  })

  it('never keeps a control batch or an aborted transaction\'s batch', () => {
    const rs: BatchRecord[] = [{key: 'a', value: '1', timestamp: T0}]
    const txn = {producerId: 5n, producerEpoch: 0, baseSequence: 0, transactional: true}
    const data = stored(rs, 0, 0, txn)
    const marker = setAttributes(stored([{key: Buffer.from([0, 0, 0, 0]), value: Buffer.from([0, 0, 0, 0, 0, 5])}], 0, 1, {...txn, baseSequence: -1}), 0x20)
    const after = stored(rs, 0, 2)
    const res = readPartitionRecords(Buffer.concat([data, marker, after]), {topic: 't', partition: 0, fromOffset: 0, readCommitted: true, abortedTransactions: [{producerId: 5n, firstOffset: 0}], passthrough: true})
    expect(res.raw?.map((b) => b.baseOffset)).toEqual([2])
    expect(res.nextOffset).toBe(3)
  })

  it('refuses to rewrite anything but a whole magic v2 batch', () => {
    const b = stored([{key: 'a', value: '1'}], 0, 0)
    expect(() => rewriteBatchHeader(b.subarray(0, b.length - 1), NONE)).toThrow(RangeError)
    const v1 = Buffer.from(b)
    v1.writeInt8(1, 16)
    expect(() => rewriteBatchHeader(v1, NONE)).toThrow(RangeError)
  })

  it('decodeSome decodes the batches it rejects among the records, in offset order', () => {
    const rs = (n: number, from: number): BatchRecord[] => Array.from({length: n}, (_, i) => ({key: `k${from + i}`, value: `v${from + i}`, timestamp: T0}))
    const batches = [stored(rs(2, 0), 0, 0), stored(rs(3, 2), 4, 2), stored(rs(2, 5), 0, 5), stored(rs(1, 7), 1, 7)]
    // Batches 0 and 2 were decoded by the fetcher; 1 and 3 kept whole.
    const records = [...plainRead(batches[0]!).records, ...plainRead(batches[2]!).records]
    const raw: RawBatch[] = [batches[1]!, batches[3]!].map((bytes) => read(bytes).raw![0]!)
    const kept = decodeSome(records, raw, (b) => b.baseOffset === 7, 't', 3)
    expect(kept.raw.map((b) => b.baseOffset)).toEqual([7])
    expect(kept.records.map((r) => [r.offset, r.key?.toString()])).toEqual([0, 1, 2, 3, 4, 5, 6].map((i) => [i, `k${i}`]))
    const none = decodeSome(records, raw, () => false, 't', 3)
    expect(none.raw).toEqual([])
    expect(none.records.map((r) => r.offset)).toEqual([0, 1, 2, 3, 4, 5, 6, 7])
  })
})
