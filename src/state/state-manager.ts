import { mkdirSync } from 'node:fs';
import type { Logger } from '../logger.ts';
import type { TopicPartition } from '../topics/message-context.ts';
import { KeyedState, sweepExpired } from './base/keyed-state.ts';
import { assertStoreName } from './base/store-meta.ts';
import type { State } from './base/state.ts';
import type { PartitionTransaction, StateStore, StoreView } from './base/state-store.ts';
import type { StateAccess } from './state-access.ts';
import { stateKeyOf } from './base/state-key.ts';
import { StateError } from './base/state-error.ts';
import { ChangelogRecovery, type ChangelogMessage } from './changelog/changelog-recovery.ts';
import { changelogRecords, changelogTopicName, type ChangelogRecord } from './changelog/changelog-topic.ts';
import { LmdbStateStore } from './lmdb/lmdb-state-store.ts';
import { InMemoryStateStore } from './memory/in-memory-state-store.ts';

/** Reads changelog partitions for recovery; implemented over a Kafka consumer by the app. */
export interface ChangelogReader {
  /** The partition's high watermark (offset after the last record) and low watermark. */
  watermarks(topic: string, partition: number): Promise<{ low: number; high: number }>;
  /** Reads the partition from its beginning up to (excluding) `endOffset`, in batches. */
  read(topic: string, partition: number, endOffset: number): AsyncIterable<readonly ChangelogMessage[]>;
}

/** Options of {@link StateManager}. */
export interface StateManagerOptions {
  consumerGroup: string;
  /** Root of the LMDB stores; default `./state`. Ignored with `inMemory`. */
  stateDir?: string;
  /** Keep state in memory (tests, `TestDriver`); nothing survives the process. */
  inMemory?: boolean;
  /** Write and recover from changelog topics; default true. */
  changelog?: boolean;
  /**
   * Open a partition's store on first use instead of requiring `assign()` first (no recovery);
   * for the TestDriver and `sdf.test`. Default false.
   */
  autoAssign?: boolean;
  logger?: Logger;
  /** Counters to add restored changelog records to (`restoredRecords`), e.g. the app's `stats`. */
  stats?: { restoredRecords: number };
}

/** A changelog topic the app must create: compacted, same partition count as `sourceTopic`. */
export interface ChangelogTopicSpec {
  name: string;
  sourceTopic: string;
  storeName: string;
}

interface Assigned {
  readonly store: StateStore;
  /** The stores registered for the partition's topic. */
  readonly storeNames: readonly string[];
  tx: PartitionTransaction | undefined;
  /** The last input offset processed in the current checkpoint. */
  lastOffset: number | undefined;
  /** Per store: the last input offset whose effects it holds (cache of the stored marks). */
  readonly processed: Map<string, number | undefined>;
  /** Changelog records of the prepared checkpoint. */
  pending: ChangelogRecord[] | undefined;
  /** Event time of the partition: the largest record timestamp seen since the store was opened. */
  streamTime: number;
}

const tpKey = (topic: string, partition: number): string => `${topic}[${partition}]`;

/**
 * Owns the state stores of the assigned partitions of one app: opens them on assignment (and
 * rebuilds them from their changelogs), gives each batch one transaction per partition, and
 * commits state with the checkpoint.
 *
 * Checkpoint contract, in this order: `prepareCheckpoint()` freezes the batch's state changes
 * and returns the changelog records to produce; the app produces its outputs, then those records,
 * and only once both are acknowledged calls `commitCheckpoint()`, which makes the state durable
 * with the batch's last input offset per store; consumer offsets are committed after that. A
 * crash before `commitCheckpoint()` leaves the store behind its changelog (the next assignment
 * rebuilds it); a crash after it leaves input offsets uncommitted whose effects the store already
 * holds, so their replay is skipped ({@link isProcessed}) — each input changes state once.
 *
 * @example
 * ```ts
 * const manager = new StateManager({ consumerGroup: 'g', stateDir: './state' });
 * manager.registerStore('orders', 'default');
 * await manager.assign('orders', 0, reader);
 * manager.state('orders', 0, 'user-1', ts).set('total', 1);
 * manager.markProcessed('orders', 0, 41);
 * const records = manager.prepareCheckpoint();
 * // produce the outputs, then `records`; once acknowledged:
 * manager.commitCheckpoint();
 * ```
 */
