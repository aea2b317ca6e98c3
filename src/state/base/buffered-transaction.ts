import { decodeKey, encodeKey, partEnd, prefixEnd, type KeyPart, type StoreKey } from './key-codec.ts';
import { PendingWrites } from './pending-writes.ts';
import { StateError } from './state-error.ts';
import type { StoreBackend } from './store-backend.ts';
import { assertStoreName, changelogOffsetKey, processedOffsetKey } from './store-meta.ts';
import type { CommitMarks, PartitionTransaction, ScanRange, StateChange, StoreView } from './state-store.ts';

/**
 * A {@link PartitionTransaction} that buffers writes in memory and applies them to a
 * {@link StoreBackend} in one atomic write on commit, together with the offsets. Reads and scans
 * see the buffered writes merged over the stored entries.
 *
 * @example
 * ```ts
 * const tx = new BufferedTransaction(backend, 'orders[0]');
 * tx.view('default').set(['k'], 1);
 * tx.commit({ processedOffsets: { default: 7 } });
 * ```
 */
export class BufferedTransaction implements PartitionTransaction {
  private readonly pending = new PendingWrites();
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
    return this.pending.all().map((w) => ({ storeName: w.storeName, key: w.key, value: w.value }));
  }

  commit(marks: CommitMarks = {}): void {
    this.assertOpen();
    const entries: Array<readonly [Buffer, unknown]> = this.pending.all().map((w) => [w.bytes, w.value] as const);
    for (const [storeName, offset] of Object.entries(marks.processedOffsets ?? {})) {
      entries.push([processedOffsetKey(storeName), offset ?? undefined]);
    }
    for (const [storeName, offset] of Object.entries(marks.changelogOffsets ?? {})) {
      entries.push([changelogOffsetKey(storeName), offset]);
    }
    if (entries.length > 0) this.backend.write(entries);
    this.end();
  }

  abort(): void {
    if (!this.done) this.end();
  }

  savepoint(): number {
    return this.pending.savepoint();
  }

  rollbackTo(savepoint: number): void {
    this.assertOpen();
    this.pending.rollbackTo(savepoint);
  }

  private end(): void {
    this.done = true;
    this.pending.clear();
    this.onEnd();
  }

  private assertOpen(): void {
    if (this.done) throw new StateError(`The state transaction of ${this.label} is already committed or aborted; begin a new one.`);
  }

  private makeView(storeName: string): StoreView {
    const storePrefix = encodeKey([storeName]);
    const storePrefixId = storePrefix.toString('latin1');
    const bytesOf = (key: StoreKey): Buffer => encodeKey(key, storePrefix);
    const read = (key: StoreKey): unknown => {
      const bytes = bytesOf(key);
      const buffered = this.pending.get(bytes.toString('latin1'));
      return buffered ? buffered.value : this.backend.read(bytes);
    };
    const write = (key: StoreKey, value: unknown): void => {
      this.assertOpen();
      const bytes = bytesOf(key);
      const id = bytes.toString('latin1');
      const bucket = key.length === 0 ? storePrefixId : id.slice(0, partEnd(bytes, storePrefix.length));
      this.pending.set(id, bucket, { storeName, key: [...key], bytes, value });
    };
    return {
      get: read,
      has: (key) => read(key) !== undefined,
      set: write,
      delete: (key) => write(key, undefined),
      scan: (prefix, range) => this.scan(storePrefix, prefix, range),
    };
  }

  private *scan(storePrefix: Buffer, prefix: StoreKey, range: ScanRange = {}): Iterable<[KeyPart[], unknown]> {
    this.assertOpen();
    const base = Buffer.concat([storePrefix, encodeKey(prefix)]);
    const start = range.from === undefined ? base : Buffer.concat([base, encodeKey([range.from])]);
    const end = range.to === undefined ? prefixEnd(base) : Buffer.concat([base, encodeKey([range.to])]);
    const storePrefixId = storePrefix.toString('latin1');
    const bucketId = prefix.length === 0 ? undefined : storePrefixId + encodeKey([prefix[0]]).toString('latin1');
    const pending = this.pending.range(start.toString('latin1'), end.toString('latin1'), bucketId, storePrefixId)[Symbol.iterator]();
    const stored = this.backend.range(start, end)[Symbol.iterator]();
    let p = pending.next();
    let s = stored.next();
    let storedId = s.done ? undefined : s.value[0].toString('latin1');
    const advanceStored = () => {
      s = stored.next();
      storedId = s.done ? undefined : s.value[0].toString('latin1');
    };
    while (!p.done || !s.done) {
      if (!p.done && (storedId === undefined || p.value[0] <= storedId)) {
        const [id, w] = p.value;
        if (id === storedId) advanceStored();
        p = pending.next();
        if (w.value !== undefined) yield [w.key, w.value];
      } else if (!s.done) {
        const [bytes, value] = s.value;
        advanceStored();
        yield [decodeKey(bytes).slice(1), value];
      }
    }
  }
}
