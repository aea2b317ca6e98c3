/**
 * Writes Kafka wire primitives into a growable Buffer (the grammar is described on `Reader`).
 * `reset()` lets one writer serve many messages; `view()` returns the written bytes without
 * copying (valid until the next write), `toBuffer()` a copy.
 *
 * @example
 * ```ts
 * const w = new Writer();
 * w.int32(0); // frame size placeholder
 * w.int32(correlationId);
 * encodeApiVersionsResponse(w, 0, body);
 * w.setInt32(0, w.offset - 4);
 * socket.write(w.view());
 * ```
 */
export class Writer {
  buf: Buffer;
  /** Number of bytes written so far (the position of the next byte). */
  offset = 0;

  constructor(initialSize = 256) {
    this.buf = Buffer.allocUnsafe(initialSize);
  }

  /** Makes room for `n` more bytes. */
  ensure(n: number): void {
    const needed = this.offset + n;
    if (needed <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < needed) size *= 2;
    const next = Buffer.allocUnsafe(size);
    this.buf.copy(next, 0, 0, this.offset);
    this.buf = next;
  }

  reset(): this {
    this.offset = 0;
    return this;
  }

  /** The written bytes, sharing memory with the writer. */
  view(): Buffer {
    return this.buf.subarray(0, this.offset);
  }

  /** A copy of the written bytes. */
  toBuffer(): Buffer {
    return Buffer.from(this.buf.subarray(0, this.offset));
  }

  int8(v: number): this {
    this.ensure(1);
    this.offset = this.buf.writeInt8(v, this.offset);
    return this;
  }

  bool(v: boolean): this {
    this.ensure(1);
    this.buf[this.offset++] = v ? 1 : 0;
    return this;
  }

  int16(v: number): this {
    this.ensure(2);
    this.offset = this.buf.writeInt16BE(v, this.offset);
    return this;
  }

  uint16(v: number): this {
    this.ensure(2);
    this.offset = this.buf.writeUInt16BE(v, this.offset);
    return this;
  }

  int32(v: number): this {
    this.ensure(4);
    this.offset = this.buf.writeInt32BE(v, this.offset);
    return this;
  }

  uint32(v: number): this {
    this.ensure(4);
    this.offset = this.buf.writeUInt32BE(v >>> 0, this.offset);
    return this;
  }

  /** Overwrites 4 bytes at `at` (a length written after its content). */
  setInt32(at: number, v: number): this {
    this.buf.writeInt32BE(v, at);
    return this;
  }

  int64(v: bigint): this {
    this.ensure(8);
    this.offset = this.buf.writeBigInt64BE(v, this.offset);
    return this;
  }

  /** An int64 from a JavaScript number (exact up to 2^53). */
  int64Number(v: number): this {
    this.ensure(8);
    const hi = Math.floor(v / 4294967296);
    this.buf.writeInt32BE(hi, this.offset);
    this.buf.writeUInt32BE(v - hi * 4294967296, this.offset + 4);
    this.offset += 8;
    return this;
  }

  float64(v: number): this {
    this.ensure(8);
    this.offset = this.buf.writeDoubleBE(v, this.offset);
    return this;
  }

  uvarint(v: number): this {
    this.ensure(5);
    let u = v >>> 0;
    const buf = this.buf;
    while (u > 0x7f) {
      buf[this.offset++] = (u & 0x7f) | 0x80;
      u >>>= 7;
    }
    buf[this.offset++] = u;
    return this;
  }

  varint(v: number): this {
    return this.uvarint((v << 1) ^ (v >> 31));
  }

  /** Zig-zag varlong from a number (exact up to 2^53). */
  varlong(v: number): this {
    this.ensure(10);
    let u = v >= 0 ? v * 2 : -v * 2 - 1;
    const buf = this.buf;
    while (u >= 128) {
      buf[this.offset++] = (u % 128) | 0x80;
      u = Math.floor(u / 128);
    }
    buf[this.offset++] = u;
    return this;
  }

  /** Raw bytes, no length. */
  raw(b: Uint8Array): this {
    this.ensure(b.length);
    this.buf.set(b, this.offset);
    this.offset += b.length;
    return this;
  }

  private utf8(s: string, len: number): void {
    this.ensure(len);
    this.offset += this.buf.write(s, this.offset, len, 'utf8');
  }

  string(s: string): this {
    const len = Buffer.byteLength(s, 'utf8');
    this.int16(len);
    this.utf8(s, len);
    return this;
  }

  nullableString(s: string | null): this {
    if (s === null) return this.int16(-1);
    return this.string(s);
  }

  compactString(s: string): this {
    const len = Buffer.byteLength(s, 'utf8');
    this.uvarint(len + 1);
    this.utf8(s, len);
    return this;
  }

  compactNullableString(s: string | null): this {
    if (s === null) return this.uvarint(0);
    return this.compactString(s);
  }

  bytes(b: Uint8Array): this {
    this.int32(b.length);
    return this.raw(b);
  }

  nullableBytes(b: Uint8Array | null): this {
    if (b === null) return this.int32(-1);
    return this.bytes(b);
  }

  compactBytes(b: Uint8Array): this {
    this.uvarint(b.length + 1);
    return this.raw(b);
  }

  compactNullableBytes(b: Uint8Array | null): this {
    if (b === null) return this.uvarint(0);
    return this.compactBytes(b);
  }

  uuid(u: Uint8Array): this {
    if (u.length !== 16) throw new RangeError(`a uuid has 16 bytes, got ${u.length}`);
    return this.raw(u);
  }

  arrayLength(n: number): this {
    return this.int32(n);
  }

  compactArrayLength(n: number): this {
    return this.uvarint(n + 1);
  }
}
