import {crc32c} from '@node-rs/crc32'
import {compressRecords} from './compression.js'

/**
 * Kafka's record batch (magic v2, uncompressed) as a producer writes it, encoded in one pass into
 * one Buffer. kafkajs builds a small Encoder per record and field, which caps a job near 70k
 * records/s; this is the hot path of every job's output, so it sizes everything first, allocates
 * once and writes in place. CRC-32C (Castagnoli) over attributes..end, as Kafka's DefaultRecordBatch
 * defines it, comes from a native implementation (@node-rs/crc32).
 */
export interface BatchRecord {
  readonly key: Buffer | string | null
  readonly value: Buffer | string | null
  /** In order, as [name, value]; names may repeat; a null value is a header without value. */
  readonly headers?: readonly (readonly [name: string, value: Buffer | string | null])[]
  /** Milliseconds since the epoch (a decimal string is accepted too); the batch's first timestamp when absent. */
  readonly timestamp?: number | string
}

export interface BatchProducer {
  readonly producerId: bigint
  readonly producerEpoch: number
  readonly baseSequence: number
  readonly transactional: boolean
}

export const TRANSACTIONAL = 0x10
const NO_PARTITION_LEADER_EPOCH = -1
/** baseOffset(8) + batchLength(4) + partitionLeaderEpoch(4) + magic(1) + crc(4). */
export const PREFIX = 21
/** attributes(2) lastOffsetDelta(4) baseTimestamp(8) maxTimestamp(8) producerId(8) epoch(2) sequence(4) count(4). */
export const CRC_COVERED_HEADER = 40

/**
 * Two passes over the records, sizing then writing, with per-record sizes in typed arrays: a job
 * encodes every record it writes here, so the passes allocate nothing per record but the output.
 */
export function encodeRecordBatch(records: readonly BatchRecord[], producer: BatchProducer, now = Date.now()): Buffer {
  const n = records.length
  if (n === 0) throw new RangeError('a record batch holds at least one record')
  const first = records[0]!.timestamp
  const baseTimestamp = first === undefined ? now : Number(first)
  let maxTimestamp = baseTimestamp
  let recordsSize = 0
  const keys: (Buffer | null)[] = new Array(n)
  const values: (Buffer | null)[] = new Array(n)
  const deltas = new Float64Array(n)
  const bodySizes = new Int32Array(n)
  for (let i = 0; i < n; i++) {
    const r = records[i]!
    const ts = r.timestamp === undefined ? baseTimestamp : Number(r.timestamp)
    if (ts > maxTimestamp) maxTimestamp = ts
    const key = (keys[i] = toBuffer(r.key))
    const value = (values[i] = toBuffer(r.value))
    let headerCount = 0
    let headersSize = 0
    if (r.headers) {
      for (const [name, hv] of r.headers) {
        headerCount++
        const nameSize = Buffer.byteLength(name, 'utf8')
        headersSize += varintSize(nameSize) + nameSize
        if (hv === null) headersSize += 1
        else {
          const valueSize = typeof hv === 'string' ? Buffer.byteLength(hv, 'utf8') : hv.length
          headersSize += varintSize(valueSize) + valueSize
        }
      }
    }
    const timestampDelta = (deltas[i] = ts - baseTimestamp)
    const bodySize = 1 + varintSize(timestampDelta) + varintSize(i)
      + (key ? varintSize(key.length) + key.length : 1)
      + (value ? varintSize(value.length) + value.length : 1)
      + varintSize(headerCount) + headersSize
    bodySizes[i] = bodySize
    recordsSize += varintSize(bodySize) + bodySize
  }

  const buf = Buffer.allocUnsafe(PREFIX + CRC_COVERED_HEADER + recordsSize)
  buf.writeBigInt64BE(0n, 0)
  buf.writeInt32BE(buf.length - 12, 8)
  buf.writeInt32BE(NO_PARTITION_LEADER_EPOCH, 12)
  buf.writeInt8(2, 16)
  let o = PREFIX
  o = buf.writeInt16BE(producer.transactional ? TRANSACTIONAL : 0, o)
  o = buf.writeInt32BE(n - 1, o)
  o = buf.writeBigInt64BE(BigInt(baseTimestamp), o)
  o = buf.writeBigInt64BE(BigInt(maxTimestamp), o)
  o = buf.writeBigInt64BE(producer.producerId, o)
  o = buf.writeInt16BE(producer.producerEpoch, o)
  o = buf.writeInt32BE(producer.baseSequence, o)
  o = buf.writeInt32BE(n, o)
  for (let i = 0; i < n; i++) {
    o = writeVarint(buf, o, bodySizes[i]!)
    buf[o++] = 0
    o = writeVarint(buf, o, deltas[i]!)
    o = writeVarint(buf, o, i)
    o = writeBytes(buf, o, keys[i]!)
    o = writeBytes(buf, o, values[i]!)
    const headers = records[i]!.headers
    o = writeVarint(buf, o, headers ? headers.length : 0)
    if (headers) {
      for (const [name, hv] of headers) {
        o = writeText(buf, o, name)
        if (hv === null) o = writeVarint(buf, o, -1)
        else if (typeof hv === 'string') o = writeText(buf, o, hv)
        else o = writeBytes(buf, o, hv)
      }
    }
  }
  if (o !== buf.length) throw new Error(`record batch sized ${buf.length} bytes but ${o} written`)
  buf.writeUInt32BE(crc32c(buf.subarray(PREFIX)), 17)
  return buf
}

