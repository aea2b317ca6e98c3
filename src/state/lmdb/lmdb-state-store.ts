import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { open, type RootDatabase } from 'lmdb';
import { BufferedTransaction } from '../base/buffered-transaction.ts';
import type { StoreBackend } from '../base/store-backend.ts';
import { changelogOffsetKey, processedOffsetKey, storeRange } from '../base/store-meta.ts';
import type { PartitionTransaction, StateStore } from '../base/state-store.ts';
import { StateError } from '../base/state-error.ts';

/** Options of {@link LmdbStateStore}. */
export interface LmdbStateStoreOptions {
  /** Root directory of all state, e.g. `./state`. */
  stateDir: string;
  consumerGroup: string;
  topic: string;
  partition: number;
}

class LmdbBackend implements StoreBackend {
  constructor(private readonly db: RootDatabase<unknown, Buffer>) {}

  read(key: Buffer): unknown {
    return this.db.get(key);
  }

  *range(start: Buffer, end: Buffer): Iterable<[Buffer, unknown]> {
    for (const { key, value } of this.db.getRange({ start, end })) yield [key, value];
  }

  write(entries: ReadonlyArray<readonly [Buffer, unknown]>): void {
    this.db.transactionSync(() => {
      for (const [key, value] of entries) {
        if (value === undefined) this.db.removeSync(key);
        else this.db.putSync(key, value);
      }
    });
  }
}

/**
 * Directory of the state of one topic-partition: `<stateDir>/<consumerGroup>/<topic>/<partition>`.
 *
 * @example
 * ```ts
 * lmdbStatePath({ stateDir: './state', consumerGroup: 'g', topic: 'orders', partition: 0 });
 * // 'state/g/orders/0'
 * ```
 */
export function lmdbStatePath(options: LmdbStateStoreOptions): string {
  return join(options.stateDir, options.consumerGroup, options.topic, String(options.partition));
}

/**
 * A durable {@link StateStore} in one LMDB environment per topic-partition. A transaction's
 * writes and its offsets are committed in one synchronous LMDB write transaction, so after a
 * crash the state and the recorded processed/changelog offsets always agree.
 *
 * @example
 * ```ts
 * const store = new LmdbStateStore({ stateDir: './state', consumerGroup: 'g', topic: 'orders', partition: 0 });
 * const tx = store.begin();
 * tx.view('default').set(['user-1', 'total'], 10);
 * tx.commit({ processedOffsets: { default: 41 } });
 * await store.close();
 * ```
 */
export class LmdbStateStore implements StateStore {
  readonly topic: string;
  readonly partition: number;
  readonly path: string;
  private readonly db: RootDatabase<unknown, Buffer>;
  private readonly backend: LmdbBackend;
  private active: PartitionTransaction | undefined;
  private closed = false;

  constructor(options: LmdbStateStoreOptions) {
    for (const name of ['stateDir', 'consumerGroup', 'topic'] as const) {
      if (typeof options[name] !== 'string' || options[name].length === 0) {
        throw new StateError(`LmdbStateStore option "${name}" must be a non-empty string.`);
      }
    }
    if (!Number.isInteger(options.partition) || options.partition < 0) {
      throw new StateError(`LmdbStateStore option "partition" is ${options.partition}; pass a partition number >= 0.`);
    }
    this.topic = options.topic;
    this.partition = options.partition;
    this.path = lmdbStatePath(options);
    try {
      mkdirSync(this.path, { recursive: true });
      this.db = open<unknown, Buffer>({ path: this.path, keyEncoding: 'binary', encoding: 'msgpack' });
    } catch (cause) {
      throw new StateError(`Cannot open the state store at ${this.path} for ${this.label()}; check that the directory is writable and not used by another process.`, { cause });
    }
    this.backend = new LmdbBackend(this.db);
  }

  begin(): PartitionTransaction {
    if (this.closed) throw new StateError(`The state store of ${this.label()} is closed; open a new one.`);
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
    const keys = [...this.db.getKeys({ start, end })];
    this.db.transactionSync(() => {
      for (const key of keys) this.db.removeSync(key);
      this.db.removeSync(changelogOffsetKey(storeName));
      this.db.removeSync(processedOffsetKey(storeName));
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.db.close();
  }

  /**
   * Closes the store and deletes its directory (e.g. after the partition moved to another
   * instance, or to force a rebuild from the changelog).
   */
  async destroy(): Promise<void> {
    await this.close();
    rmSync(this.path, { recursive: true, force: true });
  }

  private label(): string {
    return `topic "${this.topic}" partition ${this.partition} (${this.path})`;
  }
}
