import {CODECS, decompressRecords} from './compression.js'
import type {AbortedTransaction} from './fetch.js'
import {CRC_COVERED_HEADER, PREFIX, TRANSACTIONAL} from './record-batch.js'

/**
 * Decodes the `records` of one partition of a Fetch response: magic v2 record batches as Kafka's
 * DefaultRecordBatch/DefaultRecord lay them out, filtered as the Java consumer's CompletedFetch does.
 * This is the job runtime's hot input path, so keys and values are views (no copies), offsets and
 * timestamps are plain numbers (exact below 2^53), and the only allocations per record are the
 * record, its headers list and the two views. CRCs are not verified (kafkajs does not either).
 */
export interface FetchedRecord {
  readonly topic: string
  readonly partition: number
  readonly offset: number
  readonly timestamp: number
  /** Views into the fetch response (or the decompressed batch): no copies. */
  readonly key: Buffer | null
  readonly value: Buffer | null
  /** Every header in order, as [name, value]: a repeated name appears each time; a null header value is null. */
  readonly headers: readonly (readonly [name: string, value: Buffer | null])[]
}

export interface PartitionRecords {
  /** Data records at or after fromOffset, in offset order; for read_committed without control records and records of aborted transactions. */
  readonly records: FetchedRecord[]
  /** One past the last offset of the last *complete* batch seen (data, control or aborted); undefined when no complete batch. */
  readonly nextOffset: number | undefined
  /** The codec (attributes bits 0–2) of the last data batch read: a copy can write with the same one. */
  readonly codec?: number
  /**
   * With `passthrough`: the data batches kept whole instead of decoded (see RawBatch), in offset
   * order; `records` then holds the records of the other batches only, and the two interleave by offset.
   */
  readonly raw?: RawBatch[]
}

/**
 * A data batch of the log as its bytes (a view into the fetch response, header included), for a
 * copy that writes it through unchanged but for its header (record-batch.ts rewriteBatchHeader).
 * Only a batch the target can take as it is qualifies: wholly at or after the fetch offset, no
 * control batch, CreateTime, and its records at offset deltas 0..count-1 (none removed by
 * compaction: the broker derives the batch's last offset and last sequence from lastOffsetDelta,
 * and refuses a count that differs from it).
 */
export interface RawBatch {
  readonly baseOffset: number
  readonly count: number
  /** Attributes bits 0–2 (0 uncompressed). */
  readonly codec: number
  readonly bytes: Buffer
}

/** baseOffset(8) + batchLength(4): Kafka's Records.LOG_OVERHEAD. */
const LOG_OVERHEAD = 12
const MAGIC_OFFSET = 16
const HEADER_SIZE_UP_TO_MAGIC = MAGIC_OFFSET + 1
const ATTRIBUTES_OFFSET = PREFIX
const LAST_OFFSET_DELTA_OFFSET = ATTRIBUTES_OFFSET + 2
const BASE_TIMESTAMP_OFFSET = LAST_OFFSET_DELTA_OFFSET + 4
const MAX_TIMESTAMP_OFFSET = BASE_TIMESTAMP_OFFSET + 8
const PRODUCER_ID_OFFSET = MAX_TIMESTAMP_OFFSET + 8
const RECORDS_COUNT_OFFSET = PRODUCER_ID_OFFSET + 8 + 2 + 4
const RECORD_BATCH_OVERHEAD = PREFIX + CRC_COVERED_HEADER
/** The smallest legacy (v0) message: Kafka rejects any batch length below it, whatever the magic. */
const MIN_BATCH_LENGTH = 14

const COMPRESSION_MASK = 0x07
const TIMESTAMP_TYPE_LOG_APPEND = 0x08
const CONTROL = 0x20
const ABORT_MARKER = 0

/** Shared by every record without headers (most of them): one object less per record. Frozen, so a stage that writes into it fails loudly. */
const NO_HEADERS: readonly (readonly [string, Buffer | null])[] = Object.freeze([])

