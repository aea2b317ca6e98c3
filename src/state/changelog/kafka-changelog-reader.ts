import type { KafkaClient } from '../../kafka/kafka-client.ts';
import { StateError } from '../base/state-error.ts';
import type { ChangelogReader } from '../state-manager.ts';
import type { ChangelogMessage } from './changelog-recovery.ts';

/**
 * Options of {@link KafkaChangelogReader}.
 *
 * @example
 * ```ts
 * const options: KafkaChangelogReaderOptions = { client, stallTimeoutMs: 10_000 };
 * ```
 */
export interface KafkaChangelogReaderOptions {
  client: KafkaClient;
  /** Give up a read that makes no progress for this long; default 30 s. */
  stallTimeoutMs?: number;
}

/**
 * Reads changelog partitions through a {@link KafkaClient} for {@link StateManager} recovery:
 * watermarks from ListOffsets, records with `client.readPartition` (no committed offsets, from
 * the beginning up to the end offset).
 *
 * @example
 * ```ts
 * const reader = new KafkaChangelogReader({ client });
 * await stateManager.assign('orders', 0, reader);
 * ```
 */
export class KafkaChangelogReader implements ChangelogReader {
  private readonly client: KafkaClient;
  private readonly stallTimeoutMs: number;

  constructor(options: KafkaChangelogReaderOptions) {
    this.client = options.client;
    this.stallTimeoutMs = options.stallTimeoutMs ?? 30_000;
  }

  async watermarks(topic: string, partition: number): Promise<{ low: number; high: number }> {
    const existing = await this.client.admin.listTopics();
    if (!existing.includes(topic)) return { low: 0, high: 0 };
    const p = (await this.client.admin.listOffsets(topic)).find((o) => o.partition === partition);
    return p ? { low: p.low, high: p.high } : { low: 0, high: 0 };
  }

  async *read(topic: string, partition: number, endOffset: number): AsyncIterable<readonly ChangelogMessage[]> {
    try {
      yield* this.client.readPartition({ topic, partition, fromOffset: 0, toOffset: endOffset, stallTimeoutMs: this.stallTimeoutMs });
    } catch (e) {
      throw new StateError(`Reading changelog ${topic}[${partition}] failed: ${(e as Error).message}`, { cause: e, retriable: true });
    }
  }
}
