import type { MessageHeaders } from '../../topics/message-context.ts';
import { RecordBatchBuilder } from './record-batch-builder.ts';

/** One `send` call waiting for its records' batches. */
export interface Delivery {
  /** Batches holding records of the call that are not acknowledged yet. */
  remaining: number;
  settled: boolean;
  resolve(): void;
  reject(error: Error): void;
}

/**
 * A record batch of one partition on its way through the producer: filled while open, then
 * encoded once (with its sequence) and sent, and sent again with the same bytes on a retry.
 *
 * @example
 * ```ts
 * const batch = new ProducerBatch('words', 0, 16_384);
 * batch.append(null, Buffer.from('v'), {}, Date.now(), delivery);
 * ```
 */
export class ProducerBatch {
  readonly builder: RecordBatchBuilder;
  readonly createdAt = Date.now();
  private readonly deliveries: Delivery[] = [];
  /** The encoded batch, once it was sent. */
  bytes: Buffer | undefined;
  /** Its first sequence number, once assigned; kept across retries. */
  baseSequence = -1;
  attempts = 0;
  /** Not sent before this time (retry backoff). */
  notBefore = 0;

  constructor(
    readonly topic: string,
    readonly partition: number,
    initialBytes: number,
  ) {
    this.builder = new RecordBatchBuilder(initialBytes);
  }

  get count(): number {
    return this.builder.count;
  }

  append(key: Buffer | null, value: Buffer | null, headers: MessageHeaders | undefined, timestamp: number, delivery: Delivery): void {
    this.builder.append(key, value, headers, timestamp);
    if (this.deliveries[this.deliveries.length - 1] !== delivery) {
      this.deliveries.push(delivery);
      delivery.remaining++;
    }
  }

  /** The batch is acknowledged: calls whose last batch this was resolve. */
  succeed(): void {
    for (const d of this.deliveries) {
      if (--d.remaining === 0 && !d.settled) {
        d.settled = true;
        d.resolve();
      }
    }
  }

  /** The batch failed for good: its calls reject (once). */
  fail(error: Error): void {
    for (const d of this.deliveries) {
      d.remaining--;
      if (!d.settled) {
        d.settled = true;
        d.reject(error);
      }
    }
  }
}
