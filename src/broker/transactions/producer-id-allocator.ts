import type { TransactionStore } from './transaction-store.ts';

/** Producer ids reserved per write to the transaction log (Kafka's controller hands out blocks of 1000). */
export const PRODUCER_ID_BLOCK_SIZE = 1000;

/**
 * Hands out producer ids that are never reused, also across restarts: ids are taken from blocks
 * whose end is written to the transaction store before the first id of the block is returned.
 *
 * @example
 * ```ts
 * const ids = new ProducerIdAllocator(store, store.load().producerIdBlockEnd);
 * ids.next(); // 0 on a new data directory
 * ```
 */
export class ProducerIdAllocator {
  private nextId: number;
  private blockEnd: number;

  constructor(
    private readonly store: TransactionStore,
    reservedUpTo: number,
  ) {
    this.nextId = reservedUpTo;
    this.blockEnd = reservedUpTo;
  }

  next(): number {
    if (this.nextId >= this.blockEnd) {
      this.blockEnd = this.nextId + PRODUCER_ID_BLOCK_SIZE;
      this.store.reserveProducerIds(this.blockEnd);
    }
    return this.nextId++;
  }
}
