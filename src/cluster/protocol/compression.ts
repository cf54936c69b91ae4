import {createRequire} from 'node:module'
import {gunzipSync} from 'node:zlib'
import {decompress as zstdDecompress} from 'fzstd'

/**
 * Decompressors for the codecs of Kafka's record batches (attributes bits 0–2): gzip from Node's
 * zlib; snappy, lz4 and zstd from small pure-JS libraries (snappyjs, lz4js, fzstd) — a job only
 * reads compressed batches, and pure JS needs no native build on any machine. Snappy comes two
 * ways: the Java client writes xerial's framing (a magic header, then length-prefixed blocks),
 * librdkafka a raw block; both are read. LZ4 is the LZ4 frame format (KafkaLZ4BlockOutputStream).
 */
const require = createRequire(import.meta.url)
const snappy = require('snappyjs') as {uncompress(b: Uint8Array): Uint8Array}
const lz4 = require('lz4js') as {decompress(b: Uint8Array): Uint8Array}

export const CODECS = ['none', 'gzip', 'snappy', 'lz4', 'zstd'] as const

/** xerial snappy-java's stream header: 0x82 "SNAPPY" 0x00, then version and compatible version (int32 each). */
const XERIAL_MAGIC = Buffer.from([0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0x00])
const XERIAL_HEADER = 16

/** The records section of a batch compressed with `codec` (1–4), uncompressed. Throws on corrupt input. */
export function decompressRecords(codec: number, data: Buffer): Buffer {
  switch (codec) {
    case 1:
      return gunzipSync(data)
    case 2:
      return unsnappy(data)
    case 3:
      return asBuffer(lz4.decompress(data))
    case 4:
      return asBuffer(zstdDecompress(data))
    default:
      throw new Error(`unknown compression codec ${codec}`)
  }
}

function unsnappy(data: Buffer): Buffer {
  if (data.length < XERIAL_HEADER || !data.subarray(0, XERIAL_MAGIC.length).equals(XERIAL_MAGIC)) return asBuffer(snappy.uncompress(data))
  const blocks: Buffer[] = []
  for (let o = XERIAL_HEADER; o < data.length;) {
    if (data.length - o < 4) throw new Error('snappy: truncated block length')
    const size = data.readInt32BE(o)
    o += 4
    if (size < 0 || o + size > data.length) throw new Error(`snappy: block of ${size} bytes overruns the batch`)
    blocks.push(asBuffer(snappy.uncompress(data.subarray(o, o + size))))
    o += size
  }
  return blocks.length === 1 ? blocks[0]! : Buffer.concat(blocks)
}

function asBuffer(u: Uint8Array): Buffer {
  return Buffer.isBuffer(u) ? u : Buffer.from(u.buffer, u.byteOffset, u.byteLength)
}
