import type { Reader } from './reader.ts';
import { Writer } from './writer.ts';
import { ProtocolError } from '../protocol-error.ts';

/** The empty byte string, default of absent `bytes`/`records` fields (never mutate it). */
export const EMPTY_BYTES: Buffer = Buffer.alloc(0);

/** The all-zero UUID, default of absent `uuid` fields (never mutate it). */
export const ZERO_UUID: Uint8Array = new Uint8Array(16);

/**
 * Reads an ARRAY (INT32 count) or COMPACT_ARRAY (UVARINT count+1); null arrays return null.
 *
 * @example
 * ```ts
 * const ids = readArray(r, false, (r) => r.int32());
 * ```
 */
export function readArray<T>(r: Reader, compact: boolean, elem: (r: Reader) => T): T[] | null {
  const n = compact ? r.compactArrayLength() : r.arrayLength();
  if (n < 0) return null;
  const out: T[] = [];
  for (let i = 0; i < n; i++) out.push(elem(r));
  return out;
}

/**
 * Writes an ARRAY or COMPACT_ARRAY; `null` is written as the null array.
 *
 * @example
 * ```ts
 * writeArray(w, true, [1, 2], (w, x) => { w.int32(x); });
 * ```
 */
export function writeArray<T>(w: Writer, compact: boolean, a: readonly T[] | null, elem: (w: Writer, x: T) => void): void {
  if (a === null) {
    if (compact) w.uvarint(0);
    else w.int32(-1);
    return;
  }
  if (compact) w.uvarint(a.length + 1);
  else w.int32(a.length);
  for (let i = 0; i < a.length; i++) elem(w, a[i]);
}

/**
 * Skips a TAGGED_FIELDS section whose tags the schema does not know.
 *
 * @example
 * ```ts
 * if (v >= 9) skipTaggedFields(r);
 * ```
 */
export function skipTaggedFields(r: Reader): void {
  for (let n = r.uvarint(); n > 0; n--) {
    r.uvarint();
    const size = r.uvarint();
    if (size > r.remaining) throw new ProtocolError(`tagged field of ${size} bytes exceeds the ${r.remaining} bytes left`);
    r.skip(size);
  }
}

const scratch: Writer[] = [];

/**
 * Writes one tagged field: UVARINT tag, UVARINT size, then the value `write` produces.
 *
 * @example
 * ```ts
 * writeTaggedField(w, 0, (w) => { w.compactString('x'); });
 * ```
 */
export function writeTaggedField(w: Writer, tag: number, write: (w: Writer) => void): void {
  const tmp = scratch.pop() ?? new Writer(64);
  try {
    write(tmp.reset());
    w.uvarint(tag);
    w.uvarint(tmp.offset);
    w.raw(tmp.view());
  } finally {
    scratch.push(tmp);
  }
}
