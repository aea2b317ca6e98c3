import type { ConsumedMessage } from './consumed-message.ts';
import type { GroupConsumer, GroupConsumerOptions, IsolationLevel } from './group-consumer.ts';
import type { KafkaAdmin } from './kafka-admin.ts';
import type { RecordProducer, RecordProducerOptions } from './record-producer.ts';
import type { TransactionalProducer, TransactionalProducerOptions } from './transactional-producer.ts';

/** The Kafka client implementations sluice has. */
export type KafkaClientKind = 'kafkajs' | 'native';

/**
 * What to read with {@link KafkaClient.readPartition}: one partition from `fromOffset` up to (not
 * including) `toOffset`, without a consumer group and without committing.
 *
 * @example
 * ```ts
 * const request: PartitionReadRequest = { topic: 'changelog__g--orders--default', partition: 0, fromOffset: 0, toOffset: 120 };
 * ```
 */
export interface PartitionReadRequest {
  topic: string;
  partition: number;
  /** The first offset to read; one below the partition's first offset starts at the first offset. */
  fromOffset: number;
  /** Exclusive end; the read finishes once a record at `toOffset - 1` or later was seen. */
  toOffset: number;
  /** Default `read_committed`: records of open or aborted transactions are skipped. */
  isolationLevel?: IsolationLevel;
  /** Give up when no record arrives for this long, in ms; default 30000. */
  stallTimeoutMs?: number;
}

/**
 * The one seam between sluice and a Kafka client library: everything the run loop, the
 * Application, topic preparation, changelog restores and the CLI do with Kafka goes through it.
 * Implementations: `src/kafka/native/` (sluice's own client on `src/protocol`) and
 * `src/kafka/kafkajs/` (kafkajs 2.x). Make one with `createKafkaClient`.
 *
 * Producers and consumers it hands out are independent (each is closed on its own); the admin is
 * shared and closed by {@link close}.
 *
 * @example
 * ```ts
 * const client = createKafkaClient({ brokerAddress: 'localhost:9092', clientId: 'my-app', logger });
 * const producer = client.producer();
 * await producer.send([{ topic: 'jokes', key: null, value: Buffer.from('{}'), headers: {}, timestamp: Date.now() }]);
 * await producer.close();
 * console.log(await client.admin.listTopics());
 * await client.close();
 * ```
 */
export interface KafkaClient {
  /** Which implementation this is. */
  readonly kind: KafkaClientKind;
  /** Topic and group administration (connected on first use). */
  readonly admin: KafkaAdmin;
  /** A new producer (acks from all in-sync replicas, retried until its delivery timeout). */
  producer(options?: RecordProducerOptions): RecordProducer;
  /** A new consumer that joins `options.groupId` and reads the partitions the group assigns it. */
  consumer(options: GroupConsumerOptions): GroupConsumer;
  /**
   * A new transactional producer (not connected until its first `begin`). Check its
   * `supportsGroupMetadata` for how an app must scope transactional ids (per instance with
   * KIP-447, else per input partition).
   */
  transactionalProducer(options: TransactionalProducerOptions): TransactionalProducer;
  /**
   * Reads one partition between two offsets, in batches, without joining a group (a changelog
   * restore, `sluice consume --partition`). Throws a retriable SluiceError when the read stalls.
   */
  readPartition(request: PartitionReadRequest): AsyncIterable<readonly ConsumedMessage[]>;
  /** Closes the admin connection; producers and consumers are closed on their own. */
  close(): Promise<void>;
}
