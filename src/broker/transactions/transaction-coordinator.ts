import { ConfigError } from '../../errors.ts';
import type { Logger } from '../../logger.ts';
import { ErrorCode } from '../../protocol/error-codes.ts';
import type { CoordinatorTimers } from '../coordinator/coordinator-types.ts';
import { NODE_TIMERS } from '../coordinator/node-timers.ts';
import type { LogStorage } from '../storage/log-storage.ts';
import { MarkerWriter } from './marker-writer.ts';
import { ProducerIdAllocator } from './producer-id-allocator.ts';
import { assertTxnTransition, type TransactionState } from './transaction-state.ts';
import type { PendingOffset, TransactionRecord, TransactionStore, TxnPartition } from './transaction-store.ts';
import type {
  AddOffsetsInput,
  AddPartitionsInput,
  EndTxnInput,
  InitProducerIdInput,
  InitProducerIdResult,
  ProducerIdentity,
  TransactionalOffsetSink,
  TransactionDescription,
  TxnOffsetCommitInput,
} from './transaction-types.ts';
import { hangingTransactions } from './hanging-transactions.ts';
import { epochBump } from './epoch-bump.ts';

/** Options of {@link TransactionCoordinator}. */
export interface TransactionCoordinatorOptions {
  /** The durable transaction log. */
  readonly store: TransactionStore;
  /** Where markers are written. */
  readonly storage: LogStorage;
  /** Where the offsets of committed transactions go (the group coordinator). */
  readonly offsets: TransactionalOffsetSink;
  readonly logger: Logger;
  /** Milliseconds since the epoch; defaults to `Date.now`. */
  readonly clock?: () => number;
  /** Defaults to Node's timers (unref'd). */
  readonly timers?: CoordinatorTimers;
  /** `transaction.max.timeout.ms`: the largest transaction timeout a producer may ask for. Default 900000. */
  readonly maxTimeoutMs?: number;
  /** How often open transactions are checked for their timeout. Default 10000 (Kafka's cleanup interval). */
  readonly abortCheckIntervalMs?: number;
  /** `transactional.id.expiration.ms`: idle transactional ids are forgotten after this. Default 7 days. */
  readonly idExpirationMs?: number;
}

type Checked = { errorCode: number; txn?: undefined } | { errorCode: 0; txn: TransactionRecord };

/**
 * The embedded broker's transaction coordinator, with the semantics of Apache Kafka's
 * TransactionCoordinator: per transactional id a producer id and epoch, the state (see
 * `transaction-state.ts`), the partitions and groups of the open transaction, and its pending
 * offsets — every change written to the {@link TransactionStore} before it is answered. Ending a
 * transaction writes Prepare, then markers into every partition, applies (commit) or drops (abort)
 * the pending offsets, then Complete; a restart finishes what a crash interrupted. A new producer
 * for a transactional id bumps the epoch, which fences the old one and aborts what it left open;
 * transactions past their timeout are aborted (and fenced) by the coordinator.
 *
 * @example
 * ```ts
 * const txns = new TransactionCoordinator({ store, storage, offsets: groupCoordinator, logger });
 * const { producerId, producerEpoch } = txns.initProducerId({ transactionalId: 'tx-1', transactionTimeoutMs: 60000, producerId: -1, producerEpoch: -1 });
 * txns.addPartitions({ transactionalId: 'tx-1', producerId, producerEpoch, partitions: [{ topic: 'out', partition: 0 }] });
 * txns.endTxn({ transactionalId: 'tx-1', producerId, producerEpoch, commit: true });
 * ```
 */
export class TransactionCoordinator {
  private readonly txns = new Map<string, TransactionRecord>();
  private readonly byProducerId = new Map<number, string>();
  private readonly pending = new Map<string, PendingOffset[]>();
  private readonly ids: ProducerIdAllocator;
  private readonly markers: MarkerWriter;
  private readonly store: TransactionStore;
  private readonly log: Logger;
  private readonly clock: () => number;
  private readonly timers: CoordinatorTimers;
  private readonly maxTimeoutMs: number;
  private readonly abortCheckIntervalMs: number;
  private readonly idExpirationMs: number;
  private timer: unknown = null;
  private closed = false;

