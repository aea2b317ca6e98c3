import type { KeyPart, StoreKey } from './key-codec.ts';

/** Bounds of a range scan inside a key prefix: the next key part runs from `from` to `to`. */
export interface ScanRange {
  /** Inclusive lower bound of the part following the prefix. */
  from?: KeyPart;
  /** Exclusive upper bound of the part following the prefix. */
  to?: KeyPart;
}

/**
 * Read/write access to one named store (e.g. `default`, or a window's store) inside a transaction.
 * Keys are tuples relative to the store; scans return them in tuple order.
 *
 * @example
 * ```ts
 * const view = tx.view('default');
 * view.set(['user-1', 'total'], 42);
 * for (const [key, value] of view.scan(['user-1'])) console.log(key, value);
 * ```
 */
export interface StoreView {
  get(key: StoreKey): unknown;
  has(key: StoreKey): boolean;
  set(key: StoreKey, value: unknown): void;
  delete(key: StoreKey): void;
  /** Entries whose key starts with `prefix`, sorted; `range` bounds the part right after it. */
  scan(prefix: StoreKey, range?: ScanRange): Iterable<[KeyPart[], unknown]>;
}

/** One state change of a transaction: the last write to a key (`value: undefined` = deleted). */
export interface StateChange {
  readonly storeName: string;
  readonly key: KeyPart[];
  readonly value: unknown;
}

/**
 * What a commit records besides the changes, in the same atomic write.
 *
 * @example
 * ```ts
 * tx.commit({ processedOffsets: { default: 41 }, changelogOffsets: { default: 6 } });
 * ```
 */
export interface CommitMarks {
  /** Per store name: the last input offset of the source partition whose effects the store holds; null forgets it. */
  processedOffsets?: Readonly<Record<string, number | null>>;
  /** Per store name: the changelog offset of the last change this commit contains. */
  changelogOffsets?: Readonly<Record<string, number>>;
}

/**
 * The writes of one batch on one topic-partition, buffered until {@link PartitionTransaction.commit}.
 * Reads see the buffered writes.
 *
 * @example
 * ```ts
 * const tx = store.begin();
 * tx.view('default').set(['k', 'count'], 1);
 * const changes = tx.changes();        // produce these to the changelog first
 * tx.commit({ processedOffsets: { default: 41 } });  // then make them durable with the offset
 * ```
 */
export interface PartitionTransaction {
  view(storeName: string): StoreView;
  /** The net changes so far, one per key, in key order. */
  changes(): StateChange[];
  /**
   * Applies every buffered write and the marks atomically: after a crash either all of them or
   * none are visible. A transaction commits at most once; committing an empty one only records marks.
   */
  commit(marks?: CommitMarks): void;
  /** Drops the buffered writes. */
  abort(): void;
  /** A point to roll back to: the writes made after it can be undone (e.g. those of a failed row). */
  savepoint(): number;
  /** Undoes the writes made after `savepoint`; the transaction stays open. */
  rollbackTo(savepoint: number): void;
}

/**
 * The state of one source topic-partition: all its named stores, the last processed input offset
 * and the changelog offsets, changed only through transactions.
 *
 * @example
 * ```ts
 * const store = new InMemoryStateStore({ topic: 'orders', partition: 0 });
 * const tx = store.begin();
 * tx.view('default').set(['user-1', 'total'], 10);
 * tx.commit({ processedOffsets: { default: 0 } });
 * store.processedOffset('default'); // 0
 * ```
 */
export interface StateStore {
  readonly topic: string;
  readonly partition: number;
  begin(): PartitionTransaction;
  /** The last input offset whose effects store `storeName` holds, or undefined if none. */
  processedOffset(storeName: string): number | undefined;
  /** The changelog offset of the last change stored for `storeName`, or undefined. */
  changelogOffset(storeName: string): number | undefined;
  /** Deletes every entry of `storeName`, its processed and its changelog offset (before a rebuild). */
  clear(storeName: string): void;
  close(): Promise<void>;
}
