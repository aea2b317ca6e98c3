import type { KeyPart } from './key-codec.ts';

/** One buffered write; `value: undefined` means deleted. */
export interface BufferedWrite {
  readonly storeName: string;
  readonly key: KeyPart[];
  readonly bytes: Buffer;
  value: unknown;
}

/**
 * Keys of one bucket (a store name plus the first key part). Appends stay unsorted until the
 * bucket is first scanned; from then on inserts keep it sorted. So buckets that are only written
 * (window accumulators) never pay for ordering, and scanned ones (close index) pay little.
 */
class Bucket {
  readonly keys: string[] = [];
  sorted = true;
  scanned = false;
  version = 0;

  add(id: string): void {
    const { keys } = this;
    this.version++;
    if (keys.length === 0 || keys[keys.length - 1] < id) keys.push(id);
    else if (this.scanned) {
      this.ensureSorted();
      keys.splice(lowerBound(keys, id), 0, id);
    } else {
      keys.push(id);
      this.sorted = false;
    }
  }

  remove(id: string): void {
    const i = this.keys.lastIndexOf(id);
    if (i < 0) return;
    this.keys.splice(i, 1);
    this.version++;
  }

  ensureSorted(): void {
    if (!this.sorted) {
      this.keys.sort();
      this.sorted = true;
    }
  }
}

/**
 * The writes of a transaction, by latin1-encoded key bytes (latin1 strings compare like the bytes
 * they hold), with ordered range reads for scans.
 *
 * @example
 * ```ts
 * const pending = new PendingWrites();
 * pending.set(id, bucketId, write);
 * for (const [id, w] of pending.range(lo, hi, bucketId)) console.log(w.value);
 * ```
 */
export class PendingWrites {
  private readonly writes = new Map<string, BufferedWrite>();
  private readonly buckets = new Map<string, Bucket>();
  /** Undo log, three slots per write: id, the bucket id of a new key (or null), the replaced value. */
  private readonly undo: unknown[] = [];

  get size(): number {
    return this.writes.size;
  }

  get(id: string): BufferedWrite | undefined {
    return this.writes.get(id);
  }

  /** Adds or replaces the write of `id`, a key in bucket `bucketId` (a byte prefix of `id`). */
  set(id: string, bucketId: string, write: BufferedWrite): void {
    const existing = this.writes.get(id);
    if (existing) {
      this.undo.push(id, null, existing.value);
      existing.value = write.value;
      return;
    }
    this.undo.push(id, bucketId, undefined);
    this.writes.set(id, write);
    let bucket = this.buckets.get(bucketId);
    if (!bucket) this.buckets.set(bucketId, (bucket = new Bucket()));
    bucket.add(id);
  }

  /**
   * Writes with `lo <= id < hi` in key order. With `bucketId` the walk is lazy and tolerates
   * writes made while iterating; without it (a scan of a whole store) it reads a snapshot of every
   * bucket starting with `bucketPrefix`.
   */
  *range(lo: string, hi: string, bucketId: string | undefined, bucketPrefix: string): Iterable<[string, BufferedWrite]> {
    if (bucketId === undefined) {
      const ids: string[] = [];
      for (const [id, bucket] of this.buckets) {
        if (!id.startsWith(bucketPrefix)) continue;
        for (const k of bucket.keys) if (k >= lo && k < hi) ids.push(k);
      }
      ids.sort();
      for (const id of ids) yield [id, this.writes.get(id)!];
      return;
    }
    const bucket = this.buckets.get(bucketId);
    if (!bucket) return;
    bucket.scanned = true;
    bucket.ensureSorted();
    const { keys } = bucket;
    let j = lowerBound(keys, lo);
    let seen = bucket.version;
    let last: string | undefined;
    for (;;) {
      if (seen !== bucket.version) {
        j = last === undefined ? lowerBound(keys, lo) : upperBound(keys, last);
        seen = bucket.version;
      }
      if (j >= keys.length || keys[j] >= hi) return;
      last = keys[j++];
      yield [last, this.writes.get(last)!];
    }
  }

  /** Every write in key order. */
  all(): BufferedWrite[] {
    const out: BufferedWrite[] = [];
    for (const id of [...this.buckets.keys()].sort()) {
      const bucket = this.buckets.get(id)!;
      bucket.ensureSorted();
      for (const k of bucket.keys) out.push(this.writes.get(k)!);
    }
    return out;
  }

  /** A point to {@link rollbackTo}: the writes made after it can be undone. */
  savepoint(): number {
    return this.undo.length;
  }

  /** Undoes every write made after `savepoint`, newest first. */
  rollbackTo(savepoint: number): void {
    const { undo } = this;
    while (undo.length > savepoint) {
      const value = undo.pop();
      const bucketId = undo.pop() as string | null;
      const id = undo.pop() as string;
      if (bucketId === null) {
        this.writes.get(id)!.value = value;
        continue;
      }
      this.writes.delete(id);
      this.buckets.get(bucketId)?.remove(id);
    }
  }

  clear(): void {
    this.writes.clear();
    this.buckets.clear();
    this.undo.length = 0;
  }
}

function lowerBound(keys: readonly string[], target: string): number {
  let lo = 0;
  let hi = keys.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (keys[mid] < target) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function upperBound(keys: readonly string[], target: string): number {
  let lo = 0;
  let hi = keys.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (keys[mid] <= target) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
