import {crc32c} from '@node-rs/crc32'

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
  readonly headers?: Readonly<Record<string, Buffer | string | undefined>>
  /** Milliseconds since the epoch; the batch's first timestamp when absent. */
  readonly timestamp?: number
}

export interface BatchProducer {
  readonly producerId: bigint
  readonly producerEpoch: number
  readonly baseSequence: number
  readonly transactional: boolean
}

const TRANSACTIONAL = 0x10
const NO_PARTITION_LEADER_EPOCH = -1
/** baseOffset(8) + batchLength(4) + partitionLeaderEpoch(4) + magic(1) + crc(4). */
const PREFIX = 21
/** attributes(2) lastOffsetDelta(4) baseTimestamp(8) maxTimestamp(8) producerId(8) epoch(2) sequence(4) count(4). */
const CRC_COVERED_HEADER = 40

interface Sized {
  key: Buffer | null
  value: Buffer | null
  headers: [Buffer, Buffer | null][]
  timestampDelta: number
  bodySize: number
}

export function encodeRecordBatch(records: readonly BatchRecord[], producer: BatchProducer, now = Date.now()): Buffer {
  if (records.length === 0) throw new RangeError('a record batch holds at least one record')
  const baseTimestamp = records[0]!.timestamp ?? now
  let maxTimestamp = baseTimestamp
  let recordsSize = 0
  const sized: Sized[] = new Array(records.length)
  for (let i = 0; i < records.length; i++) {
    const r = records[i]!
    const ts = r.timestamp ?? baseTimestamp
    if (ts > maxTimestamp) maxTimestamp = ts
    const key = toBuffer(r.key)
    const value = toBuffer(r.value)
    const headers: [Buffer, Buffer | null][] = []
    let headersSize = 0
    if (r.headers) {
      for (const name of Object.keys(r.headers)) {
        const hv = r.headers[name]
        if (hv === undefined) continue
        const hk = Buffer.from(name, 'utf8')
        const hb = toBuffer(hv)
        headers.push([hk, hb])
        headersSize += varintSize(hk.length) + hk.length + (hb ? varintSize(hb.length) + hb.length : 1)
      }
    }
    const timestampDelta = ts - baseTimestamp
    const bodySize = 1 + varintSize(timestampDelta) + varintSize(i)
      + (key ? varintSize(key.length) + key.length : 1)
      + (value ? varintSize(value.length) + value.length : 1)
      + varintSize(headers.length) + headersSize
    sized[i] = {key, value, headers, timestampDelta, bodySize}
    recordsSize += varintSize(bodySize) + bodySize
  }

  const buf = Buffer.allocUnsafe(PREFIX + CRC_COVERED_HEADER + recordsSize)
  buf.writeBigInt64BE(0n, 0)
  buf.writeInt32BE(buf.length - 12, 8)
  buf.writeInt32BE(NO_PARTITION_LEADER_EPOCH, 12)
  buf.writeInt8(2, 16)
  let o = PREFIX
  o = buf.writeInt16BE(producer.transactional ? TRANSACTIONAL : 0, o)
  o = buf.writeInt32BE(records.length - 1, o)
  o = buf.writeBigInt64BE(BigInt(baseTimestamp), o)
  o = buf.writeBigInt64BE(BigInt(maxTimestamp), o)
  o = buf.writeBigInt64BE(producer.producerId, o)
  o = buf.writeInt16BE(producer.producerEpoch, o)
  o = buf.writeInt32BE(producer.baseSequence, o)
  o = buf.writeInt32BE(records.length, o)
  for (let i = 0; i < sized.length; i++) {
    const s = sized[i]!
    o = writeVarint(buf, o, s.bodySize)
    buf[o++] = 0
    o = writeVarint(buf, o, s.timestampDelta)
    o = writeVarint(buf, o, i)
    o = writeBytes(buf, o, s.key)
    o = writeBytes(buf, o, s.value)
    o = writeVarint(buf, o, s.headers.length)
    for (const [hk, hv] of s.headers) {
      o = writeBytes(buf, o, hk)
      o = writeBytes(buf, o, hv)
    }
  }
  buf.writeUInt32BE(crc32c(buf.subarray(PREFIX)), 17)
  return buf
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
  b.copy(buf, o)
  return o + b.length
}
