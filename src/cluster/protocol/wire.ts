/**
 * Kafka's wire primitives for one message version. `flexible` switches to the KIP-482 encodings
 * (compact strings/arrays with unsigned-varint length + 1, and a tagged-field section closing
 * every struct); we never send tagged fields and skip the ones we receive, as Kafka allows.
 */
export class Writer {
  private readonly chunks: Buffer[] = []
  constructor(readonly flexible: boolean) {}

  int8(v: number): this { const b = Buffer.alloc(1); b.writeInt8(v); return this.push(b) }
  bool(v: boolean): this { return this.int8(v ? 1 : 0) }
  int16(v: number): this { const b = Buffer.alloc(2); b.writeInt16BE(v); return this.push(b) }
  int32(v: number): this { const b = Buffer.alloc(4); b.writeInt32BE(v); return this.push(b) }
  int64(v: bigint): this { const b = Buffer.alloc(8); b.writeBigInt64BE(v); return this.push(b) }
  float64(v: number): this { const b = Buffer.alloc(8); b.writeDoubleBE(v); return this.push(b) }

  /** A 16-byte UUID (topic ids); all zeroes is Kafka's "no id". */
  uuid(v: Buffer = Buffer.alloc(16)): this { return this.push(v) }

  uvarint(v: number): this {
    const out: number[] = []
    let n = v >>> 0
    while (n >= 0x80) { out.push((n & 0x7f) | 0x80); n >>>= 7 }
    out.push(n)
    return this.push(Buffer.from(out))
  }

  string(v: string | null): this {
    if (v === null) return this.flexible ? this.uvarint(0) : this.int16(-1)
    const b = Buffer.from(v, 'utf8')
    if (this.flexible) this.uvarint(b.length + 1)
    else this.int16(b.length)
    return this.push(b)
  }

  bytes(v: Buffer): this {
    if (this.flexible) this.uvarint(v.length + 1)
    else this.int32(v.length)
    return this.push(v)
  }

  array<T>(items: readonly T[] | null, each: (w: this, item: T) => void): this {
    if (items === null) return this.flexible ? this.uvarint(0) : this.int32(-1)
    if (this.flexible) this.uvarint(items.length + 1)
    else this.int32(items.length)
    for (const item of items) each(this, item)
    return this
  }

  /** End of a struct: an empty tagged-field section in flexible versions, nothing otherwise. */
  tags(): this { return this.flexible ? this.uvarint(0) : this }

  toBuffer(): Buffer { return Buffer.concat(this.chunks) }

  private push(b: Buffer): this { this.chunks.push(b); return this }
}

export class Reader {
  private offset = 0
  constructor(private readonly buf: Buffer, readonly flexible: boolean) {}

  int8(): number { const v = this.buf.readInt8(this.offset); this.offset += 1; return v }
  bool(): boolean { return this.int8() !== 0 }
  int16(): number { const v = this.buf.readInt16BE(this.offset); this.offset += 2; return v }
  int32(): number { const v = this.buf.readInt32BE(this.offset); this.offset += 4; return v }
  int64(): bigint { const v = this.buf.readBigInt64BE(this.offset); this.offset += 8; return v }
  float64(): number { const v = this.buf.readDoubleBE(this.offset); this.offset += 8; return v }

  uuid(): Buffer { const v = this.buf.subarray(this.offset, this.offset + 16); this.offset += 16; return Buffer.from(v) }

  uvarint(): number {
    let result = 0
    let shift = 0
    for (;;) {
      const byte = this.buf.readUInt8(this.offset++)
      result += (byte & 0x7f) * 2 ** shift
      if ((byte & 0x80) === 0) return result
      shift += 7
      if (shift > 28) throw new RangeError('unsigned varint longer than 5 bytes')
    }
  }

  nullableString(): string | null {
    const len = this.flexible ? this.uvarint() - 1 : this.int16()
    if (len < 0) return null
    const s = this.buf.toString('utf8', this.offset, this.offset + len)
    this.offset += len
    return s
  }

  /** Skips a (nullable) string without decoding it, returning where its bytes are, or null for a null string. */
  skipNullableString(): {start: number; end: number} | null {
    const len = this.flexible ? this.uvarint() - 1 : this.int16()
    if (len < 0) return null
    const span = {start: this.offset, end: this.offset + len}
    this.offset += len
    return span
  }

  /** Decodes a span returned by skipNullableString. */
  text(span: {start: number; end: number}): string {
    return this.buf.toString('utf8', span.start, span.end)
  }

  string(): string {
    const s = this.nullableString()
    if (s === null) throw new RangeError(`null where a string is required at byte ${this.offset}`)
    return s
  }

  /** Nullable bytes as a view into the payload, not a copy: a Fetch response's records run to megabytes. */
  nullableBytes(): Buffer | null {
    const len = this.flexible ? this.uvarint() - 1 : this.int32()
    if (len < 0) return null
    if (len > this.remaining()) throw new RangeError(`${len} bytes announced at byte ${this.offset}, ${this.remaining()} left`)
    const v = this.buf.subarray(this.offset, this.offset + len)
    this.offset += len
    return v
  }

  nullableArray<T>(each: (r: this) => T): T[] | null {
    const len = this.flexible ? this.uvarint() - 1 : this.int32()
    if (len < 0) return null
    const out: T[] = []
    for (let i = 0; i < len; i++) out.push(each(this))
    return out
  }

  array<T>(each: (r: this) => T): T[] {
    return this.nullableArray(each) ?? []
  }

  /** Skips a tagged-field section (flexible versions only). */
  tags(): this {
    if (!this.flexible) return this
    const count = this.uvarint()
    for (let i = 0; i < count; i++) {
      this.uvarint()
      const size = this.uvarint()
      this.offset += size
    }
    return this
  }

  remaining(): number { return this.buf.length - this.offset }
}
