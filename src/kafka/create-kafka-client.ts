import type { Logger } from 'pino';
import type { KafkaClient, KafkaClientKind } from './kafka-client.ts';
import { createKafkajs } from './kafkajs/create-kafkajs.ts';
import { KafkajsClient } from './kafkajs/kafkajs-client.ts';
import { NativeClient } from './native/native-client.ts';

/**
 * Options of {@link createKafkaClient}.
 *
 * @example
 * ```ts
 * const opts: KafkaClientOptions = { brokerAddress: 'localhost:9092', clientId: 'sluice', logger };
 * ```
 */
export interface KafkaClientOptions {
  /** `host:port`, comma-separated for several. */
  brokerAddress: string;
  clientId: string;
  /** Where the client's own log lines go. */
  logger: Logger;
  /** Which implementation; default `kafkajs`. */
  client?: KafkaClientKind;
  /** Retries of a failed request (default 5). */
  retries?: number;
  /** TCP connect timeout in ms (default 3000). */
  connectionTimeout?: number;
}

/**
 * A {@link KafkaClient} of the chosen implementation.
 *
 * @example
 * ```ts
 * const client = createKafkaClient({ brokerAddress: 'localhost:9092', clientId: 'sluice', logger: createLogger('kafka') });
 * const producer = client.producer();
 * ```
 */
export function createKafkaClient(options: KafkaClientOptions): KafkaClient {
  if (options.client === 'native') {
    return new NativeClient({
      brokerAddress: options.brokerAddress,
      clientId: options.clientId,
      logger: options.logger,
      ...(options.connectionTimeout === undefined ? {} : { connectTimeoutMs: options.connectionTimeout }),
    });
  }
  const kafka = createKafkajs({
    brokerAddress: options.brokerAddress,
    clientId: options.clientId,
    logger: options.logger,
    ...(options.retries === undefined ? {} : { retries: options.retries }),
    ...(options.connectionTimeout === undefined ? {} : { connectionTimeout: options.connectionTimeout }),
  });
  return new KafkajsClient(kafka, options.logger);
}
