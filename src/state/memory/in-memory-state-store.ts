import { BufferedTransaction } from '../base/buffered-transaction.ts';
import type { StoreBackend } from '../base/store-backend.ts';
import { changelogOffsetKey, processedOffsetKey, storeRange } from '../base/store-meta.ts';
import type { PartitionTransaction, StateStore } from '../base/state-store.ts';
import { StateError } from '../base/state-error.ts';

/** Options of {@link InMemoryStateStore}. */
export interface InMemoryStateStoreOptions {
  topic: string;
  partition: number;
}

/** Sorted in-memory map of latin1-encoded key bytes → value; values are cloned in and out. */
class MemoryBackend implements StoreBackend {
  private readonly values = new Map<string, unknown>();
  private sorted: string[] | undefined = [];

  read(key: Buffer): unknown {
    const value = this.values.get(key.toString('latin1'));
    return value === undefined ? undefined : structuredClone(value);
  }

  *range(start: Buffer, end: Buffer): Iterable<[Buffer, unknown]> {
    const keys = this.sortedKeys();
    const lo = start.toString('latin1');
    const hi = end.toString('latin1');
    for (let i = lowerBound(keys, lo); i < keys.length && keys[i] < hi; i++) {
      yield [Buffer.from(keys[i], 'latin1'), structuredClone(this.values.get(keys[i]))];
    }
  }

  write(entries: ReadonlyArray<readonly [Buffer, unknown]>): void {
    const cloned = entries.map(([k, v]) => [k.toString('latin1'), v === undefined ? undefined : structuredClone(v)] as const);
    for (const [k, v] of cloned) {
      if (v === undefined) {
        if (this.values.delete(k)) this.sorted = undefined;
      } else {
        if (!this.values.has(k)) this.sorted = undefined;
        this.values.set(k, v);
      }
    }
  }

  private sortedKeys(): string[] {
    if (!this.sorted) this.sorted = [...this.values.keys()].sort();
    return this.sorted;
  }
}

function lowerBound(keys: string[], target: string): number {
  let lo = 0;
  let hi = keys.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (keys[mid] < target) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * A {@link StateStore} held in memory: same contract as the LMDB store, nothing survives the
 * process. Used by `TestDriver`, `sdf.test()` and unit tests.
 *
 * @example
 * ```ts
 * const store = new InMemoryStateStore({ topic: 'orders', partition: 0 });
 * const tx = store.begin();
 * tx.view('default').set(['user-1', 'total'], 10);
 * tx.commit();
 * ```
 */
export class InMemoryStateStore implements StateStore {
  readonly topic: string;
  readonly partition: number;
  private readonly backend = new MemoryBackend();
  private open = true;
  private active: PartitionTransaction | undefined;

  constructor(options: InMemoryStateStoreOptions) {
    this.topic = options.topic;
    this.partition = options.partition;
  }

  begin(): PartitionTransaction {
    if (!this.open) throw new StateError(`The state store of ${this.label()} is closed; open a new one.`);
    if (this.active) throw new StateError(`The state store of ${this.label()} already has an open transaction; commit or abort it first.`);
    const tx = new BufferedTransaction(this.backend, this.label(), () => {
      this.active = undefined;
    });
    this.active = tx;
    return tx;
  }

  processedOffset(storeName: string): number | undefined {
    return this.backend.read(processedOffsetKey(storeName)) as number | undefined;
  }

  changelogOffset(storeName: string): number | undefined {
    return this.backend.read(changelogOffsetKey(storeName)) as number | undefined;
  }

  clear(storeName: string): void {
    const [start, end] = storeRange(storeName);
    const deletes: Array<readonly [Buffer, unknown]> = [...this.backend.range(start, end)].map(([k]) => [k, undefined] as const);
    deletes.push([changelogOffsetKey(storeName), undefined], [processedOffsetKey(storeName), undefined]);
    this.backend.write(deletes);
  }

  async close(): Promise<void> {
    this.open = false;
  }

  private label(): string {
    return `topic "${this.topic}" partition ${this.partition}`;
  }
}
