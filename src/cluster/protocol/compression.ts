import {createRequire} from 'node:module'
import {gunzipSync, gzipSync} from 'node:zlib'
import {decompress as zstdDecompress} from 'fzstd'

/**
 * The codecs of Kafka's record batches (attributes bits 0–2), both ways: gzip from Node's zlib;
 * snappy, lz4 and zstd decoding from small pure-JS libraries (snappyjs, lz4js, fzstd), zstd
 * encoding from WebAssembly (see prepareCodec), lz4 encoding from lz4-napi (lz4_flex, prebuilt):
 * lz4js's block compressor may start a match inside a block's last 12 bytes, which the LZ4 spec
 * forbids and the reference decoder (the broker's, via lz4-java) rejects as corrupt. Snappy comes
 * two ways: the Java client writes xerial's framing (a magic header, then length-prefixed blocks),
 * librdkafka a raw block; both are read. LZ4 is the LZ4 frame format (KafkaLZ4BlockOutputStream).
 */
const require = createRequire(import.meta.url)
const snappy = require('snappyjs') as {uncompress(b: Uint8Array): Uint8Array; compress(b: Uint8Array): Uint8Array}
const lz4 = require('lz4js') as {decompress(b: Uint8Array): Uint8Array}
/** lz4_flex's frame encoder defaults: independent 64 KB blocks, no checksums, no content size (what Kafka's reader takes). */
const lz4Frames = require('lz4-napi') as {compressFrameSync(b: Buffer): Buffer}

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

/** The codec ids of a batch's attributes, by Kafka's names (`compression.type`, `none` for uncompressed). */
export type CodecName = (typeof CODECS)[number]

export function codecId(name: CodecName): number {
  return CODECS.indexOf(name)
}

/**
 * zstd compression comes from the reference C library built to WebAssembly (@bokuweb/zstd-wasm):
 * fzstd only decodes, Node 20's zlib has no zstd, and a native addon would need a prebuilt binary
 * per platform. The wasm module loads once, asynchronously: call before compressRecords(4, …).
 */
type ZstdWasm = {init(): Promise<void>; compress(b: Uint8Array, level?: number): Uint8Array}
let zstdWasm: Promise<ZstdWasm> | undefined
let zstdReady: ZstdWasm | undefined

export async function prepareCodec(codec: number): Promise<void> {
  if (codec !== 4 || zstdReady) return
  zstdWasm ??= (async () => {
    const m = require('@bokuweb/zstd-wasm') as ZstdWasm
    await m.init()
    return m
  })()
  zstdReady = await zstdWasm
}

/** Kafka's default levels (compression.gzip.level -1 = zlib's 6, compression.zstd.level 3). */
const ZSTD_LEVEL = 3

/**
 * The records section of a batch compressed the way Kafka's Java client does it, so that every
 * broker and client reads it: gzip; snappy in xerial's framing (SnappyOutputStream, 32 KB blocks);
 * lz4 as an LZ4 frame with independent 64 KB blocks and a correct header checksum (what
 * Lz4BlockOutputStream writes for magic v2: the reader decompresses each block on its own);
 * zstd as a standard zstd frame.
 */
export function compressRecords(codec: number, data: Buffer): Buffer {
  switch (codec) {
    case 1:
      return gzipSync(data)
    case 2:
      return xerialSnappy(data)
    case 3:
      return asBuffer(lz4Frames.compressFrameSync(data))
    case 4:
      if (!zstdReady) throw new Error('zstd is not loaded: call prepareCodec(4) first')
      return asBuffer(zstdReady.compress(data, ZSTD_LEVEL))
    default:
      throw new Error(`unknown compression codec ${codec}`)
  }
}

const XERIAL_BLOCK = 32 * 1024

function xerialSnappy(data: Buffer): Buffer {
  const parts: Buffer[] = [XERIAL_MAGIC, int32(1), int32(1)]
  for (let o = 0; o < data.length; o += XERIAL_BLOCK) {
    const block = asBuffer(snappy.compress(data.subarray(o, Math.min(data.length, o + XERIAL_BLOCK))))
    parts.push(int32(block.length), block)
  }
  return Buffer.concat(parts)
}

function int32(v: number): Buffer {
  const b = Buffer.allocUnsafe(4)
  b.writeInt32BE(v, 0)
  return b
}
