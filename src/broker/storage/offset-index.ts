/** Bytes of one entry in an `.index` file: relative offset int32, position int32, max timestamp int64. */
export const INDEX_ENTRY_BYTES = 16;

const TWO_32 = 0x1_0000_0000;

/**
 * The sparse index of one segment, kept in typed arrays: each entry maps a batch's offset relative
 * to the segment's base offset to its byte position in the `.log` file, and carries the largest
 * batch max timestamp from that batch up to the next entry (a time index for ListOffsets and
 * retention). The first batch of a segment always has an entry.
 *
 * @example
 * ```ts
 * const index = new OffsetIndex();
 * index.add(0, 0, 1700000000000);
 * const i = index.floor(42); // entry to start scanning from for relative offset 42
 * const position = index.position(i);
 * ```
 */
export class OffsetIndex {
  private rel: Int32Array;
  private pos: Int32Array;
  private ts: Float64Array;
  private count = 0;
  private maxTs = -1;

  constructor(initialCapacity = 64) {
    this.rel = new Int32Array(initialCapacity);
    this.pos = new Int32Array(initialCapacity);
    this.ts = new Float64Array(initialCapacity);
  }

  /** Number of entries. */
  get length(): number {
    return this.count;
  }

  /** Largest batch max timestamp the segment holds, or -1 when it holds none. */
  get maxTimestamp(): number {
    return this.maxTs;
  }

  /** Position of the last entry, or -1 when the index is empty. */
  get lastPosition(): number {
    return this.count === 0 ? -1 : this.pos[this.count - 1];
  }

  relativeOffset(i: number): number {
    return this.rel[i];
  }

  position(i: number): number {
    return this.pos[i];
  }

  /** Largest batch max timestamp from entry `i` up to the next entry. */
  timestamp(i: number): number {
    return this.ts[i];
  }

  /** Adds an entry; relative offsets and positions must grow. */
  add(relativeOffset: number, position: number, maxTimestamp: number): void {
    if (this.count === this.rel.length) this.resize(Math.max(16, this.rel.length * 2));
    this.rel[this.count] = relativeOffset;
    this.pos[this.count] = position;
    this.ts[this.count] = maxTimestamp;
    this.count++;
    if (maxTimestamp > this.maxTs) this.maxTs = maxTimestamp;
  }

  /** Records a batch's max timestamp in the last entry (a batch appended after it). */
  noteTimestamp(maxTimestamp: number): void {
    if (this.count > 0 && maxTimestamp > this.ts[this.count - 1]) this.ts[this.count - 1] = maxTimestamp;
    if (maxTimestamp > this.maxTs) this.maxTs = maxTimestamp;
  }

  /** Index of the last entry whose relative offset is <= `relativeOffset`, or -1 when none is. */
  floor(relativeOffset: number): number {
    let lo = 0;
    let hi = this.count - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if (this.rel[mid] <= relativeOffset) {
        found = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return found;
  }

  /** The `.index` file content. */
  toBuffer(): Buffer {
    const buf = Buffer.allocUnsafe(this.count * INDEX_ENTRY_BYTES);
    for (let i = 0; i < this.count; i++) {
      const at = i * INDEX_ENTRY_BYTES;
      const t = this.ts[i];
      buf.writeInt32BE(this.rel[i], at);
      buf.writeInt32BE(this.pos[i], at + 4);
      buf.writeInt32BE(Math.floor(t / TWO_32), at + 8);
      buf.writeUInt32BE(t >>> 0, at + 12);
    }
    return buf;
  }

  /**
   * Parses an `.index` file; null when it is not a valid index of a `.log` file of `logSize` bytes
   * (wrong length, entries not increasing, a position past the end, no entry at position 0).
   */
  static fromBuffer(buf: Buffer, logSize: number): OffsetIndex | null {
    if (buf.length % INDEX_ENTRY_BYTES !== 0) return null;
    const n = buf.length / INDEX_ENTRY_BYTES;
    if ((n === 0) !== (logSize === 0)) return null;
    const index = new OffsetIndex(n);
    for (let i = 0; i < n; i++) {
      const at = i * INDEX_ENTRY_BYTES;
      const rel = buf.readInt32BE(at);
      const pos = buf.readInt32BE(at + 4);
      const ts = buf.readInt32BE(at + 8) * TWO_32 + buf.readUInt32BE(at + 12);
      if (i === 0 ? rel !== 0 || pos !== 0 : rel <= index.rel[i - 1] || pos <= index.pos[i - 1]) return null;
      if (pos >= logSize) return null;
      index.add(rel, pos, ts);
    }
    return index;
  }

  /** Releases unused capacity (a sealed segment's index no longer grows). */
  trim(): void {
    if (this.rel.length === this.count) return;
    this.resize(this.count);
  }

  private resize(size: number): void {
    const rel = new Int32Array(size);
    const pos = new Int32Array(size);
    const ts = new Float64Array(size);
    rel.set(this.rel.subarray(0, this.count));
    pos.set(this.pos.subarray(0, this.count));
    ts.set(this.ts.subarray(0, this.count));
    this.rel = rel;
    this.pos = pos;
    this.ts = ts;
  }
}
