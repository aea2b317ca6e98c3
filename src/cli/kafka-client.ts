import { Kafka, logLevel } from 'kafkajs';

/**
 * A kafkajs client for CLI commands: quiet logs (kafkajs warnings would drown the output) and a
 * few quick retries so an unreachable broker fails in seconds, not minutes.
 *
 * @example
 * ```ts
 * const admin = cliKafka('localhost:9092').admin();
 * ```
 */
export function cliKafka(address: string, clientId = 'sluice-cli'): Kafka {
  return new Kafka({
    clientId,
    brokers: [address],
    logLevel: logLevel.NOTHING,
    connectionTimeout: 3_000,
    retry: { retries: 3, initialRetryTime: 200, maxRetryTime: 2_000 },
  });
}
