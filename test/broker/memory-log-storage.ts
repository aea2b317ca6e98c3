import { randomBytes } from 'node:crypto';
import type { AbortedTransaction, AppendResult, CommittedOffset, LogStorage, OffsetStore, OpenTransaction, PartitionLog, ProducerEntry, TopicInfo } from '../../src/broker/storage/log-storage.ts';
import { BATCH } from '../../src/protocol/record-batch.ts';
import { encodeControlBatch, type TransactionMarker } from '../../src/protocol/control-batch.ts';
import { batchesBelow } from '../../src/broker/storage/batch-header.ts';
import { ProducerStateManager, type StagedAppend } from '../../src/broker/storage/producer-state.ts';
import { SluiceError } from '../../src/errors.ts';
import type { BrokerConfig } from '../../src/broker/handler.ts';
import { isTxnEnded } from '../../src/broker/transactions/transaction-state.ts';
import type { PendingOffset, StoredTransactions, TransactionRecord, TransactionStore } from '../../src/broker/transactions/transaction-store.ts';

/** A test double of the storage seam: batches kept in memory, same contract as the file storage. */
class MemoryPartitionLog implements PartitionLog {
  logStartOffset = 0;
  logEndOffset = 0;
  private readonly batches: { base: number; last: number; maxTs: number; bytes: Buffer }[] = [];
  private readonly listeners = new Set<() => void>();
  private readonly state: ProducerStateManager;

  constructor(readonly topic: string, readonly partition: number) {
    this.state = new ProducerStateManager(`${topic}-${partition}`);
  }

  get lastStableOffset(): number {
    const unstable = this.state.firstUnstableOffset;
    return unstable >= 0 ? unstable : this.logEndOffset;
  }

  append(recordBatches: Buffer): AppendResult {
    const staged = this.state.stageAppend(recordBatches, this.logEndOffset, Date.now());
    if (staged.duplicate) return { baseOffset: staged.duplicate.firstOffset, logAppendTime: -1, logStartOffset: this.logStartOffset, duplicate: true };
    return this.write(recordBatches, staged);
  }

  appendMarker(marker: TransactionMarker): AppendResult {
    return this.write(encodeControlBatch(marker), this.state.stageMarker(marker, this.logEndOffset, Date.now()));
  }

  abortedTransactions(fromOffset: number, toOffset: number): AbortedTransaction[] {
    return this.state.abortedTransactions(fromOffset, toOffset);
  }

  openTransactions(): OpenTransaction[] {
    return this.state.openTransactions();
  }

  producers(): ProducerEntry[] {
    return this.state.entries();
  }

  private write(recordBatches: Buffer, staged: StagedAppend): AppendResult {
    const baseOffset = this.logEndOffset;
    let pos = 0;
    while (pos < recordBatches.length) {
      const size = recordBatches.readInt32BE(pos + BATCH.batchLength) + BATCH.logOverhead;
      const bytes = Buffer.from(recordBatches.subarray(pos, pos + size));
      const delta = bytes.readInt32BE(BATCH.lastOffsetDelta);
      bytes.writeBigInt64BE(BigInt(this.logEndOffset), 0);
      this.batches.push({ base: this.logEndOffset, last: this.logEndOffset + delta, maxTs: Number(bytes.readBigInt64BE(BATCH.maxTimestamp)), bytes });
      this.logEndOffset += delta + 1;
      pos += size;
    }
    this.state.apply(staged);
    for (const l of [...this.listeners]) l();
    return { baseOffset, logAppendTime: -1, logStartOffset: this.logStartOffset };
  }

  read(offset: number, maxBytes: number, maxOffset = this.logEndOffset): Buffer {
    if (offset < this.logStartOffset || offset > this.logEndOffset) throw new SluiceError(`offset ${offset} out of range`);
    const out: Buffer[] = [];
    let size = 0;
    for (const b of this.batches) {
      if (b.last < offset) continue;
      if (b.base >= maxOffset) break;
      if (out.length > 0 && size + b.bytes.length > maxBytes) break;
      out.push(b.bytes);
      size += b.bytes.length;
    }
    return batchesBelow(Buffer.concat(out), maxOffset);
  }

  offsetForTimestamp(timestamp: number): { offset: number; timestamp: number } | null {
    const b = this.batches.find((x) => x.last >= this.logStartOffset && x.maxTs >= timestamp);
    return b ? { offset: Math.max(b.base, this.logStartOffset), timestamp: b.maxTs } : null;
  }

  deleteRecordsBefore(offset: number): number {
    this.logStartOffset = Math.max(this.logStartOffset, offset);
    return this.logStartOffset;
  }

