import { decodeKey, encodeKey, prefixEnd, type KeyPart, type StoreKey } from './key-codec.ts';
import { StateError } from './state-error.ts';
import type { StoreBackend } from './store-backend.ts';
import { assertStoreName, changelogOffsetKey, PROCESSED_OFFSET_KEY } from './store-meta.ts';
import type { CommitMarks, PartitionTransaction, ScanRange, StateChange, StoreView } from './state-store.ts';

interface BufferedWrite {
  readonly storeName: string;
  readonly key: KeyPart[];
  readonly bytes: Buffer;
  value: unknown; // undefined = deleted
}

/**
 * A {@link PartitionTransaction} that buffers writes in memory (sorted by key bytes) and applies
 * them to a {@link StoreBackend} in one atomic write on commit, together with the offsets.
 *
 * @example
 * ```ts
 * const tx = new BufferedTransaction(backend, 'orders[0]');
 * tx.view('default').set(['k'], 1);
 * tx.commit({ processedOffset: 7 });
 * ```
 */
export class BufferedTransaction implements PartitionTransaction {
  // latin1 strings compare like the bytes they hold, so a Map + sort gives byte order.
  private readonly writes = new Map<string, BufferedWrite>();
  private readonly views = new Map<string, StoreView>();
  private done = false;

  constructor(
    private readonly backend: StoreBackend,
    private readonly label: string,
    private readonly onEnd: () => void = () => {},
  ) {}

  view(storeName: string): StoreView {
    let view = this.views.get(storeName);
    if (!view) {
      assertStoreName(storeName);
      view = this.makeView(storeName);
      this.views.set(storeName, view);
    }
    return view;
  }

  changes(): StateChange[] {
    return [...this.writes.entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([, w]) => ({ storeName: w.storeName, key: w.key, value: w.value }));
  }

  commit(marks: CommitMarks = {}): void {
    this.assertOpen();
    const entries: Array<readonly [Buffer, unknown]> = [];
    for (const w of this.writes.values()) entries.push([w.bytes, w.value]);
    if (marks.processedOffset !== undefined) entries.push([PROCESSED_OFFSET_KEY, marks.processedOffset]);
    for (const [storeName, offset] of Object.entries(marks.changelogOffsets ?? {})) {
      entries.push([changelogOffsetKey(storeName), offset]);
    }
    if (entries.length > 0) this.backend.write(entries);
    this.end();
  }

  abort(): void {
    if (!this.done) this.end();
  }

  private end(): void {
    this.done = true;
    this.writes.clear();
    this.onEnd();
  }

  private assertOpen(): void {
    if (this.done) throw new StateError(`The state transaction of ${this.label} is already committed or aborted; begin a new one.`);
  }

  private makeView(storeName: string): StoreView {
    const fullKey = (key: StoreKey): [KeyPart[], Buffer] => {
      const parts = [storeName, ...key];
      return [parts, encodeKey(parts)];
    };
    const read = (key: StoreKey): unknown => {
      const [, bytes] = fullKey(key);
      const buffered = this.writes.get(bytes.toString('latin1'));
      return buffered ? buffered.value : this.backend.read(bytes);
    };
    const write = (key: StoreKey, value: unknown): void => {
      this.assertOpen();
      const [, bytes] = fullKey(key);
      this.writes.set(bytes.toString('latin1'), { storeName, key: [...key], bytes, value });
    };
    return {
      get: read,
      has: (key) => read(key) !== undefined,
      set: write,
      delete: (key) => write(key, undefined),
      scan: (prefix, range) => this.scan(storeName, prefix, range),
    };
  }

  private *scan(storeName: string, prefix: StoreKey, range: ScanRange = {}): Iterable<[KeyPart[], unknown]> {
    this.assertOpen();
    const base = encodeKey([storeName, ...prefix]);
    const start = range.from === undefined ? base : encodeKey([storeName, ...prefix, range.from]);
    const end = range.to === undefined ? prefixEnd(base) : encodeKey([storeName, ...prefix, range.to]);
    const lo = start.toString('latin1');
    const hi = end.toString('latin1');
    const pending = [...this.writes.entries()]
      .filter(([k]) => k >= lo && k < hi)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    const stored = this.backend.range(start, end)[Symbol.iterator]();
    let next = stored.next();
    let i = 0;
    const strip = (parts: KeyPart[]): KeyPart[] => parts.slice(1);
    while (!next.done || i < pending.length) {
      const storedKey = next.done ? undefined : next.value[0].toString('latin1');
      const pendingKey = i < pending.length ? pending[i][0] : undefined;
      if (pendingKey !== undefined && (storedKey === undefined || pendingKey <= storedKey)) {
        const w = pending[i++][1];
        if (storedKey === pendingKey) next = stored.next();
        if (w.value !== undefined) yield [w.key, w.value];
      } else if (!next.done) {
        const [bytes, value] = next.value;
        next = stored.next();
        yield [strip(decodeKey(bytes)), value];
      }
    }
  }
}
