import type { Logger } from 'pino';
import type { ConsumedMessage } from '../consumed-message.ts';
import type { GroupConsumer, GroupConsumerOptions } from '../group-consumer.ts';
import type { KafkaClient, PartitionReadRequest } from '../kafka-client.ts';
import type { RecordProducer, RecordProducerOptions } from '../record-producer.ts';
import { Cluster, type ClusterOptions } from './cluster.ts';
import { NativeAdmin } from './native-admin.ts';
import { NativeGroupConsumer } from './native-group-consumer.ts';
import { readPartitionNative } from './native-partition-reader.ts';
import { NativeProducer } from './native-producer.ts';
import { NativeTransactionalProducer } from './native-transactional-producer.ts';
import type { TransactionalProducer, TransactionalProducerOptions } from '../transactional-producer.ts';

/**
 * The {@link KafkaClient} on sluice's own protocol codecs (src/protocol): every producer,
 * consumer and read has its own connections.
 *
 * @example
 * ```ts
 * const client = new NativeClient({ brokerAddress: 'localhost:9092', clientId: 'app', logger });
 * await client.producer().send(records);
 * await client.close();
 * ```
 */
export class NativeClient implements KafkaClient {
  readonly kind = 'native' as const;
  readonly admin: NativeAdmin;
  private readonly adminCluster: Cluster;

  constructor(private readonly options: ClusterOptions) {
    this.adminCluster = new Cluster(options);
    this.admin = new NativeAdmin(this.adminCluster);
  }

  producer(options: RecordProducerOptions = {}): RecordProducer {
    return new NativeProducer({ ...options, cluster: new Cluster(this.options), logger: this.options.logger });
  }

  transactionalProducer(options: TransactionalProducerOptions): TransactionalProducer {
    return new NativeTransactionalProducer(this.options, options);
  }

  consumer(options: GroupConsumerOptions): GroupConsumer {
    return new NativeGroupConsumer(this.options, options);
  }

  async *readPartition(request: PartitionReadRequest): AsyncIterable<readonly ConsumedMessage[]> {
    const cluster = new Cluster(this.options);
    try {
      yield* readPartitionNative(cluster, this.options.logger, request);
    } finally {
      cluster.close();
    }
  }

  async close(): Promise<void> {
    this.adminCluster.close();
  }
}
