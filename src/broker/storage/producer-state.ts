import { BATCH } from '../../protocol/record-batch.ts';
import { CorruptRecordError } from '../../protocol/protocol-error.ts';
import { readBatchHeader, type BatchHeader } from './batch-header.ts';
import { InvalidProducerEpochError, InvalidRecordError, InvalidTxnStateError, OutOfOrderSequenceError } from './errors.ts';
import { expectedSequence, findDuplicate, lastSequence, withBatch, type BatchMetadata, type ProducerEntry } from './producer-entry.ts';

/** A transaction that was aborted in this partition: readers in read_committed skip its records. */
export interface AbortedTransaction {
  readonly producerId: number;
  /** Offset of the transaction's first batch in this partition. */
  readonly firstOffset: number;
  /** Offset of the abort marker. */
  readonly lastOffset: number;
}

/** A transaction still open in this partition (it holds the last stable offset back). */
export interface OpenTransaction {
  readonly producerId: number;
  readonly producerEpoch: number;
  readonly firstOffset: number;
}

/** A marker as the producer state sees it. */
export interface MarkerInput {
  readonly producerId: number;
  readonly producerEpoch: number;
  readonly commit: boolean;
}

/**
 * The checked effect of one append, not yet applied: the updated producer entries and the
 * transactions the append aborted, or the earlier batch it duplicates.
 */
export interface StagedAppend {
  /** Set when the append repeats one of the producer's last five batches: nothing is written. */
  readonly duplicate: BatchMetadata | null;
  readonly entries: ReadonlyMap<number, ProducerEntry>;
  readonly aborted: readonly AbortedTransaction[];
}

/** The producer state of a partition as JSON (written in snapshot files). */
export interface ProducerSnapshot {
  readonly version: 1;
  /** [producerId, epoch, lastAppendMs, txnFirstOffset, [[firstSeq, lastSeq, firstOffset, lastOffset], ...]] */
  readonly producers: readonly (readonly [number, number, number, number, readonly (readonly [number, number, number, number])[]])[];
  /** [producerId, firstOffset, lastOffset] */
  readonly aborted: readonly (readonly [number, number, number])[];
}

const NO_CHANGE: StagedAppend = { duplicate: null, entries: new Map(), aborted: [] };

/**
 * The idempotence and transaction state of one partition (Kafka's ProducerStateManager): per
 * producer id its epoch and last five batches, the transactions open in the partition (which fix
 * the last stable offset) and those aborted (which read_committed fetches list). Appends are
 * checked in two steps — `stageAppend` validates and computes, `apply` installs after the bytes
 * are written — so a refused or failed write changes nothing. The log is the source of truth:
 * after a crash the state is rebuilt from a snapshot plus `replay` of the batches after it.
 *
 * @example
 * ```ts
 * const state = new ProducerStateManager('jokes-0');
 * const staged = state.stageAppend(batches, log.logEndOffset, Date.now());
 * if (staged.duplicate === null) { write(batches); state.apply(staged); }
 * ```
 */
export class ProducerStateManager {
  private readonly producers = new Map<number, ProducerEntry>();
  /** producerId → first offset of its open transaction. */
  private readonly open = new Map<number, number>();
  /** Ordered by lastOffset (markers are appended in offset order). */
  private aborted: AbortedTransaction[] = [];

  constructor(private readonly name: string) {}