  constructor(private readonly options: TransactionCoordinatorOptions) {
    this.maxTimeoutMs = positive('maxTimeoutMs', options.maxTimeoutMs ?? 900_000);
    this.abortCheckIntervalMs = positive('abortCheckIntervalMs', options.abortCheckIntervalMs ?? 10_000);
    this.idExpirationMs = positive('idExpirationMs', options.idExpirationMs ?? 7 * 24 * 60 * 60 * 1000);
    this.store = options.store;
    this.log = options.logger.child({ component: 'transaction-coordinator' });
    this.clock = options.clock ?? Date.now;
    this.timers = options.timers ?? NODE_TIMERS;
    this.markers = new MarkerWriter(options.storage, this.log);
    const loaded = this.store.load();
    this.ids = new ProducerIdAllocator(this.store, loaded.producerIdBlockEnd);
    for (const record of loaded.transactions) this.remember(record);
    for (const [id, offsets] of loaded.pendingOffsets) this.pending.set(id, [...offsets]);
    this.recover();
    this.schedule();
  }

  /**
   * InitProducerId: a fresh producer id for an idempotent producer; for a transactional id, the
   * (new) producer id with a bumped epoch. An open transaction of the previous producer is aborted
   * first and CONCURRENT_TRANSACTIONS answered (the client retries and gets the next epoch).
   */
  initProducerId(input: InitProducerIdInput): InitProducerIdResult {
    const fail = (errorCode: number): InitProducerIdResult => ({ errorCode, producerId: -1, producerEpoch: -1 });
    if (this.closed) return fail(ErrorCode.COORDINATOR_NOT_AVAILABLE);
    if (input.transactionalId === null) return { errorCode: ErrorCode.NONE, producerId: this.ids.next(), producerEpoch: 0 };
    const id = input.transactionalId;
    if (id === '') return fail(ErrorCode.INVALID_REQUEST);
    if (!(input.transactionTimeoutMs > 0 && input.transactionTimeoutMs <= this.maxTimeoutMs)) return fail(ErrorCode.INVALID_TRANSACTION_TIMEOUT);
    const now = this.clock();
    const txn = this.txns.get(id) ?? newRecord(id, this.ids.next(), input.transactionTimeoutMs, now);
    const expected = input.producerId >= 0 ? { producerId: input.producerId, producerEpoch: input.producerEpoch } : null;
    if (expected !== null && expected.producerEpoch !== -1 && expected.producerId !== txn.producerId && expected.producerId !== txn.lastProducerId) {
      return fail(ErrorCode.PRODUCER_FENCED);
    }
    switch (txn.state) {
      case 'PrepareCommit':
      case 'PrepareAbort':
        this.complete(txn);
        return fail(ErrorCode.CONCURRENT_TRANSACTIONS);
      case 'Ongoing':
        this.log.info({ transactionalId: id, producerId: txn.producerId, epoch: txn.producerEpoch }, `fencing producer ${txn.producerId} epoch ${txn.producerEpoch} of '${id}' and aborting its open transaction`);
        this.end({ ...txn, producerEpoch: txn.producerEpoch + 1, lastProducerEpoch: -1 }, false);
        return fail(ErrorCode.CONCURRENT_TRANSACTIONS);
      default: {
        const bump = epochBump(txn, expected === null ? null : expected.producerEpoch);
        if (bump.kind === 'fenced') return fail(ErrorCode.PRODUCER_FENCED);
        let next = txn;
        if (bump.kind === 'rotate') next = { ...txn, lastProducerId: txn.producerId, lastProducerEpoch: txn.producerEpoch, producerId: this.ids.next(), producerEpoch: 0 };
        else if (bump.kind === 'bump') next = { ...txn, producerEpoch: txn.producerEpoch + 1, lastProducerEpoch: bump.lastProducerEpoch };
        next = this.transition(next, 'Empty', { timeoutMs: input.transactionTimeoutMs, partitions: [], groups: [], startMs: -1, updateMs: now });
        return { errorCode: ErrorCode.NONE, producerId: next.producerId, producerEpoch: next.producerEpoch };
      }
    }
  }

