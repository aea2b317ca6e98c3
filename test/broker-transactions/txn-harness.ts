import { pino } from 'pino';
import { TransactionCoordinator, type TransactionCoordinatorOptions } from '../../src/broker/transactions/transaction-coordinator.ts';
import type { PendingOffset } from '../../src/broker/transactions/transaction-store.ts';
import { encodeRecordBatch } from '../../src/protocol/record-batch.ts';
import { FakeTime } from '../broker-coordinator/fake-time.ts';
import { MemoryLogStorage, MemoryTransactionStore } from '../broker/memory-log-storage.ts';

/** Offsets the coordinator applied, per group (the group coordinator's side, recorded). */
export class RecordingOffsetSink {
  readonly committed: { group: string; offsets: Omit<PendingOffset, 'group'>[] }[] = [];
  commitTransactionalOffsets(group: string, offsets: readonly Omit<PendingOffset, 'group'>[]): void {
    this.committed.push({ group, offsets: [...offsets] });
  }
}

/**
 * A transaction coordinator over in-memory storage (topic `out` with 2 partitions), an in-memory
 * transaction store and fake time. `restart()` builds a new coordinator over the same stores.
 */
export function txnHarness(options: Partial<TransactionCoordinatorOptions> = {}) {
  const time = new FakeTime();
  const storage = new MemoryLogStorage();
  storage.createTopic('out', 2);
  const store = new MemoryTransactionStore();
  const offsets = new RecordingOffsetSink();
  const make = () => new TransactionCoordinator({
    store, storage, offsets, logger: pino({ level: 'silent' }), clock: time.clock, timers: time, abortCheckIntervalMs: 1000, ...options,
  });
  const h = {
    time, storage, store, offsets,
    coordinator: make(),
    restart() {
      h.coordinator.close();
      h.coordinator = make();
      return h.coordinator;
    },
    /** InitProducerId for a transactional id; returns the id and epoch (throws on an error code). */
    init(transactionalId: string, timeoutMs = 60_000) {
      const r = h.coordinator.initProducerId({ transactionalId, transactionTimeoutMs: timeoutMs, producerId: -1, producerEpoch: -1 });
      if (r.errorCode !== 0) throw new Error(`InitProducerId answered ${r.errorCode}`);
      return { transactionalId, producerId: r.producerId, producerEpoch: r.producerEpoch };
    },
    /** Appends a transactional batch of `count` records as the producer would (after AddPartitionsToTxn). */
    produce(p: { producerId: number; producerEpoch: number }, partition: number, seq: number, count = 1) {
      return storage.partition('out', partition)!.append(encodeRecordBatch({
        producerId: p.producerId, producerEpoch: p.producerEpoch, baseSequence: seq, transactional: true,
        records: Array.from({ length: count }, (_, i) => ({ value: `r${seq + i}` })),
      }));
    },
    log(partition: number) {
      return storage.partition('out', partition)!;
    },
  };
  return h;
}
