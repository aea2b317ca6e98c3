import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Logger } from '../../logger.ts';
import { removeStaleTempFiles, writeFileAtomic } from './atomic-write.ts';
import { OffsetOutOfRangeError, StorageError } from './errors.ts';
import type { FdCache } from './fd-cache.ts';
import { LogSegment, type SegmentContext } from './log-segment.ts';
import type { LogPolicy } from './log-policy.ts';
import type { AbortedTransaction, AppendResult, OpenTransaction, PartitionLog, ProducerEntry } from './log-storage.ts';
import { batchesBelow } from './batch-header.ts';
import { ProducerStateManager, type StagedAppend } from './producer-state.ts';
import { ProducerSnapshots } from './producer-snapshots.ts';
import { controlTypeOf } from './control-type.ts';
import { encodeControlBatch, type TransactionMarker } from '../../protocol/control-batch.ts';

const EMPTY = Buffer.alloc(0);
/** Segments roll before relative offsets could overflow the int32 of an index entry. */
const MAX_RELATIVE_OFFSET = 2 ** 31 - 2 ** 24;
const START_FILE = 'log-start-offset';
/** Producers idle this long are forgotten (Kafka's `producer.id.expiration.ms` default, one day). */
const PRODUCER_ID_EXPIRATION_MS = 24 * 60 * 60 * 1000;

/** Options of `FilePartitionLog`; the storage builds them. */
export interface FilePartitionLogOptions {
  /** The partition directory `<dataDir>/topics/<topic>/<partition>`; created when missing. */
  readonly dir: string;
  readonly topic: string;
  readonly partition: number;
  readonly fds: FdCache;
  readonly log: Logger;
  readonly segmentBytes: number;
  readonly indexIntervalBytes: number;
  readonly policy: LogPolicy;
}

/**
 * One partition's log on disk: a list of `LogSegment`s, the last one active. Appends are one
 * `writeSync`; reads binary-search the segments, then the sparse index, then scan a few batch
 * headers and read the byte range at once. Opening recovers the active segment (torn tails are
 * truncated), the persisted log start offset, and the producer state (idempotence and
 * transactions): the newest snapshot plus a replay of the batch headers after it. Snapshots are
 * written when a segment rolls and when the log closes, so a `kill -9` costs at most a replay of
 * the active segment's headers.
 *
 * @example
 * ```ts
 * const log = new FilePartitionLog({ dir, topic: 'jokes', partition: 0, fds, log: logger, segmentBytes: 64 << 20, indexIntervalBytes: 4096, policy: logPolicy({}) });
 * const { baseOffset } = log.append(batches);
 * const bytes = log.read(baseOffset, 1 << 20);
 * ```
 */
export class FilePartitionLog implements PartitionLog {
  readonly topic: string;
  readonly partition: number;
  /** Effective retention and timestamp settings; the storage replaces it on alterConfigs. */
  policy: LogPolicy;
  private readonly dir: string;
  private readonly segments: LogSegment[] = [];
  private readonly ctx: SegmentContext;
  private readonly segmentBytes: number;
  private readonly listeners = new Set<() => void>();
  private startOffset = 0;
  private closed = false;
  private readonly state: ProducerStateManager;
  private readonly snapshots: ProducerSnapshots;

  constructor(options: FilePartitionLogOptions) {
    this.topic = options.topic;
    this.partition = options.partition;
    this.policy = options.policy;
    this.dir = options.dir;
    this.segmentBytes = options.segmentBytes;
    const name = `${options.topic}-${options.partition}`;
    this.ctx = { fds: options.fds, indexIntervalBytes: options.indexIntervalBytes, log: options.log, name };
    fs.mkdirSync(this.dir, { recursive: true });
    removeStaleTempFiles(this.dir);
    const bases: number[] = [];
    for (const file of fs.readdirSync(this.dir)) {
      const base = LogSegment.baseOffsetOf(file);
      if (base !== null) bases.push(base);
    }
    bases.sort((a, b) => a - b);
    const stored = this.readStartOffset();
    bases.forEach((base, i) => this.segments.push(LogSegment.open(this.dir, base, this.ctx, i === bases.length - 1)));
    if (this.segments.length === 0) this.segments.push(LogSegment.create(this.dir, Math.max(stored, 0), this.ctx));
    this.startOffset = Math.min(Math.max(stored, this.segments[0].baseOffset), this.logEndOffset);
    this.state = new ProducerStateManager(name);
    this.snapshots = new ProducerSnapshots(this.dir, options.log, name);
    this.recoverProducerState();
  }