  /** AddPartitionsToTxn: every partition gets the same error code (the handler answers unknown partitions itself). */
  addPartitions(input: AddPartitionsInput): number {
    const checked = this.check(input);
    if (checked.txn === undefined) return checked.errorCode;
    const { txn } = checked;
    if (txn.state === 'PrepareCommit' || txn.state === 'PrepareAbort') return ErrorCode.CONCURRENT_TRANSACTIONS;
    const ongoing = txn.state === 'Ongoing';
    const known = new Set((ongoing ? txn.partitions : []).map(key));
    const added = input.partitions.filter((p) => !known.has(key(p)));
    if (ongoing && added.length === 0) return ErrorCode.NONE;
    this.begin(txn, { partitions: [...(ongoing ? txn.partitions : []), ...dedupe(added)] });
    return ErrorCode.NONE;
  }

  /** AddPartitionsToTxn v4+ with verifyOnly: NONE for each partition in the transaction, INVALID_TXN_STATE for others. */
  verifyPartitions(input: AddPartitionsInput): { errorCode: number; partitions: Map<string, number> } {
    const checked = this.check(input);
    const partitions = new Map<string, number>();
    if (checked.txn === undefined) return { errorCode: checked.errorCode, partitions };
    if (checked.txn.state === 'PrepareCommit' || checked.txn.state === 'PrepareAbort') return { errorCode: ErrorCode.CONCURRENT_TRANSACTIONS, partitions };
    const inTxn = new Set(checked.txn.state === 'Ongoing' ? checked.txn.partitions.map(key) : []);
    for (const p of input.partitions) partitions.set(key(p), inTxn.has(key(p)) ? ErrorCode.NONE : ErrorCode.INVALID_TXN_STATE);
    return { errorCode: ErrorCode.NONE, partitions };
  }

  /** AddOffsetsToTxn: the group's offsets become part of the transaction. */
  addOffsets(input: AddOffsetsInput): number {
    const checked = this.check(input);
    if (checked.txn === undefined) return checked.errorCode;
    const { txn } = checked;
    if (txn.state === 'PrepareCommit' || txn.state === 'PrepareAbort') return ErrorCode.CONCURRENT_TRANSACTIONS;
    const groups = txn.state === 'Ongoing' ? txn.groups : [];
    if (txn.state === 'Ongoing' && groups.includes(input.groupId)) return ErrorCode.NONE;
    this.begin(txn, { groups: [...groups, input.groupId] });
    return ErrorCode.NONE;
  }

  /**
   * The transaction side of TxnOffsetCommit: the producer must own the transactional id and have
   * added the group (AddOffsetsToTxn); the offsets are kept pending until the transaction ends.
   */
  commitOffsets(input: TxnOffsetCommitInput): number {
    const checked = this.check(input);
    if (checked.txn === undefined) return checked.errorCode;
    const { txn } = checked;
    if (txn.state !== 'Ongoing' || !txn.groups.includes(input.groupId)) return ErrorCode.INVALID_TXN_STATE;
    const offsets = input.offsets.map((o) => ({ ...o, group: input.groupId }));
    this.store.addPendingOffsets(txn.transactionalId, offsets);
    const list = (this.pending.get(txn.transactionalId) ?? []).filter((p) => !offsets.some((o) => o.group === p.group && o.topic === p.topic && o.partition === p.partition));
    this.pending.set(txn.transactionalId, [...list, ...offsets]);
    return ErrorCode.NONE;
  }

  /** EndTxn: commits or aborts the open transaction; a retry of a completed end answers NONE. */
  endTxn(input: EndTxnInput): number {
    const checked = this.check(input);
    if (checked.txn === undefined) return checked.errorCode;
    const { txn } = checked;
    switch (txn.state) {
      case 'Ongoing':
        this.end(txn, input.commit);
        return ErrorCode.NONE;
      case 'CompleteCommit':
        return input.commit ? ErrorCode.NONE : ErrorCode.INVALID_TXN_STATE;
      case 'CompleteAbort':
        return input.commit ? ErrorCode.INVALID_TXN_STATE : ErrorCode.NONE;
      case 'PrepareCommit':
        return input.commit ? ErrorCode.CONCURRENT_TRANSACTIONS : ErrorCode.INVALID_TXN_STATE;
      case 'PrepareAbort':
        return input.commit ? ErrorCode.INVALID_TXN_STATE : ErrorCode.CONCURRENT_TRANSACTIONS;
      default:
        return ErrorCode.INVALID_TXN_STATE;
    }
  }

