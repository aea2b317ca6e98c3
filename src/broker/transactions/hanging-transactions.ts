import type { LogStorage } from '../storage/log-storage.ts';
import type { TransactionRecord } from './transaction-store.ts';

/** A transaction open in a partition that its coordinator record does not account for. */
export interface HangingTransaction {
  readonly topic: string;
  readonly partition: number;
  readonly producerId: number;
  readonly producerEpoch: number;
}

/**
 * The transactions open in the storage's partitions that no Ongoing coordinator record including
 * that partition explains (e.g. the transaction log was lost or deleted). Left alone they would
 * hold the partition's last stable offset back forever (Kafka's "hanging transactions", KIP-664);
 * the coordinator aborts them at start-up.
 *
 * @example
 * ```ts
 * for (const h of hangingTransactions(storage, (pid) => recordOf(pid))) writeAbortMarker(h);
 * ```
 */
export function hangingTransactions(storage: LogStorage, recordOf: (producerId: number) => TransactionRecord | undefined): HangingTransaction[] {
  const out: HangingTransaction[] = [];
  for (const topic of storage.topics()) {
    for (let partition = 0; partition < topic.partitions; partition++) {
      for (const open of storage.partition(topic.name, partition)?.openTransactions() ?? []) {
        const txn = recordOf(open.producerId);
        const explained = txn !== undefined && txn.producerId === open.producerId && txn.state === 'Ongoing' && txn.partitions.some((p) => p.topic === topic.name && p.partition === partition);
        if (!explained) out.push({ topic: topic.name, partition, producerId: open.producerId, producerEpoch: open.producerEpoch });
      }
    }
  }
  return out;
}
