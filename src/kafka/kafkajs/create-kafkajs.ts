import { Kafka, logLevel as KafkaLogLevel, type LogEntry } from 'kafkajs';
import type { Logger } from 'pino';

/**
 * Options of {@link createKafkajs}.
 *
 * @example
 * ```ts
 * const opts: KafkajsOptions = { brokerAddress: 'localhost:9092', clientId: 'sluice', logger };
 * ```
 */
export interface KafkajsOptions {
  /** `host:port`, comma-separated for several. */
  brokerAddress: string;
  clientId: string;
  logger: Logger;
  /** kafkajs retries per request (default 5). */
  retries?: number;
  /** TCP connect timeout in ms (default 3000). */
  connectionTimeout?: number;
}

/**
 * A kafkajs client whose logs go to the given pino logger (kafkajs INFO lines become debug).
 *
 * @example
 * ```ts
 * const kafka = createKafkajs({ brokerAddress: 'localhost:9092', clientId: 'sluice', logger: createLogger('kafka') });
 * const admin = kafka.admin();
 * ```
 */
export function createKafkajs(options: KafkajsOptions): Kafka {
  const log = options.logger;
  return new Kafka({
    clientId: options.clientId,
    brokers: options.brokerAddress.split(','),
    connectionTimeout: options.connectionTimeout ?? 3000,
    retry: { retries: options.retries ?? 5, initialRetryTime: 100, maxRetryTime: 2000 },
    logLevel: KafkaLogLevel.DEBUG,
    logCreator:
      () =>
      ({ level, log: entry }: LogEntry) => {
        const { message, timestamp: _t, logger: _l, ...rest } = entry;
        if (level === KafkaLogLevel.ERROR) log.error(rest, message);
        else if (level === KafkaLogLevel.WARN) log.warn(rest, message);
        else if (level === KafkaLogLevel.INFO) log.debug(rest, message);
        else log.trace(rest, message);
      },
  });
}
