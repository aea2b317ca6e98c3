import type { Logger } from '../../logger.ts';
import type { LogStorage } from '../storage/log-storage.ts';
import type { TxnPartition } from './transaction-store.ts';

/** The coordinator epoch written into markers: this single broker is always the coordinator. */
export const COORDINATOR_EPOCH = 0;

/**
 * Writes commit or abort markers into the partitions of a transaction (what Kafka's
 * TransactionMarkerChannelManager sends to partition leaders with WriteTxnMarkers). A partition
 * deleted since it joined the transaction is skipped; any other failure is logged and reported so
 * the coordinator keeps the transaction in its Prepare state and retries.
 *
 * @example
 * ```ts
 * const ok = new MarkerWriter(storage, log).write([{ topic: 'out', partition: 0 }], 42, 0, true);
 * ```
 */
export class MarkerWriter {
  constructor(
    private readonly storage: LogStorage,
    private readonly log: Logger,
  ) {}

  /** Writes one marker per partition; returns false when a partition could not take its marker. */
  write(partitions: readonly TxnPartition[], producerId: number, producerEpoch: number, commit: boolean): boolean {
    let ok = true;
    for (const { topic, partition } of partitions) {
      const log = this.storage.partition(topic, partition);
      if (log === undefined) continue;
      try {
        log.appendMarker({ producerId, producerEpoch, commit, coordinatorEpoch: COORDINATOR_EPOCH });
      } catch (err) {
        ok = false;
        this.log.error({ err, topic, partition, producerId, producerEpoch }, `could not write the ${commit ? 'commit' : 'abort'} marker of producer ${producerId} into ${topic}-${partition}; will retry`);
      }
    }
    return ok;
  }
}
