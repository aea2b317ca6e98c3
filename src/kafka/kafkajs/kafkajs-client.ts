import type { Kafka } from 'kafkajs';
import type { Logger } from 'pino';
import type { ConsumedMessage } from '../consumed-message.ts';
import type { GroupConsumer, GroupConsumerOptions } from '../group-consumer.ts';
import type { KafkaClient, PartitionReadRequest } from '../kafka-client.ts';
import type { RecordProducer, RecordProducerOptions } from '../record-producer.ts';
import { KafkajsAdmin } from './kafkajs-admin.ts';
import { KafkajsGroupConsumer } from './kafkajs-group-consumer.ts';
import { readPartitionWithKafkajs } from './kafkajs-partition-reader.ts';
import { KafkajsProducer } from './kafkajs-producer.ts';
import { KafkajsTransactionalProducer } from './kafkajs-transactional-producer.ts';
import type { TransactionalProducer, TransactionalProducerOptions } from '../transactional-producer.ts';

/**
 * The {@link KafkaClient} on kafkajs 2.x.
 *
 * @example
 * ```ts
 * const client = new KafkajsClient(createKafkajs({ brokerAddress: 'localhost:9092', clientId: 'app', logger }), logger);
 * await client.admin.listTopics();
 * await client.close();
 * ```
 */
export class KafkajsClient implements KafkaClient {
  readonly kind = 'kafkajs' as const;
  readonly admin: KafkajsAdmin;

  constructor(
    /** The kafkajs client underneath. */
    readonly kafka: Kafka,
    private readonly logger: Logger,
  ) {
    this.admin = new KafkajsAdmin(kafka);
  }

  producer(options: RecordProducerOptions = {}): RecordProducer {
    return new KafkajsProducer(this.kafka, { ...options, logger: this.logger });
  }

  consumer(options: GroupConsumerOptions): GroupConsumer {
    return new KafkajsGroupConsumer(this.kafka, options);
  }

  transactionalProducer(options: TransactionalProducerOptions): TransactionalProducer {
    return new KafkajsTransactionalProducer(this.kafka, options);
  }

  readPartition(request: PartitionReadRequest): AsyncIterable<readonly ConsumedMessage[]> {
    return readPartitionWithKafkajs(this.kafka, request);
  }

  close(): Promise<void> {
    return this.admin.close();
  }
}