  /**
   * Checks the batches of one client append that will start at `nextOffset`. Throws a
   * `ProducerStateError` subclass when a batch is refused; returns the duplicate when the append
   * repeats a remembered batch (a retry), else the changes to apply once it is written.
   */
  stageAppend(batches: Buffer, nextOffset: number, now: number): StagedAppend {
    let entries: Map<number, ProducerEntry> | undefined;
    let offset = nextOffset;
    for (let pos = 0, size = 0; pos < batches.length; pos += size) {
      size = batches.length - pos >= BATCH.headerSize ? batches.readInt32BE(pos + BATCH.batchLength) + BATCH.logOverhead : -1;
      if (size < BATCH.headerSize || pos + size > batches.length) {
        throw new CorruptRecordError(`record batch at byte ${pos} of ${batches.length} is malformed; nothing of this produce was written`);
      }
      const h = readBatchHeader(batches, pos);
      const first = offset;
      offset += h.lastOffsetDelta + 1;
      if (h.control) throw new InvalidRecordError(`${this.name}: control batches (transaction markers) are written by the transaction coordinator only; send data batches`);
      if (h.producerId < 0) {
        if (h.transactional) throw new InvalidRecordError(`${this.name}: a transactional batch needs a producer id; call InitProducerId first`);
        continue;
      }
      const current = entries?.get(h.producerId) ?? this.producers.get(h.producerId);
      const lastSeq = lastSequence(h.baseSequence, h.lastOffsetDelta);
      const duplicate = findDuplicate(current, h.producerEpoch, h.baseSequence, lastSeq);
      if (duplicate !== undefined) return { duplicate, entries: new Map(), aborted: [] };
      this.check(current, h);
      let txnFirstOffset = current?.txnFirstOffset ?? -1;
      if (h.transactional && txnFirstOffset < 0) txnFirstOffset = first;
      entries ??= new Map();
      const batch = { firstSeq: h.baseSequence, lastSeq, firstOffset: first, lastOffset: offset - 1 };
      entries.set(h.producerId, withBatch(current, h.producerId, h.producerEpoch, batch, txnFirstOffset, now));
    }
    return entries === undefined ? NO_CHANGE : { duplicate: null, entries, aborted: [] };
  }

  /**
   * Checks a commit or abort marker that will be written at `offset`. Throws
   * InvalidProducerEpochError when the marker's epoch is older than the producer's.
   */
  stageMarker(marker: MarkerInput, offset: number, now: number): StagedAppend {
    const current = this.producers.get(marker.producerId);
    if (current !== undefined && marker.producerEpoch < current.epoch) {
      throw new InvalidProducerEpochError(
        `${this.name}: a marker of producer ${marker.producerId} with epoch ${marker.producerEpoch} is older than its epoch ${current.epoch}`,
      );
    }
    const aborted: AbortedTransaction[] = [];
    if (current !== undefined && current.txnFirstOffset >= 0 && !marker.commit) {
      aborted.push({ producerId: marker.producerId, firstOffset: current.txnFirstOffset, lastOffset: offset });
    }
    const entry = withBatch(current, marker.producerId, marker.producerEpoch, null, -1, now);
    return { duplicate: null, entries: new Map([[marker.producerId, entry]]), aborted };
  }

  /** Installs a staged append after its bytes were written. */
  apply(staged: StagedAppend): void {
    for (const [producerId, entry] of staged.entries) {
      this.producers.set(producerId, entry);
      if (entry.txnFirstOffset >= 0) this.open.set(producerId, entry.txnFirstOffset);
      else this.open.delete(producerId);
    }
    for (const a of staged.aborted) this.aborted.push(a);
  }

  /**
   * Replays one batch read back from the log during recovery, without checks (it was checked
   * when it was appended). `controlType` is the marker type of a control batch, else null.
   */
  replay(header: BatchHeader, controlType: 'commit' | 'abort' | 'other' | null, now: number): void {
    if (header.producerId < 0) return;
    const current = this.producers.get(header.producerId);
    if (header.control) {
      if (controlType === 'other') return;
      this.apply(this.stageMarker({ producerId: header.producerId, producerEpoch: Math.max(header.producerEpoch, current?.epoch ?? -1), commit: controlType === 'commit' }, header.baseOffset, now));
      return;
    }
    const last = header.baseOffset + header.lastOffsetDelta;
    const batch = { firstSeq: header.baseSequence, lastSeq: lastSequence(header.baseSequence, header.lastOffsetDelta), firstOffset: header.baseOffset, lastOffset: last };
    let txnFirstOffset = current?.txnFirstOffset ?? -1;
    if (header.transactional && txnFirstOffset < 0) txnFirstOffset = header.baseOffset;
    const entry = withBatch(current, header.producerId, header.producerEpoch, batch, header.transactional ? txnFirstOffset : -1, now);
    this.apply({ duplicate: null, entries: new Map([[header.producerId, entry]]), aborted: [] });
  }

  /** The first offset of the oldest open transaction, or -1 when none is open. */
  get firstUnstableOffset(): number {
    let min = -1;
    for (const first of this.open.values()) if (min < 0 || first < min) min = first;
    return min;
  }