export function readPartitionRecords(records: Buffer | null, options: {
  /** Stamped on every record: what the job runtime hands its stages, without another object per record. */
  readonly topic: string
  readonly partition: number
  readonly fromOffset: number
  readonly readCommitted: boolean
  readonly abortedTransactions: readonly AbortedTransaction[]
  /** Keep every batch that qualifies as a RawBatch (undecoded) instead of decoding it. */
  readonly passthrough?: boolean
}): PartitionRecords {
  const out: FetchedRecord[] = []
  let raw: RawBatch[] | undefined
  let nextOffset: number | undefined
  let lastCodec: number | undefined
  if (records === null) return {records: out, nextOffset}
  const fromOffset = options.fromOffset
  // CompletedFetch: aborted transactions in first-offset order; a producer joins the aborted set once
  // a batch of any producer reaches that offset, and leaves it at its own ABORT marker.
  const aborted = options.readCommitted && options.abortedTransactions.length > 0
    ? [...options.abortedTransactions].sort((a, b) => a.firstOffset - b.firstOffset)
    : undefined
  let nextAborted = 0
  const abortedProducers = new Set<bigint>()

  const end = records.length
  let o = 0
  // Mirrors ByteBufferLogInputStream.nextBatch: a trailing partial batch (Kafka cuts at max bytes) ends the read.
  while (end - o >= LOG_OVERHEAD) {
    const baseOffset = int64(records, o)
    const batchLength = records.readInt32BE(o + 8)
    if (batchLength < MIN_BATCH_LENGTH) throw corrupt(baseOffset, `batch length ${batchLength}`)
    if (end - o < HEADER_SIZE_UP_TO_MAGIC) break
    const magic = records.readInt8(o + MAGIC_OFFSET)
    if (magic !== 2) {
      throw new Error(magic === 0 || magic === 1
        ? `Record batch at offset ${baseOffset} uses message format v${magic}: message format v0/v1 is not supported (streamctl reads magic v2, Kafka 0.11+)`
        : `Record batch at offset ${baseOffset} has an invalid magic ${magic}`)
    }
    if (batchLength < RECORD_BATCH_OVERHEAD - LOG_OVERHEAD) throw corrupt(baseOffset, `batch length ${batchLength}`)
    const batchEnd = o + LOG_OVERHEAD + batchLength
    if (batchEnd > end) break
    const start = o
    o = batchEnd

    const attributes = records.readInt16BE(start + ATTRIBUTES_OFFSET)
    const lastOffset = baseOffset + records.readInt32BE(start + LAST_OFFSET_DELTA_OFFSET)
    // Compaction keeps a batch's last offset even when it drops its last records, so this is the next fetch offset.
    nextOffset = lastOffset + 1
    const control = (attributes & CONTROL) !== 0
    if (aborted !== undefined && hasProducerId(records, start)) {
      const producerId = records.readBigInt64BE(start + PRODUCER_ID_OFFSET)
      while (nextAborted < aborted.length && aborted[nextAborted]!.firstOffset <= lastOffset) {
        abortedProducers.add(aborted[nextAborted++]!.producerId)
      }
      if (control) {
        if (controlType(records, start, batchEnd, attributes, baseOffset) === ABORT_MARKER) abortedProducers.delete(producerId)
        continue
      }
      if ((attributes & TRANSACTIONAL) !== 0 && abortedProducers.has(producerId)) continue
    }
    if (control || lastOffset < fromOffset) continue
    const count = records.readInt32BE(start + RECORDS_COUNT_OFFSET)
    if (count < 0) throw corrupt(baseOffset, `record count ${count}`)
    if (count === 0) continue // emptied by compaction, kept for its producer state

    const codec = attributes & COMPRESSION_MASK
    lastCodec = codec
    if (options.passthrough && baseOffset >= fromOffset && count === lastOffset - baseOffset + 1 && (attributes & TIMESTAMP_TYPE_LOG_APPEND) === 0
      // A compressed batch's deltas were checked by the broker that appended it (it rebuilds a batch
      // whose inner offsets are not 0..n-1); an uncompressed one's were not: walk them.
      && (codec !== 0 || contiguousDeltas(records, start + RECORD_BATCH_OVERHEAD, batchEnd, count))) {
      (raw ??= []).push({baseOffset, count, codec, bytes: records.subarray(start, batchEnd)})
      continue
    }
    const logAppendTime = (attributes & TIMESTAMP_TYPE_LOG_APPEND) !== 0 ? int64(records, start + MAX_TIMESTAMP_OFFSET) : undefined
    const baseTimestamp = int64(records, start + BASE_TIMESTAMP_OFFSET)
    if (codec === 0) {
      readRecords(records, start + RECORD_BATCH_OVERHEAD, batchEnd, count, baseOffset, baseTimestamp, logAppendTime, options, out)
    } else {
      const section = decompress(records, start, batchEnd, codec, baseOffset)
      readRecords(section, 0, section.length, count, baseOffset, baseTimestamp, logAppendTime, options, out)
    }
  }
  const result: PartitionRecords = lastCodec === undefined ? {records: out, nextOffset} : {records: out, nextOffset, codec: lastCodec}
  return raw ? {...result, raw} : result
}