  get logStartOffset(): number {
    return this.startOffset;
  }

  get logEndOffset(): number {
    return this.active.nextOffset;
  }

  /** Number of segment files (tests and metrics). */
  get segmentCount(): number {
    return this.segments.length;
  }

  /** Bytes of all segments. */
  get sizeBytes(): number {
    let total = 0;
    for (const s of this.segments) total += s.size;
    return total;
  }

  get lastStableOffset(): number {
    const unstable = this.state.firstUnstableOffset;
    return unstable >= 0 ? unstable : this.logEndOffset;
  }

  append(recordBatches: Buffer): AppendResult {
    this.assertOpen();
    const staged = this.state.stageAppend(recordBatches, this.logEndOffset, Date.now());
    if (staged.duplicate !== null) return { baseOffset: staged.duplicate.firstOffset, logAppendTime: -1, logStartOffset: this.startOffset, duplicate: true };
    return this.write(recordBatches, staged);
  }

  appendMarker(marker: TransactionMarker): AppendResult {
    this.assertOpen();
    const staged = this.state.stageMarker(marker, this.logEndOffset, Date.now());
    return this.write(encodeControlBatch(marker), staged);
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

  /** The producer state of this partition (tests and tools). */
  get producerState(): ProducerStateManager {
    return this.state;
  }

  private write(recordBatches: Buffer, staged: StagedAppend): AppendResult {
    const active = this.active;
    if (active.size > 0 && (active.size + recordBatches.length > this.segmentBytes || active.nextOffset - active.baseOffset > MAX_RELATIVE_OFFSET)) {
      this.roll();
    }
    const baseOffset = this.logEndOffset;
    const logAppendTime = this.policy.logAppendTime ? Date.now() : -1;
    this.active.append(recordBatches, logAppendTime);
    this.state.apply(staged);
    for (const listener of this.listeners) {
      try {
        listener();
      } catch (err) {
        this.ctx.log.warn({ err, partition: this.ctx.name }, 'an append listener threw; the append itself succeeded');
      }
    }
    return { baseOffset, logAppendTime, logStartOffset: this.startOffset };
  }

  read(offset: number, maxBytes: number, maxOffset?: number): Buffer {
    this.assertOpen();
    const end = this.logEndOffset;
    if (offset < this.startOffset || offset > end) throw new OffsetOutOfRangeError(this.topic, this.partition, offset, this.startOffset, end);
    const limit = maxOffset === undefined ? end : Math.min(maxOffset, end);
    if (offset >= limit) return EMPTY;
    for (let i = this.segmentFor(offset); i < this.segments.length; i++) {
      const bytes = this.segments[i].read(offset, maxBytes);
      if (bytes.length > 0) return limit < end ? batchesBelow(bytes, limit) : bytes;
    }
    return EMPTY;
  }

  offsetForTimestamp(timestamp: number): { offset: number; timestamp: number } | null {
    this.assertOpen();
    for (const segment of this.segments) {
      const found = segment.findTimestamp(timestamp, this.startOffset);
      if (found) return found;
    }
    return null;
  }

  deleteRecordsBefore(offset: number): number {
    this.assertOpen();
    const end = this.logEndOffset;
    if (offset < 0 || offset > end) throw new OffsetOutOfRangeError(this.topic, this.partition, offset, this.startOffset, end);
    if (offset <= this.startOffset) return this.startOffset;
    this.startOffset = offset;
    while (this.segments.length > 1 && this.segments[0].nextOffset <= offset) this.segments.shift()!.remove();
    this.writeStartOffset();
    this.state.truncateHead(offset);
    return this.startOffset;
  }

  onAppend(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  /**
   * Deletes whole non-active segments whose newest batch is older than `retention.ms`, and the
   * oldest segments while the log exceeds `retention.bytes`; moves the log start offset past them.
   * An expired active segment is rolled first so that it can go too. Returns the segments deleted.
   */
  enforceRetention(now: number): number {
    this.assertOpen();
    this.state.expire(now, PRODUCER_ID_EXPIRATION_MS);
    const { retentionMs, retentionBytes, deleteEnabled } = this.policy;
    if (!deleteEnabled || (retentionMs < 0 && retentionBytes < 0)) return 0;
    const expired = (s: LogSegment): boolean =>
      retentionMs >= 0 && s.size > 0 && (s.maxTimestamp >= 0 ? s.maxTimestamp : fs.statSync(s.logPath).mtimeMs) < now - retentionMs;
    if (expired(this.active)) this.roll();
    let total = this.sizeBytes;
    let removed = 0;
    while (this.segments.length > 1) {
      const oldest = this.segments[0];
      if (!expired(oldest) && !(retentionBytes >= 0 && total - oldest.size >= retentionBytes)) break;
      this.segments.shift();
      oldest.remove();
      total -= oldest.size;
      removed++;
    }
    if (removed > 0 && this.segments[0].baseOffset > this.startOffset) {
      this.startOffset = Math.min(this.segments[0].baseOffset, this.logEndOffset);
      this.writeStartOffset();
      this.state.truncateHead(this.startOffset);
      this.ctx.log.info({ partition: this.ctx.name, segments: removed, logStartOffset: this.startOffset }, `retention deleted ${removed} segment(s) of ${this.ctx.name}`);
    }
    return removed;
  }

  /** fsyncs the active segment (the bytes already survive a process crash without it). */
  flush(): void {
    this.active.flush();
  }

  /** Seals the active segment's index and releases descriptors. Idempotent. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.active.flush();
    this.active.seal();
    this.snapshots.write(this.logEndOffset, this.state.toSnapshot());
    for (const s of this.segments) s.release();
    this.listeners.clear();
  }

  /** Releases descriptors without writing anything (the partition is about to be deleted). */
  release(): void {
    this.closed = true;
    for (const s of this.segments) s.release();
    this.listeners.clear();
  }

  private get active(): LogSegment {
    return this.segments[this.segments.length - 1];
  }

  private roll(): void {
    const next = this.logEndOffset;
    this.active.seal();
    this.segments.push(LogSegment.create(this.dir, next, this.ctx));
    this.snapshots.write(next, this.state.toSnapshot());
  }

  /** Loads the newest producer snapshot and replays the batches after it (all of them without one). */
  private recoverProducerState(): void {
    const end = this.logEndOffset;
    const found = this.snapshots.latest(end);
    if (found !== null) this.state.load(found.snapshot);
    const from = Math.max(found?.offset ?? 0, this.segments[0].baseOffset);
    let replayed = 0;
    if (from < end) {
      const now = Date.now();
      for (let i = this.segmentFor(from); i < this.segments.length; i++) {
        this.segments[i].producerBatches(from, (header, control) => {
          this.state.replay(header, control === null ? null : controlTypeOf(control), now);
          replayed++;
        });
      }
    }
    this.state.truncateHead(this.startOffset);
    if (replayed > 0) {
      this.ctx.log.info({ partition: this.ctx.name, from, to: end, batches: replayed }, `rebuilt the producer state of ${this.ctx.name} from offset ${from}`);
    }
  }

  /** Index of the last segment whose base offset is <= `offset` (0 when none is). */
  private segmentFor(offset: number): number {
    let lo = 0;
    let hi = this.segments.length - 1;
    let found = 0;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if (this.segments[mid].baseOffset <= offset) {
        found = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return found;
  }

  private readStartOffset(): number {
    const file = path.join(this.dir, START_FILE);
    if (!fs.existsSync(file)) return -1;
    const n = Number(fs.readFileSync(file, 'utf8').trim());
    if (!Number.isSafeInteger(n) || n < 0) {
      this.ctx.log.warn({ file }, 'log start offset file is unreadable; using the first segment');
      return -1;
    }
    return n;
  }

  private writeStartOffset(): void {
    writeFileAtomic(path.join(this.dir, START_FILE), String(this.startOffset));
  }

  private assertOpen(): void {
    if (this.closed) throw new StorageError(`partition ${this.ctx.name} is closed (its topic was deleted or the storage closed); look it up again`);
  }
}