  /**
   * Checks a transactional batch before it is appended (KIP-890's verification): its producer must
   * hold an open transaction that contains the partition, with this epoch.
   */
  verifyProduce(producerId: number, producerEpoch: number, topic: string, partition: number): number {
    const id = this.byProducerId.get(producerId);
    const txn = id === undefined ? undefined : this.txns.get(id);
    if (txn === undefined || txn.producerId !== producerId) return ErrorCode.INVALID_TXN_STATE;
    if (producerEpoch !== txn.producerEpoch) return ErrorCode.INVALID_PRODUCER_EPOCH;
    if (txn.state !== 'Ongoing' || !txn.partitions.some((p) => p.topic === topic && p.partition === partition)) return ErrorCode.INVALID_TXN_STATE;
    return ErrorCode.NONE;
  }

  /** Whether an open transaction holds an offset of the group's partition (OffsetFetch with requireStable). */
  hasPendingOffset(groupId: string, topic: string, partition: number): boolean {
    for (const offsets of this.pending.values()) {
      if (offsets.some((o) => o.group === groupId && o.topic === topic && o.partition === partition)) return true;
    }
    return false;
  }

  /** The state of a transactional id, or undefined when unknown (DescribeTransactions, tests, logs). */
  describe(transactionalId: string): TransactionDescription | undefined {
    const txn = this.txns.get(transactionalId);
    if (txn === undefined) return undefined;
    const { state, producerId, producerEpoch, timeoutMs, startMs, partitions, groups } = txn;
    return { transactionalId, state, producerId, producerEpoch, timeoutMs, startMs, partitions, groups, pendingOffsets: this.pending.get(transactionalId) ?? [] };
  }

  /** Every known transactional id. */
  transactionalIds(): string[] {
    return [...this.txns.keys()];
  }

  /**
   * Aborts (and fences) open transactions past their timeout, finishes ends whose markers could not
   * be written, and forgets idle transactional ids. Runs on a timer; tests call it directly.
   */
  checkTimeouts(): void {
    if (this.closed) return;
    const now = this.clock();
    for (const txn of [...this.txns.values()]) {
      if (txn.state === 'Ongoing' && now - txn.startMs > txn.timeoutMs) {
        this.log.info({ transactionalId: txn.transactionalId, producerId: txn.producerId, timeoutMs: txn.timeoutMs }, `aborting the transaction of '${txn.transactionalId}': it passed its timeout of ${txn.timeoutMs} ms`);
        this.end({ ...txn, producerEpoch: txn.producerEpoch + 1, lastProducerEpoch: -1 }, false);
      } else if (txn.state === 'PrepareCommit' || txn.state === 'PrepareAbort') {
        this.complete(txn);
      } else if ((txn.state === 'Empty' || txn.state === 'CompleteCommit' || txn.state === 'CompleteAbort') && now - txn.updateMs > this.idExpirationMs) {
        this.transition(txn, 'Dead', { updateMs: now });
        this.store.remove(txn.transactionalId);
        this.txns.delete(txn.transactionalId);
        this.byProducerId.delete(txn.producerId);
        this.log.info({ transactionalId: txn.transactionalId }, `forgot transactional id '${txn.transactionalId}' after ${this.idExpirationMs} ms without use`);
      }
    }
  }

  /** Stops the timer. The store is closed by its owner. */
  close(): void {
    this.closed = true;
    if (this.timer !== null) this.timers.clearTimeout(this.timer);
    this.timer = null;
  }

  /** The transaction if the producer owns the id with the current epoch, else the error to answer. */
  private check(input: ProducerIdentity): Checked {
    if (this.closed) return { errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE };
    if (input.transactionalId === '') return { errorCode: ErrorCode.INVALID_REQUEST };
    const txn = this.txns.get(input.transactionalId);
    if (txn === undefined || txn.producerId !== input.producerId) return { errorCode: ErrorCode.INVALID_PRODUCER_ID_MAPPING };
    if (txn.producerEpoch !== input.producerEpoch) return { errorCode: ErrorCode.PRODUCER_FENCED };
    return { errorCode: 0, txn };
  }

  /** Moves a transaction (Empty, Complete or Ongoing) to Ongoing with the given partitions or groups. */
  private begin(txn: TransactionRecord, change: Partial<Pick<TransactionRecord, 'partitions' | 'groups'>>): void {
    const ongoing = txn.state === 'Ongoing';
    const now = this.clock();
    this.transition(txn, 'Ongoing', {
      partitions: ongoing ? txn.partitions : [],
      groups: ongoing ? txn.groups : [],
      ...change,
      startMs: ongoing ? txn.startMs : now,
      updateMs: now,
    });
  }

