/**
 * The Confluent wire format of a registry-encoded value: magic byte 0, the schema id as a 4-byte
 * big-endian signed int, then (Protobuf only) the message-index array, then the payload. The
 * message indexes are zigzag varints (a count, then that many indexes, the path of the message
 * type through the file's nested messages); the common path [0] is the single byte 0.
 */
export const MAGIC_BYTE = 0
const HEADER_BYTES = 5

export interface WireHeader {
  readonly schemaId: number
  /** Where the payload (or, for Protobuf, the message indexes) starts. */
  readonly offset: number
}

export class WireFormatError extends Error {}

export function readHeader(bytes: Buffer): WireHeader {
  if (bytes.length < HEADER_BYTES || bytes[0] !== MAGIC_BYTE) {
    throw new WireFormatError('value is not in the schema registry wire format (magic byte 0 + 4-byte schema id)')
  }
  return {schemaId: bytes.readInt32BE(1), offset: HEADER_BYTES}
}

export function writeHeader(schemaId: number, payload: Uint8Array, indexes?: readonly number[]): Buffer {
  const idx = indexes ? encodeMessageIndexes(indexes) : Buffer.alloc(0)
  const out = Buffer.allocUnsafe(HEADER_BYTES + idx.length + payload.length)
  out[0] = MAGIC_BYTE
  out.writeInt32BE(schemaId, 1)
  idx.copy(out, HEADER_BYTES)
  out.set(payload, HEADER_BYTES + idx.length)
  return out
}

/** Message indexes at `offset`: the path and where the payload starts. */
export function readMessageIndexes(bytes: Buffer, offset: number): {indexes: number[]; offset: number} {
  let pos = offset
  const next = (): number => {
    const {value, end} = readZigzagVarint(bytes, pos)
    pos = end
    return value
  }
  const count = next()
  if (count === 0) return {indexes: [0], offset: pos}
  if (count < 0 || count > bytes.length - pos) throw new WireFormatError(`the Protobuf message-index count ${count} does not fit the value`)
  const indexes: number[] = []
  for (let i = 0; i < count; i++) {
    const v = next()
    if (v < 0) throw new WireFormatError(`the Protobuf message index ${v} is negative`)
    indexes.push(v)
  }
  return {indexes, offset: pos}
}

export function encodeMessageIndexes(indexes: readonly number[]): Buffer {
  if (indexes.length === 1 && indexes[0] === 0) return Buffer.from([0])
  const parts = [zigzagVarint(indexes.length), ...indexes.map(zigzagVarint)]
  return Buffer.concat(parts)
}

export function zigzagVarint(n: number): Buffer {
  // Zigzag in 64-bit space, as Avro's and Confluent's encoders do; indexes are small, so BigInt costs nothing here.
  let v = (BigInt(n) << 1n) ^ (BigInt(n) >> 63n)
  v = BigInt.asUintN(64, v)
  const out: number[] = []
  while (v >= 0x80n) {
    out.push(Number(v & 0x7fn) | 0x80)
    v >>= 7n
  }
  out.push(Number(v))
  return Buffer.from(out)
}

export function readZigzagVarint(bytes: Buffer, offset: number): {value: number; end: number} {
  let result = 0n
  let shift = 0n
  let pos = offset
  for (;;) {
    if (pos >= bytes.length) throw new WireFormatError('the Protobuf message indexes end before the value does (truncated varint)')
    const b = bytes[pos++]!
    result |= BigInt(b & 0x7f) << shift
    if ((b & 0x80) === 0) break
    shift += 7n
    if (shift > 63n) throw new WireFormatError('a Protobuf message index is a varint longer than 10 bytes')
  }
  const value = (result >> 1n) ^ -(result & 1n)
  if (value > BigInt(Number.MAX_SAFE_INTEGER) || value < BigInt(Number.MIN_SAFE_INTEGER)) throw new WireFormatError('a Protobuf message index is out of range')
  return {value: Number(value), end: pos}
}