/** The records of a RawBatch, decoded as readPartitionRecords decodes them (for a copy that cannot write the batch whole). */
export function decodeRawBatch(batch: RawBatch, topic: string, partition: number): FetchedRecord[] {
  return readPartitionRecords(batch.bytes, {topic, partition, fromOffset: batch.baseOffset, readCommitted: false, abortedTransactions: []}).records
}

/**
 * Whether the `count` uncompressed records in [start, end) sit at offset deltas 0..count-1 and fill
 * the section exactly. Reads lengths and deltas only: nothing is allocated. A batch that fails this
 * is decoded instead, whose reader reports what is wrong with it.
 */
function contiguousDeltas(buf: Buffer, start: number, end: number, count: number): boolean {
  pos = start
  try {
    for (let i = 0; i < count; i++) {
      const length = varint(buf)
      const recordEnd = pos + length
      if (length < 0 || recordEnd > end) return false
      pos++ // attributes
      varlong(buf) // timestamp delta
      if (varint(buf) !== i) return false
      pos = recordEnd
    }
  } catch {
    return false
  }
  return pos === end
}

/** Where the varint readers leave off: module state rather than a returned pair, so nothing is allocated per field. */
let pos = 0

/** Zigzag varint (int32), as Kafka's ByteUtils.readVarint: at most 5 bytes, bits past 32 dropped as Java's int does. */
function varint(buf: Buffer): number {
  let b = buf[pos++]!
  if ((b & 0x80) === 0) return (b >>> 1) ^ -(b & 1)
  let raw = b & 0x7f
  b = buf[pos++]!
  raw |= (b & 0x7f) << 7
  if ((b & 0x80) !== 0) {
    b = buf[pos++]!
    raw |= (b & 0x7f) << 14
    if ((b & 0x80) !== 0) {
      b = buf[pos++]!
      raw |= (b & 0x7f) << 21
      if ((b & 0x80) !== 0) {
        b = buf[pos++]!
        if ((b & 0x80) !== 0) throw new RangeError('varint longer than 5 bytes')
        raw |= b << 28
      }
    }
  }
  return (raw >>> 1) ^ -(raw & 1)
}

/** Zigzag varlong (timestamp deltas) in float arithmetic: exact while the value fits 53 bits. */
function varlong(buf: Buffer): number {
  let b = buf[pos++]!
  if ((b & 0x80) === 0) return (b >>> 1) ^ -(b & 1)
  let raw = b & 0x7f
  let scale = 128
  for (let i = 1; i < 10; i++) {
    b = buf[pos++]!
    raw += (b & 0x7f) * scale
    if ((b & 0x80) === 0) return raw % 2 === 0 ? raw / 2 : -(raw + 1) / 2
    scale *= 128
  }
  throw new RangeError('varlong longer than 10 bytes')
}

