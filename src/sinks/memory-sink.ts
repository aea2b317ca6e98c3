import { BatchingSink, type BatchingSinkOptions, type SinkBatch } from './base/batching-sink.ts';

/**
 * A sink that keeps what it writes in memory: `values` in write order, and every batch. For
 * tests of pipelines that end in a sink, and for trying the sink contract out.
 *
 * @example
 * ```ts
 * const sink = new MemorySink<Order>({ name: 'orders' });
 * app.dataframe(orders).filter((o) => o.amount > 0).sink(sink);
 * await app.run();
 * expect(sink.values).toHaveLength(100);
 * ```
 */
export class MemorySink<T = unknown> extends BatchingSink<T> {
  /** The values written, in write order. */
  readonly values: T[] = [];
  /** The batches written, in write order. */
  readonly batches: SinkBatch<T>[] = [];

  constructor(options: BatchingSinkOptions = { name: 'memory' }) {
    super(options);
  }

  protected async write(batch: SinkBatch<T>): Promise<void> {
    this.batches.push({ topic: batch.topic, partition: batch.partition, rows: [...batch.rows] });
    for (const row of batch.rows) this.values.push(row.value);
  }
}