  onAppend(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

/** In-memory LogStorage for broker tests. */
export class MemoryLogStorage implements LogStorage {
  private readonly topicMap = new Map<string, { info: TopicInfo; logs: MemoryPartitionLog[] }>();

  createTopic(name: string, partitions: number, configs: Record<string, string> = {}): TopicInfo {
    if (this.topicMap.has(name)) throw new SluiceError(`topic ${name} exists`);
    const info = { name, topicId: new Uint8Array(randomBytes(16)), partitions, configs };
    this.topicMap.set(name, { info, logs: Array.from({ length: partitions }, (_, p) => new MemoryPartitionLog(name, p)) });
    return info;
  }
  deleteTopic(name: string): void {
    this.topicMap.delete(name);
  }
  addPartitions(name: string, totalPartitions: number): TopicInfo {
    const t = this.topicMap.get(name)!;
    while (t.logs.length < totalPartitions) t.logs.push(new MemoryPartitionLog(name, t.logs.length));
    t.info = { ...t.info, partitions: totalPartitions };
    return t.info;
  }
  alterConfigs(name: string, configs: Record<string, string | null>): TopicInfo {
    const t = this.topicMap.get(name)!;
    const next: Record<string, string> = { ...t.info.configs };
    for (const [k, v] of Object.entries(configs)) {
      if (v === null) delete next[k];
      else next[k] = v;
    }
    t.info = { ...t.info, configs: next };
    return t.info;
  }
  topic(name: string): TopicInfo | undefined {
    return this.topicMap.get(name)?.info;
  }
  topics(): TopicInfo[] {
    return [...this.topicMap.values()].map((t) => t.info);
  }
  partition(topic: string, partition: number): PartitionLog | undefined {
    return this.topicMap.get(topic)?.logs[partition];
  }
  enforceRetention(): void {}
  close(): void {}
}

/** In-memory OffsetStore for broker tests. */
export class MemoryOffsetStore implements OffsetStore {
  private readonly data = new Map<string, Map<string, Map<number, CommittedOffset>>>();
  commit(group: string, topic: string, partition: number, offset: CommittedOffset): void {
    const g = this.data.get(group) ?? new Map();
    this.data.set(group, g);
    const t = g.get(topic) ?? new Map();
    g.set(topic, t);
    t.set(partition, offset);
  }
  fetch(group: string, topic: string, partition: number): CommittedOffset | undefined {
    return this.data.get(group)?.get(topic)?.get(partition);
  }
  fetchAll(group: string): Map<string, Map<number, CommittedOffset>> {
    return this.data.get(group) ?? new Map();
  }
  deleteOffset(group: string, topic: string, partition: number): boolean {
    const topics = this.data.get(group);
    const partitions = topics?.get(topic);
    if (topics === undefined || partitions === undefined || !partitions.delete(partition)) return false;
    if (partitions.size === 0) topics.delete(topic);
    if (topics.size === 0) this.data.delete(group);
    return true;
  }
  deleteGroup(group: string): void {
    this.data.delete(group);
  }
  groups(): string[] {
    return [...this.data.keys()];
  }
  close(): void {}
}

/** In-memory TransactionStore for broker tests (`load` returns what a previous store held, for restarts). */
export class MemoryTransactionStore implements TransactionStore {
  readonly records = new Map<string, TransactionRecord>();
  readonly pending = new Map<string, PendingOffset[]>();
  blockEnd = 0;
  load(): StoredTransactions {
    return { transactions: [...this.records.values()], pendingOffsets: new Map([...this.pending].map(([k, v]) => [k, [...v]])), producerIdBlockEnd: this.blockEnd };
  }
  save(record: TransactionRecord): void {
    this.records.set(record.transactionalId, record);
    if (isTxnEnded(record.state)) this.pending.delete(record.transactionalId);
  }
  remove(transactionalId: string): void {
    this.records.delete(transactionalId);
    this.pending.delete(transactionalId);
  }
  addPendingOffsets(transactionalId: string, offsets: readonly PendingOffset[]): void {
    const list = (this.pending.get(transactionalId) ?? []).filter((p) => !offsets.some((o) => o.group === p.group && o.topic === p.topic && o.partition === p.partition));
    this.pending.set(transactionalId, [...list, ...offsets]);
  }
  reserveProducerIds(blockEnd: number): void {
    this.blockEnd = Math.max(this.blockEnd, blockEnd);
  }
  close(): void {}
}

/** Broker settings for tests (small frames, no rebalance delay), with `overrides` applied. */
export function testBrokerConfig(overrides: Partial<BrokerConfig> = {}): BrokerConfig {
  return {
    defaultPartitions: 1, autoCreateTopics: true, maxFrameBytes: 1 << 20, groupInitialRebalanceDelayMs: 0,
    transactionMaxTimeoutMs: 900_000, transactionAbortCheckIntervalMs: 10_000, ...overrides,
  };
}
