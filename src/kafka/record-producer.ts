import type { OutgoingRecord } from '../topics/message-context.ts';

/**
 * Options of {@link KafkaClient.producer}.
 *
 * @example
 * ```ts
 * const options: RecordProducerOptions = { deliveryTimeoutMs: 30_000 };
 * ```
 */
export interface RecordProducerOptions {
  /**
   * How long a record that fails with a retriable error (a broker down or restarting, a leader
   * that moved) is tried again before its send fails, in ms; default 120000 (Kafka's
   * `delivery.timeout.ms`).
   */
  deliveryTimeoutMs?: number;
  /** How long records wait for more to fill a batch, in ms (Kafka's `linger.ms`); default 5. */
  lingerMs?: number;
  /** Most bytes of one partition's record batch (Kafka's `batch.size`); default 512 KiB. */
  batchBytes?: number;
}

/**
 * Produces serialized records with acks from all in-sync replicas (acks -1).
 *
 * @example
 * ```ts
 * const producer = client.producer();
 * await producer.send(result.produced);
 * await producer.close();
 * ```
 */
export interface RecordProducer {
  /**
   * Sends `records` and resolves once every one of them is acknowledged; rejects with the first
   * failure that retrying within the delivery timeout did not cure (`retriable` tells whether the
   * broker may accept it later). A record without `partition` goes to the partition of its key
   * (murmur2 of the key bytes, as Java clients and kafkajs choose it) or, without a key, to a
   * sticky partition per batch. A record naming a partition the topic does not have is refused
   * with a TopicLayoutError.
   *
   * Order: records of one partition are written in the order of the arrays and of the `send`
   * calls, also when several calls are in flight and when a request is retried. Callers may
   * therefore start the next `send` before the previous one resolved.
   */
  send(records: readonly OutgoingRecord[]): Promise<void>;
  /** Waits for the sends in flight, then disconnects. */
  close(): Promise<void>;
}