  /** Prepare (durable), then markers and offsets, then Complete. */
  private end(txn: TransactionRecord, commit: boolean): void {
    this.complete(this.transition(txn, commit ? 'PrepareCommit' : 'PrepareAbort', { updateMs: this.clock() }));
  }

  /** Writes the markers of a prepared end, applies or drops its offsets, and stores Complete. */
  private complete(txn: TransactionRecord): void {
    const commit = txn.state === 'PrepareCommit';
    if (!this.markers.write(txn.partitions, txn.producerId, txn.producerEpoch, commit)) return;
    const offsets = this.pending.get(txn.transactionalId) ?? [];
    if (commit) {
      for (const group of new Set(offsets.map((o) => o.group))) {
        const ofGroup = offsets.filter((o) => o.group === group).map(({ topic, partition, offset, leaderEpoch, metadata }) => ({ topic, partition, offset, leaderEpoch, metadata }));
        this.options.offsets.commitTransactionalOffsets(group, ofGroup);
      }
    }
    this.transition(txn, commit ? 'CompleteCommit' : 'CompleteAbort', { partitions: [], groups: [], startMs: -1, updateMs: this.clock() });
    this.pending.delete(txn.transactionalId);
  }

  /** Stores `txn` moved to `state` with `change` applied; returns the new record. */
  private transition(txn: TransactionRecord, state: TransactionState, change: Partial<TransactionRecord>): TransactionRecord {
    assertTxnTransition(txn.transactionalId, txn.state, state);
    const next: TransactionRecord = { ...txn, ...change, state };
    this.store.save(next);
    this.remember(next);
    return next;
  }

  private remember(record: TransactionRecord): void {
    const previous = this.txns.get(record.transactionalId);
    if (previous !== undefined && previous.producerId !== record.producerId) this.byProducerId.delete(previous.producerId);
    this.txns.set(record.transactionalId, record);
    this.byProducerId.set(record.producerId, record.transactionalId);
  }

  /** Finishes ends a crash interrupted, and aborts transactions left open in partitions that no coordinator record explains. */
  private recover(): void {
    for (const txn of [...this.txns.values()]) {
      if (txn.state === 'PrepareCommit' || txn.state === 'PrepareAbort') {
        this.log.info({ transactionalId: txn.transactionalId, state: txn.state }, `completing the ${txn.state === 'PrepareCommit' ? 'commit' : 'abort'} of '${txn.transactionalId}' interrupted by a restart`);
        this.complete(txn);
      }
    }
    for (const h of hangingTransactions(this.options.storage, (producerId) => {
      const id = this.byProducerId.get(producerId);
      return id === undefined ? undefined : this.txns.get(id);
    })) {
      this.log.warn(h, `aborting a transaction of producer ${h.producerId} left open in ${h.topic}-${h.partition} that the transaction log does not know`);
      this.markers.write([h], h.producerId, h.producerEpoch, false);
    }
  }

  private schedule(): void {
    if (this.closed) return;
    this.timer = this.timers.setTimeout(() => {
      try {
        this.checkTimeouts();
      } catch (err) {
        this.log.error({ err }, 'checking transaction timeouts failed; will retry');
      }
      this.schedule();
    }, this.abortCheckIntervalMs);
  }
}

function newRecord(transactionalId: string, producerId: number, timeoutMs: number, now: number): TransactionRecord {
  return {
    transactionalId, producerId, lastProducerId: -1, producerEpoch: -1, lastProducerEpoch: -1, timeoutMs,
    state: 'Empty', partitions: [], groups: [], startMs: -1, updateMs: now,
  };
}

const key = (p: TxnPartition): string => `${p.partition}:${p.topic}`;

function dedupe(partitions: readonly TxnPartition[]): TxnPartition[] {
  const seen = new Map<string, TxnPartition>();
  for (const p of partitions) seen.set(key(p), { topic: p.topic, partition: p.partition });
  return [...seen.values()];
}

function positive(option: string, value: number): number {
  if (!Number.isInteger(value) || value <= 0) {
    throw new ConfigError(`TransactionCoordinator option ${option} must be a positive integer of milliseconds, got ${value}.`);
  }
  return value;
}