/** Bits 0–2 of a batch's attributes: the codec of its records section. */
const CODEC_MASK = 0x07

/**
 * An uncompressed batch (encodeRecordBatch's output) with its records section compressed by
 * `codec` (compression.ts): the header is kept, the codec bits set, the length and CRC redone.
 * Codec 0 returns the batch as it is.
 */
export function compressBatch(batch: Buffer, codec: number): Buffer {
  if (codec === 0) return batch
  const head = PREFIX + CRC_COVERED_HEADER
  const section = compressRecords(codec, batch.subarray(head))
  const out = Buffer.allocUnsafe(head + section.length)
  batch.copy(out, 0, 0, head)
  out.set(section, head)
  out.writeInt32BE(out.length - 12, 8)
  out.writeInt16BE((batch.readInt16BE(PREFIX) & ~CODEC_MASK) | codec, PREFIX)
  out.writeUInt32BE(crc32c(out.subarray(PREFIX)), 17)
  return out
}

/**
 * A fetched data batch (magic v2, a RawBatch of record-batch-reader.ts) made into one this
 * producer writes: its records section (compressed or not), record count, lastOffsetDelta and
 * timestamps stay as they are; the header gets base offset 0, no partition leader epoch, the
 * producer's id, epoch and base sequence, attributes of the codec and the transactional bit only
 * (no timestamp type, control or delete-horizon bit: the caller passes CreateTime data batches),
 * and a new CRC-32C. The input is not modified: the result is a copy.
 */
export function rewriteBatchHeader(batch: Buffer, producer: BatchProducer): Buffer {
  if (batch.length < PREFIX + CRC_COVERED_HEADER || batch.readInt8(16) !== 2 || batch.readInt32BE(8) !== batch.length - 12) {
    throw new RangeError('not a whole magic v2 record batch')
  }
  const out = Buffer.allocUnsafe(batch.length)
  out.set(batch)
  out.writeBigInt64BE(0n, 0)
  out.writeInt32BE(NO_PARTITION_LEADER_EPOCH, 12)
  out.writeInt16BE((batch.readInt16BE(PREFIX) & CODEC_MASK) | (producer.transactional ? TRANSACTIONAL : 0), PREFIX)
  out.writeBigInt64BE(producer.producerId, PREFIX + 22)
  out.writeInt16BE(producer.producerEpoch, PREFIX + 30)
  out.writeInt32BE(producer.baseSequence, PREFIX + 32)
  out.writeUInt32BE(crc32c(out.subarray(PREFIX)), 17)
  return out
}

function writeText(buf: Buffer, o: number, s: string): number {
  const size = Buffer.byteLength(s, 'utf8')
  o = writeVarint(buf, o, size)
  return o + buf.write(s, o, size, 'utf8')
}

function toBuffer(v: Buffer | string | null | undefined): Buffer | null {
  if (v === null || v === undefined) return null
  return typeof v === 'string' ? Buffer.from(v, 'utf8') : v
}

/** Zigzag, as Kafka's ByteUtils.writeVarint/writeVarlong; plain arithmetic keeps 53-bit values exact. */
function zigzag(v: number): number {
  return v >= 0 ? v * 2 : -v * 2 - 1
}

export function varintSize(v: number): number {
  let z = zigzag(v)
  let n = 1
  while (z >= 0x80) {
    z = Math.floor(z / 128)
    n++
  }
  return n
}

function writeVarint(buf: Buffer, o: number, v: number): number {
  let z = zigzag(v)
  while (z >= 0x80) {
    buf[o++] = (z % 128) | 0x80
    z = Math.floor(z / 128)
  }
  buf[o++] = z
  return o
}

function writeBytes(buf: Buffer, o: number, b: Buffer | null): number {
  if (b === null) return writeVarint(buf, o, -1)
  o = writeVarint(buf, o, b.length)
  // TypedArray#set: Buffer#copy's argument checks cost more than the copy for record-sized values.
  buf.set(b, o)
  return o + b.length
}
