import {createRequire} from 'node:module'
import fc from 'fast-check'
import {beforeAll, describe, expect, it} from 'vitest'
import {compressRecords, decompressRecords, prepareCodec} from '../../../src/cluster/protocol/compression.js'
import {compressBatch, encodeRecordBatch} from '../../../src/cluster/protocol/record-batch.js'
import {readPartitionRecords} from '../../../src/cluster/protocol/record-batch-reader.js'

const require = createRequire(import.meta.url)
// lz4js's own frame reader and fzstd are decoders written apart from the encoders under test.
const lz4 = require('lz4js') as {decompress(b: Uint8Array): Uint8Array}
const seed = Number(process.env.FC_SEED ?? Date.now() % 2 ** 31)
console.log(`compression properties: FC_SEED=${seed}`)

/** Random bytes that range from incompressible to runs of one byte (what real topics hold). */
const payload = fc.oneof(
  fc.uint8Array({maxLength: 300_000}),
  fc.tuple(fc.integer({min: 0, max: 255}), fc.integer({min: 0, max: 400_000})).map(([b, n]) => new Uint8Array(n).fill(b)),
  fc.array(fc.tuple(fc.uint8Array({minLength: 1, maxLength: 40}), fc.integer({min: 1, max: 3000})), {maxLength: 40})
    .map((parts) => Buffer.concat(parts.map(([p, n]) => Buffer.concat(Array.from({length: n}, () => Buffer.from(p)))))),
).map((u) => Buffer.from(u))

describe('record compression (write side)', () => {
  beforeAll(() => prepareCodec(4))

  for (const [codec, name] of [[1, 'gzip'], [2, 'snappy'], [3, 'lz4'], [4, 'zstd']] as const) {
    it(`${name}: whatever is compressed decompresses to the same bytes`, () => {
      fc.assert(fc.property(payload, (data) => {
        expect(decompressRecords(codec, compressRecords(codec, data)).equals(data)).toBe(true)
      }), {seed, numRuns: 40})
    })
  }

  it('lz4 frames carry independent blocks of a size Kafka reads (64 KB–4 MB) and a header checksum another reader accepts', () => {
    const data = Buffer.alloc(1_000_000, 7)
    const frame = compressRecords(3, data)
    // FLG: version 01, independent blocks (Kafka's reader decompresses each block on its own), no content size.
    expect(frame[4]! & 0xe8).toBe(0x60)
    // BD: block maximum size code 4 (64 KB) to 7 (4 MB).
    expect((frame[5]! >> 4) & 7).toBeGreaterThanOrEqual(4)
    expect(Buffer.from(lz4.decompress(frame)).equals(data)).toBe(true)
  })

  it('snappy is written in xerial framing, as the Java client does', () => {
    const frame = compressRecords(2, Buffer.from('abc'.repeat(50_000)))
    expect(frame.subarray(0, 8).equals(Buffer.from([0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0x00]))).toBe(true)
  })

  it('a compressed batch reads back as the same records, and zero-filled values shrink', () => {
    const records = Array.from({length: 200}, (_, i) => ({key: `k${i}`, value: Buffer.alloc(5000), timestamp: 1_700_000_000_000 + i}))
    const plain = encodeRecordBatch(records, {producerId: 1n, producerEpoch: 0, baseSequence: 0, transactional: true})
    for (const codec of [1, 2, 3, 4]) {
      const batch = compressBatch(plain, codec)
      expect(batch.length).toBeLessThan(plain.length / 20)
      const read = readPartitionRecords(batch, {topic: 't', partition: 0, fromOffset: 0, readCommitted: false, abortedTransactions: []})
      expect(read.nextOffset).toBe(200)
      expect(read.records.map((r) => [r.key?.toString(), r.value?.length, r.timestamp])).toEqual(records.map((r) => [r.key, 5000, r.timestamp]))
    }
  })
})