export class StateManager implements StateAccess {
  readonly consumerGroup: string;
  readonly autoAssign: boolean;
  readonly stateDir: string;
  readonly inMemory: boolean;
  readonly changelog: boolean;
  private readonly logger: Logger | undefined;
  private readonly stats: { restoredRecords: number } | undefined;
  private readonly stores = new Map<string, Set<string>>();
  private readonly assigned = new Map<string, Assigned>();
  /** Next changelog offset per changelog topic-partition, learned at assignment, advanced per checkpoint. */
  private readonly changelogNext = new Map<string, number>();
  /** The entry of the partition looked up last (rows of a batch all ask for the same one). */
  private recent: { topic: string; partition: number; entry: Assigned | undefined } | undefined;

  constructor(options: StateManagerOptions) {
    if (typeof options?.consumerGroup !== 'string' || options.consumerGroup.length === 0) {
      throw new StateError('StateManager option "consumerGroup" must be a non-empty string.');
    }
    this.consumerGroup = options.consumerGroup;
    this.stateDir = options.stateDir ?? './state';
    this.inMemory = options.inMemory ?? false;
    this.changelog = options.changelog ?? true;
    this.autoAssign = options.autoAssign ?? false;
    this.logger = options.logger;
    this.stats = options.stats;
  }

  /** Declares that a stateful step or window keeps store `storeName` for `topic`. */
  registerStore(topic: string, storeName: string): void {
    assertStoreName(storeName);
    let names = this.stores.get(topic);
    if (!names) this.stores.set(topic, (names = new Set()));
    names.add(storeName);
  }

  /** Whether any store is registered for `topic`. */
  isStateful(topic: string): boolean {
    return (this.stores.get(topic)?.size ?? 0) > 0;
  }

  /** The changelog topics of all registered stores. */
  changelogTopics(): ChangelogTopicSpec[] {
    if (!this.changelog) return [];
    const specs: ChangelogTopicSpec[] = [];
    for (const [sourceTopic, names] of this.stores) {
      for (const storeName of names) specs.push({ name: changelogTopicName(this.consumerGroup, sourceTopic, storeName), sourceTopic, storeName });
    }
    return specs;
  }

  /** Opens the store of a newly assigned partition and rebuilds it from the changelog if needed. */
  async assign(topic: string, partition: number, reader?: ChangelogReader): Promise<void> {
    if (!this.isStateful(topic) || this.assigned.has(tpKey(topic, partition))) return;
    const store = this.openStore(topic, partition);
    try {
      if (this.changelog && reader) await this.recover(store, reader);
    } catch (e) {
      await store.close().catch(() => undefined);
      throw e;
    }
    this.setEntry(topic, partition, this.newEntry(store));
  }

  private async recover(store: StateStore, reader: ChangelogReader): Promise<void> {
    const { topic, partition } = store;
    for (const storeName of this.stores.get(topic) ?? []) {
      const changelogTopic = changelogTopicName(this.consumerGroup, topic, storeName);
      const { low, high } = await reader.watermarks(changelogTopic, partition);
      this.changelogNext.set(tpKey(changelogTopic, partition), high);
      const recovery = new ChangelogRecovery({ store, storeName });
      if (!recovery.isNeeded(high)) continue;
      this.logger?.info({ topic, partition, storeName, changelogTopic, low, high }, 'recovering state from changelog');
      const result = await recovery.recover({ endOffset: high, startOffset: low, read: () => reader.read(changelogTopic, partition, high) });
      if (this.stats) this.stats.restoredRecords += result.applied;
      this.logger?.info({ topic, partition, storeName, applied: result.applied, processedOffset: result.sourceOffset }, 'state recovered');
    }
  }

  /** Drops uncommitted writes and closes the store of a revoked partition. */
  async revoke(topic: string, partition: number): Promise<void> {
    const entry = this.assigned.get(tpKey(topic, partition));
    if (!entry) return;
    entry.tx?.abort();
    this.setEntry(topic, partition, undefined);
    await entry.store.close();
  }

  /** The store of an assigned partition. */
  store(topic: string, partition: number): StateStore {
    return this.entry(topic, partition).store;
  }

  /** The open transaction of a partition for the current checkpoint, begun on first use. */
  transaction(topic: string, partition: number): PartitionTransaction {
    const entry = this.entry(topic, partition);
    if (entry.pending) throw new StateError(`State of ${tpKey(topic, partition)} has a prepared checkpoint; call commitCheckpoint() before processing more records.`);
    entry.tx ??= entry.store.begin();
    return entry.tx;
  }

  /** The view of store `storeName` of a partition in the current checkpoint's transaction. */
  view(topic: string, partition: number, storeName: string): StoreView {
    return this.transaction(topic, partition).view(storeName);
  }