  /** The transactions open in this partition. */
  openTransactions(): OpenTransaction[] {
    return [...this.open].map(([producerId, firstOffset]) => ({ producerId, producerEpoch: this.producers.get(producerId)!.epoch, firstOffset }));
  }

  /** Aborted transactions that overlap `[fromOffset, toOffset)`, oldest marker first. */
  abortedTransactions(fromOffset: number, toOffset: number): AbortedTransaction[] {
    const list = this.aborted;
    let lo = 0;
    let hi = list.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (list[mid]!.lastOffset < fromOffset) lo = mid + 1;
      else hi = mid;
    }
    const out: AbortedTransaction[] = [];
    for (let i = lo; i < list.length; i++) if (list[i]!.firstOffset < toOffset) out.push(list[i]!);
    return out;
  }

  /** Every producer the partition remembers. */
  entries(): ProducerEntry[] {
    return [...this.producers.values()];
  }

  /** What the partition knows of a producer id (tests, logs). */
  entry(producerId: number): ProducerEntry | undefined {
    return this.producers.get(producerId);
  }

  /** Number of producer ids remembered. */
  get size(): number {
    return this.producers.size;
  }

  /** Forgets aborted transactions whose marker lies before the new log start offset. */
  truncateHead(logStartOffset: number): void {
    if (this.aborted.length > 0 && this.aborted[0]!.lastOffset < logStartOffset) this.aborted = this.aborted.filter((a) => a.lastOffset >= logStartOffset);
  }

  /** Forgets producers without an open transaction that appended nothing for `maxIdleMs`. */
  expire(now: number, maxIdleMs: number): number {
    let removed = 0;
    for (const [producerId, entry] of this.producers) {
      if (entry.txnFirstOffset < 0 && entry.lastAppendMs < now - maxIdleMs) {
        this.producers.delete(producerId);
        removed++;
      }
    }
    return removed;
  }

  /** The state as JSON for a snapshot file. */
  toSnapshot(): ProducerSnapshot {
    return {
      version: 1,
      producers: [...this.producers.values()].map((e) => [e.producerId, e.epoch, e.lastAppendMs, e.txnFirstOffset, e.batches.map((b) => [b.firstSeq, b.lastSeq, b.firstOffset, b.lastOffset] as const)] as const),
      aborted: this.aborted.map((a) => [a.producerId, a.firstOffset, a.lastOffset] as const),
    };
  }

  /** Replaces the state with a snapshot's (recovery). */
  load(snapshot: ProducerSnapshot): void {
    this.producers.clear();
    this.open.clear();
    for (const [producerId, epoch, lastAppendMs, txnFirstOffset, batches] of snapshot.producers) {
      const entry: ProducerEntry = {
        producerId, epoch, lastAppendMs, txnFirstOffset,
        batches: batches.map(([firstSeq, lastSeq, firstOffset, lastOffset]) => ({ firstSeq, lastSeq, firstOffset, lastOffset })),
      };
      this.apply({ duplicate: null, entries: new Map([[producerId, entry]]), aborted: [] });
    }
    this.aborted = snapshot.aborted.map(([producerId, firstOffset, lastOffset]) => ({ producerId, firstOffset, lastOffset }));
  }

  /** Throws unless batch `h` may follow `current` (epoch not older; sequence in order). */
  private check(current: ProducerEntry | undefined, h: BatchHeader): void {
    const who = `producer ${h.producerId} in ${this.name}`;
    if (current !== undefined && h.producerEpoch < current.epoch) {
      throw new InvalidProducerEpochError(`${who} has epoch ${current.epoch}; its batch of epoch ${h.producerEpoch} is from a fenced producer`);
    }
    if (current !== undefined && current.txnFirstOffset >= 0 && !h.transactional) {
      throw new InvalidTxnStateError(`${who} has an open transaction; a non-transactional batch cannot join it — end the transaction first`);
    }
    const expected = expectedSequence(current);
    if (expected === null) return;
    if (h.producerEpoch !== current!.epoch) {
      if (h.baseSequence !== 0) throw new OutOfOrderSequenceError(`${who}: the first batch of epoch ${h.producerEpoch} must have sequence 0, got ${h.baseSequence}`);
    } else if (h.baseSequence !== expected) {
      throw new OutOfOrderSequenceError(`${who}: expected sequence ${expected}, got ${h.baseSequence} (earlier batches are missing); the producer must reset its sequence`);
    }
  }
}
