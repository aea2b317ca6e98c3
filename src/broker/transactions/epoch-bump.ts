/** An epoch this high makes InitProducerId rotate to a new producer id (Kafka: Short.MaxValue - 1). */
export const MAX_PRODUCER_EPOCH = 32766;

/**
 * What InitProducerId does to an idle transactional id (Kafka's prepareIncrementProducerEpoch):
 * - `rotate`: the epoch is exhausted; a new producer id with epoch 0;
 * - `bump`: epoch + 1, remembering `lastProducerEpoch` so a retry of this call is recognised;
 * - `retry`: the caller already got the current epoch from a bump (its expected epoch is the last one);
 * - `fenced`: the caller names an epoch that is neither current nor last — a newer producer took over.
 */
export type EpochBump =
  | { readonly kind: 'rotate' }
  | { readonly kind: 'bump'; readonly lastProducerEpoch: number }
  | { readonly kind: 'retry' }
  | { readonly kind: 'fenced' };

/**
 * Decides the epoch bump for InitProducerId. `expectedEpoch` is the producer's own epoch for a
 * KIP-360 bump (v3+), null for a new producer (which always bumps and fences the previous one).
 *
 * @example
 * ```ts
 * epochBump({ producerEpoch: 4, lastProducerEpoch: 3 }, 3); // { kind: 'retry' }
 * epochBump({ producerEpoch: 4, lastProducerEpoch: 3 }, null); // { kind: 'bump', lastProducerEpoch: -1 }
 * ```
 */
export function epochBump(txn: { readonly producerEpoch: number; readonly lastProducerEpoch: number }, expectedEpoch: number | null): EpochBump {
  if (txn.producerEpoch >= MAX_PRODUCER_EPOCH && (expectedEpoch === null || expectedEpoch === txn.producerEpoch)) return { kind: 'rotate' };
  if (expectedEpoch === null) return { kind: 'bump', lastProducerEpoch: -1 };
  if (txn.producerEpoch === -1 || expectedEpoch === txn.producerEpoch) return { kind: 'bump', lastProducerEpoch: txn.producerEpoch };
  if (expectedEpoch === txn.lastProducerEpoch) return { kind: 'retry' };
  return { kind: 'fenced' };
}