function readRecords(
  buf: Buffer, start: number, limit: number, count: number, baseOffset: number, baseTimestamp: number,
  logAppendTime: number | undefined, where: {readonly topic: string; readonly partition: number; readonly fromOffset: number}, out: FetchedRecord[],
): void {
  const {topic, partition, fromOffset} = where
  pos = start
  for (let i = 0; i < count; i++) {
    const length = varint(buf)
    const recordEnd = pos + length
    if (length < 0 || recordEnd > limit) throw corrupt(baseOffset, `record ${i} of ${length} bytes overruns its batch`)
    pos++ // record attributes: unused
    const timestampDelta = varlong(buf)
    const offset = baseOffset + varint(buf)
    if (offset < fromOffset) {
      pos = recordEnd
      continue
    }
    let key: Buffer | null = null
    let n = varint(buf)
    if (n >= 0) {
      key = buf.subarray(pos, pos + n)
      pos += n
    }
    let value: Buffer | null = null
    n = varint(buf)
    if (n >= 0) {
      value = buf.subarray(pos, pos + n)
      pos += n
    }
    const headerCount = varint(buf)
    // Each header takes at least two bytes; Kafka rejects a count beyond the bytes left, so do we (no runaway loop).
    if (headerCount < 0 || headerCount > recordEnd - pos) throw corrupt(baseOffset, `record at offset ${offset} claims ${headerCount} headers`)
    const list: (readonly [string, Buffer | null])[] | undefined = headerCount === 0 ? undefined : new Array<readonly [string, Buffer | null]>(headerCount)
    for (let h = 0; h < headerCount; h++) {
      n = varint(buf)
      if (n < 0) throw corrupt(baseOffset, `record at offset ${offset} has a header name of length ${n}`)
      const name = headerName(buf, pos, n, h)
      pos += n
      n = varint(buf)
      let headerValue: Buffer | null = null
      if (n >= 0) {
        headerValue = buf.subarray(pos, pos + n)
        pos += n
      }
      list![h] = [name, headerValue]
    }
    if (pos !== recordEnd) throw corrupt(baseOffset, `record at offset ${offset} is ${pos - recordEnd + length} bytes, not ${length}`)
    out.push({topic, partition, offset, timestamp: logAppendTime ?? baseTimestamp + timestampDelta, key, value, headers: list ?? NO_HEADERS})
  }
  if (pos !== limit) throw corrupt(baseOffset, `${limit - pos} bytes after its ${count} records`)
}

/**
 * Header names repeat record after record (trace ids, content types): the name last seen at the same
 * header index is reused when the bytes match, sparing a string decode per header.
 */
const nameCache: {bytes: Buffer; name: string}[] = []

function headerName(buf: Buffer, start: number, length: number, index: number): string {
  const cached = nameCache[index]
  if (cached !== undefined && cached.bytes.length === length) {
    const bytes = cached.bytes
    let i = 0
    while (i < length && bytes[i] === buf[start + i]) i++
    if (i === length) return cached.name
  }
  const name = buf.toString('utf8', start, start + length)
  if (index < 16 && length <= 64) nameCache[index] = {bytes: Buffer.from(buf.subarray(start, start + length)), name}
  return name
}

/** The type of a control batch's (first) record, from its key: version int16, type int16 (ControlRecordType). */
function controlType(records: Buffer, start: number, batchEnd: number, attributes: number, baseOffset: number): number | undefined {
  if (records.readInt32BE(start + RECORDS_COUNT_OFFSET) <= 0) return undefined
  const codec = attributes & COMPRESSION_MASK
  const buf = codec === 0 ? records : decompress(records, start, batchEnd, codec, baseOffset)
  pos = codec === 0 ? start + RECORD_BATCH_OVERHEAD : 0
  varint(buf) // length
  pos++ // attributes
  varlong(buf) // timestamp delta
  varint(buf) // offset delta
  const keyLength = varint(buf)
  if (keyLength < 4 || pos + 4 > (codec === 0 ? batchEnd : buf.length)) throw corrupt(baseOffset, `control record key of ${keyLength} bytes`)
  const version = buf.readInt16BE(pos)
  if (version < 0) throw corrupt(baseOffset, `control record key version ${version}`)
  return buf.readInt16BE(pos + 2)
}

function decompress(records: Buffer, start: number, batchEnd: number, codec: number, baseOffset: number): Buffer {
  try {
    return decompressRecords(codec, records.subarray(start + RECORD_BATCH_OVERHEAD, batchEnd))
  } catch (e) {
    throw corrupt(baseOffset, `${CODECS[codec] ?? `codec ${codec}`}: ${(e as Error).message}`)
  }
}

/** Kafka's NO_PRODUCER_ID is -1: both halves all ones. */
function hasProducerId(records: Buffer, start: number): boolean {
  return records.readInt32BE(start + PRODUCER_ID_OFFSET) !== -1 || records.readInt32BE(start + PRODUCER_ID_OFFSET + 4) !== -1
}

/** Two's-complement int64 as a number: exact below 2^53, which offsets and timestamps are. */
function int64(buf: Buffer, o: number): number {
  return buf.readInt32BE(o) * 4294967296 + buf.readUInt32BE(o + 4)
}

function corrupt(baseOffset: number, what: string): Error {
  return new Error(`Corrupt record batch at offset ${baseOffset}: ${what}`)
}
