import { ProtocolError } from '../protocol-error.ts';

const EMPTY = Buffer.alloc(0);

/**
 * Reads Kafka wire primitives from a Buffer with a moving cursor. Every read checks the bytes
 * left and throws `ProtocolError` on truncation, so a malformed frame never reads past its end.
 *
 * Grammar (big-endian): INT8..INT64, UINT16, FLOAT64, UNSIGNED_VARINT (7 bits per byte, low first),
 * VARINT/VARLONG (zig-zag), STRING = INT16 length + UTF-8, COMPACT_STRING = UVARINT (length+1) +
 * UTF-8, BYTES = INT32 length + bytes, COMPACT_BYTES = UVARINT (length+1) + bytes, UUID = 16 bytes,
 * ARRAY = INT32 count, COMPACT_ARRAY = UVARINT (count+1); null is length -1 (or 0 for compact).
 *
 * @example
 * ```ts
 * const r = new Reader(frame);
 * const apiKey = r.int16();
 * const clientId = r.nullableString();
 * ```
 */
export class Reader {
  /** Position of the next byte to read. */
  offset: number;
  /** Index one past the last readable byte. */
  readonly end: number;

  constructor(
    readonly buf: Buffer,
    offset = 0,
    end = buf.length,
  ) {
    this.offset = offset;
    this.end = end;
  }

  /** Bytes left before `end`. */
  get remaining(): number {
    return this.end - this.offset;
  }

  private need(n: number): number {
    const at = this.offset;
    if (at + n > this.end) {
      throw new ProtocolError(`truncated frame: need ${n} bytes at offset ${at}, only ${this.end - at} left; the sender wrote a malformed request`);
    }
    this.offset = at + n;
    return at;
  }

  skip(n: number): void {
    if (n < 0) throw new ProtocolError(`negative length ${n} at offset ${this.offset}`);
    this.need(n);
  }

  int8(): number {
    return this.buf.readInt8(this.need(1));
  }

  bool(): boolean {
    return this.buf[this.need(1)] !== 0;
  }

  int16(): number {
    return this.buf.readInt16BE(this.need(2));
  }

  uint16(): number {
    return this.buf.readUInt16BE(this.need(2));
  }

  int32(): number {
    return this.buf.readInt32BE(this.need(4));
  }

  uint32(): number {
    return this.buf.readUInt32BE(this.need(4));
  }

  int64(): bigint {
    return this.buf.readBigInt64BE(this.need(8));
  }

  /** An int64 as a JavaScript number (exact up to 2^53). */
  int64Number(): number {
    const at = this.need(8);
    return this.buf.readInt32BE(at) * 4294967296 + this.buf.readUInt32BE(at + 4);
  }

  float64(): number {
    return this.buf.readDoubleBE(this.need(8));
  }

  /** Unsigned varint of at most 5 bytes (32 bits). */
  uvarint(): number {
    const buf = this.buf;
    let value = 0;
    let shift = 0;
    let at = this.offset;
    for (;;) {
      if (at >= this.end) throw new ProtocolError(`truncated varint at offset ${this.offset}`);
      const b = buf[at++];
      if (shift === 28) {
        if (b > 0x0f) throw new ProtocolError(`varint longer than 32 bits at offset ${this.offset}`);
        value += b * 268435456;
        break;
      }
      value |= (b & 0x7f) << shift;
      if ((b & 0x80) === 0) break;
      shift += 7;
    }
    this.offset = at;
    return value >>> 0;
  }

  /** Zig-zag signed varint (32 bits). */
  varint(): number {
    const u = this.uvarint();
    return (u >>> 1) ^ -(u & 1);
  }

  /** Zig-zag signed varlong as a number (exact up to 2^53). */
  varlong(): number {
    const buf = this.buf;
    let value = 0;
    let mul = 1;
    let at = this.offset;
    for (let i = 0; ; i++) {
      if (at >= this.end) throw new ProtocolError(`truncated varlong at offset ${this.offset}`);
      if (i === 10) throw new ProtocolError(`varlong longer than 64 bits at offset ${this.offset}`);
      const b = buf[at++];
      value += (b & 0x7f) * mul;
      if ((b & 0x80) === 0) break;
      mul *= 128;
    }
    this.offset = at;
    return value % 2 === 0 ? value / 2 : -(value + 1) / 2;
  }

  private utf8(len: number): string {
    const at = this.need(len);
    return this.buf.toString('utf8', at, at + len);
  }

  string(): string {
    const len = this.int16();
    if (len < 0) throw new ProtocolError(`non-nullable string has length ${len} at offset ${this.offset - 2}`);
    return this.utf8(len);
  }

  nullableString(): string | null {
    const len = this.int16();
    return len < 0 ? null : this.utf8(len);
  }

  compactString(): string {
    const len = this.uvarint() - 1;
    if (len < 0) throw new ProtocolError(`non-nullable compact string is null at offset ${this.offset}`);
    return this.utf8(len);
  }

  compactNullableString(): string | null {
    const len = this.uvarint() - 1;
    return len < 0 ? null : this.utf8(len);
  }

  /** `len` raw bytes as a view into the frame (no copy). */
  raw(len: number): Buffer {
    if (len === 0) return EMPTY;
    const at = this.need(len);
    return this.buf.subarray(at, at + len);
  }

  bytes(): Buffer {
    const len = this.int32();
    if (len < 0) throw new ProtocolError(`non-nullable bytes have length ${len} at offset ${this.offset - 4}`);
    return this.raw(len);
  }

  nullableBytes(): Buffer | null {
    const len = this.int32();
    return len < 0 ? null : this.raw(len);
  }

  compactBytes(): Buffer {
    const len = this.uvarint() - 1;
    if (len < 0) throw new ProtocolError(`non-nullable compact bytes are null at offset ${this.offset}`);
    return this.raw(len);
  }

  compactNullableBytes(): Buffer | null {
    const len = this.uvarint() - 1;
    return len < 0 ? null : this.raw(len);
  }

  uuid(): Uint8Array {
    const at = this.need(16);
    return new Uint8Array(this.buf.subarray(at, at + 16));
  }

  /** INT32 element count; -1 (null) is returned as -1. Rejects counts larger than the bytes left. */
  arrayLength(): number {
    const n = this.int32();
    if (n > this.end - this.offset) throw new ProtocolError(`array count ${n} exceeds the ${this.end - this.offset} bytes left`);
    return n < 0 ? -1 : n;
  }

  /** UVARINT (count+1); null is returned as -1. Rejects counts larger than the bytes left. */
  compactArrayLength(): number {
    const n = this.uvarint() - 1;
    if (n > this.end - this.offset) throw new ProtocolError(`array count ${n} exceeds the ${this.end - this.offset} bytes left`);
    return n;
  }
}