  /** The {@link State} of message `key` in `storeName` (default `default`), for a record at `timestamp`. */
  state(topic: string, partition: number, key: unknown, timestamp: number, storeName = 'default'): State {
    return new KeyedState(this.transaction(topic, partition).view(storeName), stateKeyOf(key), this.observe(topic, partition, timestamp));
  }

  /** Records that a record at event time `timestamp` arrived and returns the partition's event time. */
  observe(topic: string, partition: number, timestamp: number): number {
    const entry = this.entry(topic, partition);
    if (timestamp > entry.streamTime) entry.streamTime = timestamp;
    return entry.streamTime;
  }

  /** Whether the partition's store is open (or would be opened on use, with `autoAssign`). */
  isAssigned(topic: string, partition: number): boolean {
    return this.autoAssign || this.lookup(topic, partition) !== undefined;
  }

  /** The partitions of `topic` whose stores are open. */
  assignedPartitions(topic: string): number[] {
    const partitions: number[] = [];
    for (const entry of this.assigned.values()) if (entry.store.topic === topic) partitions.push(entry.store.partition);
    return partitions;
  }

  /** Whether store `storeName` of the partition already holds the effects of input `offset`. */
  isProcessed(topic: string, partition: number, offset: number, storeName: string): boolean {
    const stored = this.lookup(topic, partition)?.processed.get(storeName);
    return stored !== undefined && offset <= stored;
  }

  /** Records that input `offset` of the partition has been processed in this checkpoint. */
  markProcessed(topic: string, partition: number, offset: number): void {
    const entry = this.lookup(topic, partition);
    if (entry) entry.lastOffset = Math.max(entry.lastOffset ?? -1, offset);
  }

  /** A point to {@link rollback} the partition's state to: the writes made after it can be undone. */
  savepoint(topic: string, partition: number): number {
    return this.lookup(topic, partition)?.tx?.savepoint() ?? 0;
  }

  /** Undoes the partition's state writes made after `savepoint` (those of a row that failed). */
  rollback(topic: string, partition: number, savepoint: number): void {
    this.lookup(topic, partition)?.tx?.rollbackTo(savepoint);
  }

  /**
   * Freezes the checkpoint's state changes — after deleting the entries whose TTL expired at the
   * partition's event time — and returns the changelog records to produce. With `partitions`,
   * only those partitions' (an exactly-once checkpoint commits each input partition on its own).
   */
  prepareCheckpoint(partitions?: readonly TopicPartition[]): ChangelogRecord[] {
    const all: ChangelogRecord[] = [];
    for (const entry of this.entries(partitions)) {
      if (entry.pending || !entry.tx) continue;
      for (const storeName of entry.storeNames) sweepExpired(entry.tx.view(storeName), entry.streamTime);
      const { store } = entry;
      entry.pending = this.changelog
        ? changelogRecords(entry.tx.changes(), { consumerGroup: this.consumerGroup, topic: store.topic, partition: store.partition, sourceOffset: entry.lastOffset ?? -1 })
        : [];
      all.push(...entry.pending);
    }
    return all;
  }

  /**
   * The offsets the records of the prepared checkpoint will get, predicted from the changelog end
   * seen at assignment (this instance is the partition's only writer). A wrong prediction (e.g. a
   * producer retry wrote a duplicate) only makes the next assignment rebuild the store. With
   * `marker`, the records were written in a Kafka transaction whose commit marker takes the
   * offset after them: that marker's offset is reported as the last one, which is where the
   * changelog ends for a reader.
   */
  private predictedOffsets(entries: Iterable<Assigned>, marker: boolean): (changelogTopic: string, partition: number) => number | undefined {
    const last = new Map<string, number>();
    for (const entry of entries) {
      for (const r of entry.pending ?? []) {
        const id = tpKey(r.topic, r.partition);
        const next = this.changelogNext.get(id);
        if (next === undefined) continue;
        this.changelogNext.set(id, next + 1);
        last.set(id, next);
      }
    }
    if (marker) {
      for (const [id, offset] of last) {
        this.changelogNext.set(id, offset + 2);
        last.set(id, offset + 1);
      }
    }
    return (topic, partition) => last.get(tpKey(topic, partition));
  }

