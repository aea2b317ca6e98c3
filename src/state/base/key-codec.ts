import { StateError } from './state-error.ts';

/** One component of a state key: a string (message key, name) or a number (timestamp, sequence). */
export type KeyPart = string | number;

/** A state key: a tuple of parts. Tuples sort part by part; numbers sort before strings. */
export type StoreKey = readonly KeyPart[];

const NUMBER_TAG = 0x01;
const STRING_TAG = 0x02;
const ESCAPE = 0x00;
const ESCAPED_ZERO = 0xff;
const STRING_END = 0x01;

/**
 * Encodes a key tuple into bytes whose unsigned byte order equals the tuple order, so stores can
 * keep keys sorted and scan a prefix (`[storeName, messageKey]`) or a range (window starts).
 *
 * Grammar, per part: `0x01 <8-byte sortable IEEE-754 double>` for numbers, or
 * `0x02 <UTF-8 bytes with 0x00 written as 0x00 0xFF> 0x00 0x01` for strings. Every part is
 * self-delimiting, so the encoding of a tuple prefix is a byte prefix of the whole tuple's.
 * `prefix` (bytes of an already encoded tuple) is written first: `encodeKey(b, encodeKey(a))`
 * equals `encodeKey([...a, ...b])`.
 *
 * @example
 * ```ts
 * const a = encodeKey(['orders', 'user-1', 1000]);
 * const b = encodeKey(['orders', 'user-1', 2000]);
 * Buffer.compare(a, b); // -1
 * ```
 */
export function encodeKey(parts: StoreKey, prefix?: Buffer): Buffer {
  let size = prefix === undefined ? 0 : prefix.length;
  for (const part of parts) {
    if (typeof part === 'number') size += 9;
    else if (typeof part === 'string') size += 3 + Buffer.byteLength(part, 'utf8') * 2; // upper bound: every byte a NUL
    else throw new StateError(`A state key part has type ${typeof part}; state keys hold only strings and numbers.`);
  }
  const out = Buffer.allocUnsafe(size);
  let o = prefix === undefined ? 0 : prefix.copy(out, 0);
  for (const part of parts) {
    if (typeof part === 'number') {
      if (Number.isNaN(part)) throw new StateError('A state key part is NaN; use finite numbers or strings in state keys.');
      out[o] = NUMBER_TAG;
      out.writeDoubleBE(part === 0 ? 0 : part, o + 1); // normalise -0
      if (part < 0) {
        for (let i = o + 1; i < o + 9; i++) out[i] = ~out[i] & 0xff;
      } else {
        out[o + 1] ^= 0x80;
      }
      o += 9;
    } else {
      const s = part as string;
      out[o++] = STRING_TAG;
      const start = o;
      const written = out.write(s, o, 'utf8');
      let end = start + written;
      const nul = out.indexOf(0, start);
      if (nul !== -1 && nul < end) {
        // escape NUL bytes as 0x00 0xFF, moving the rest right (rare: keys seldom hold NUL)
        const raw = Buffer.from(out.subarray(start, end));
        end = start;
        for (const byte of raw) {
          out[end++] = byte;
          if (byte === 0) out[end++] = ESCAPED_ZERO;
        }
      }
      out[end] = ESCAPE;
      out[end + 1] = STRING_END;
      o = end + 2;
    }
  }
  return out.subarray(0, o);
}

/**
 * Decodes bytes written by {@link encodeKey} back into the key tuple.
 *
 * @example
 * ```ts
 * decodeKey(encodeKey(['default', 'user-1', 'total'])); // ['default', 'user-1', 'total']
 * ```
 */
export function decodeKey(bytes: Uint8Array): KeyPart[] {
  const buf = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const parts: KeyPart[] = [];
  let o = 0;
  while (o < buf.length) {
    const tag = buf[o++];
    if (tag === NUMBER_TAG) {
      if (o + 8 > buf.length) throw new StateError('A state key is truncated inside a number part; the key bytes are corrupt.');
      const b = Buffer.from(buf.subarray(o, o + 8));
      if (b[0] & 0x80) {
        b[0] ^= 0x80;
      } else {
        for (let i = 0; i < 8; i++) b[i] = ~b[i] & 0xff;
      }
      parts.push(b.readDoubleBE(0));
      o += 8;
    } else if (tag === STRING_TAG) {
      const zero = buf.indexOf(ESCAPE, o);
      if (zero === -1 || zero + 1 >= buf.length) throw new StateError('A state key is truncated inside a string part; the key bytes are corrupt.');
      if (buf[zero + 1] === STRING_END) {
        parts.push(buf.toString('utf8', o, zero)); // no NUL inside: the common case
        o = zero + 2;
        continue;
      }
      const out: number[] = [];
      for (;;) {
        if (o >= buf.length) throw new StateError('A state key is truncated inside a string part; the key bytes are corrupt.');
        const byte = buf[o++];
        if (byte !== ESCAPE) {
          out.push(byte);
          continue;
        }
        const next = buf[o++];
        if (next === ESCAPED_ZERO) out.push(0);
        else if (next === STRING_END) break;
        else throw new StateError(`A state key has an invalid escape 0x00 0x${next?.toString(16)}; the key bytes are corrupt.`);
      }
      parts.push(Buffer.from(out).toString('utf8'));
    } else {
      throw new StateError(`A state key has an unknown part tag 0x${tag.toString(16)}; the key bytes are corrupt.`);
    }
  }
  return parts;
}

/**
 * The offset just past the key part that starts at `offset` of encoded key bytes.
 *
 * @example
 * ```ts
 * const bytes = encodeKey(['user-1', 'total']);
 * bytes.subarray(0, partEnd(bytes, 0)); // the encoding of ['user-1']
 * ```
 */
export function partEnd(bytes: Buffer, offset: number): number {
  if (bytes[offset] === NUMBER_TAG) return offset + 9;
  for (let i = offset + 1; i < bytes.length - 1; i++) {
    if (bytes[i] === ESCAPE) {
      if (bytes[i + 1] === STRING_END) return i + 2;
      i++; // an escaped NUL
    }
  }
  throw new StateError('A state key is truncated inside a string part; the key bytes are corrupt.');
}

/**
 * The smallest byte string greater than every string starting with `prefix`: the exclusive end of
 * a prefix scan. Encoded keys never end in 0xff runs for a whole key, so this is always defined.
 *
 * @example
 * ```ts
 * const start = encodeKey(['default', 'user-1']);
 * const end = prefixEnd(start); // scan [start, end) visits every key of user-1
 * ```
 */
export function prefixEnd(prefix: Buffer): Buffer {
  const end = Buffer.from(prefix);
  for (let i = end.length - 1; i >= 0; i--) {
    if (end[i] !== 0xff) {
      end[i]++;
      return end.subarray(0, i + 1);
    }
  }
  throw new StateError('Cannot compute the end of a prefix scan for an empty or all-0xff prefix.');
}