  /**
   * Makes the prepared checkpoint durable. `changelogOffsets` maps a changelog topic to the offset
   * of the last record produced to it for the partition (from the produce responses); `partitions`
   * limits the commit to those partitions.
   */
  commitCheckpoint(changelogOffsets?: (changelogTopic: string, partition: number) => number | undefined, partitions?: readonly TopicPartition[]): void {
    const entries = [...this.entries(partitions)];
    const offsetOf = changelogOffsets ?? this.predictedOffsets(entries, false);
    for (const entry of entries) {
      if (!entry.tx && entry.lastOffset === undefined) {
        entry.pending = undefined;
        continue;
      }
      const { store } = entry;
      entry.tx ??= store.begin();
      const offsets: Record<string, number> = {};
      const processedOffsets: Record<string, number> = {};
      for (const storeName of entry.storeNames) {
        const offset = offsetOf(changelogTopicName(this.consumerGroup, store.topic, storeName), store.partition);
        if (offset !== undefined) offsets[storeName] = offset;
        if (entry.lastOffset === undefined) continue;
        // a store rebuilt ahead of the committed input offset keeps its own (higher) mark
        const processed = Math.max(entry.processed.get(storeName) ?? -1, entry.lastOffset);
        processedOffsets[storeName] = processed;
        entry.processed.set(storeName, processed);
      }
      entry.tx.commit({ processedOffsets, changelogOffsets: offsets });
      entry.tx = undefined;
      entry.pending = undefined;
      entry.lastOffset = undefined;
    }
  }

  /**
   * Commits the prepared checkpoint of `partitions` once the Kafka transaction that carried its
   * changelog records (and the consumer offsets) committed — exactly-once processing. Partitions
   * no longer assigned are skipped: their stores were closed, and a later assignment rebuilds them.
   */
  commitTransaction(partitions: readonly TopicPartition[]): void {
    const entries = [...this.entries(partitions)];
    this.commitCheckpoint(this.predictedOffsets(entries, true), partitions);
  }

  /**
   * Drops the uncommitted state changes of `partitions` (their Kafka transaction was aborted or
   * fenced): the stores are back at their last committed checkpoint. The changelog end is no longer
   * predictable (aborted records and the abort marker took offsets), so the next commit records no
   * changelog offset and a later assignment rebuilds the store from the changelog.
   */
  discard(partitions: readonly TopicPartition[]): void {
    for (const entry of this.entries(partitions)) {
      entry.tx?.abort();
      entry.tx = undefined;
      entry.pending = undefined;
      entry.lastOffset = undefined;
      for (const storeName of entry.storeNames) this.changelogNext.delete(tpKey(changelogTopicName(this.consumerGroup, entry.store.topic, storeName), entry.store.partition));
    }
  }

  /** The open entries of `partitions` (all of them without). */
  private *entries(partitions: readonly TopicPartition[] | undefined): Iterable<Assigned> {
    if (!partitions) {
      yield* this.assigned.values();
      return;
    }
    for (const { topic, partition } of partitions) {
      const entry = this.assigned.get(tpKey(topic, partition));
      if (entry) yield entry;
    }
  }

  /** Aborts open transactions and closes every store. */
  async close(): Promise<void> {
    for (const [tp, entry] of [...this.assigned]) {
      entry.tx?.abort();
      this.assigned.delete(tp);
      await entry.store.close();
    }
    this.recent = undefined;
  }

  /** The open entry of a partition, remembering the last one asked for (the hot path). */
  private lookup(topic: string, partition: number): Assigned | undefined {
    const recent = this.recent;
    if (recent !== undefined && recent.partition === partition && recent.topic === topic) return recent.entry;
    const entry = this.assigned.get(tpKey(topic, partition));
    this.recent = { topic, partition, entry };
    return entry;
  }

  private setEntry(topic: string, partition: number, entry: Assigned | undefined): void {
    if (entry) this.assigned.set(tpKey(topic, partition), entry);
    else this.assigned.delete(tpKey(topic, partition));
    this.recent = undefined;
  }

  private newEntry(store: StateStore): Assigned {
    const storeNames = [...(this.stores.get(store.topic) ?? [])];
    const processed = new Map(storeNames.map((name) => [name, store.processedOffset(name)]));
    return { store, storeNames, tx: undefined, lastOffset: undefined, processed, pending: undefined, streamTime: -Infinity };
  }

  private entry(topic: string, partition: number): Assigned {
    let entry = this.lookup(topic, partition);
    if (!entry && this.autoAssign) {
      entry = this.newEntry(this.openStore(topic, partition));
      this.setEntry(topic, partition, entry);
    }
    if (!entry) throw new StateError(`No state store is open for ${tpKey(topic, partition)}; the partition is not assigned to this app (or no stateful step uses it).`);
    return entry;
  }

  private openStore(topic: string, partition: number): StateStore {
    if (this.inMemory) return new InMemoryStateStore({ topic, partition });
    mkdirSync(this.stateDir, { recursive: true });
    return new LmdbStateStore({ stateDir: this.stateDir, consumerGroup: this.consumerGroup, topic, partition });
  }
}
