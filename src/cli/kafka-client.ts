import { Kafka, logLevel } from 'kafkajs';
import { CliError } from './cli-error.ts';

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

/**
 * Connects a kafkajs client (admin, producer or consumer); an unreachable broker becomes a
 * `CliError` that says how to start one or point the CLI at another.
 *
 * @example
 * ```ts
 * const admin = cliKafka(address).admin();
 * await connectOrExplain(admin, address);
 * ```
 */
export async function connectOrExplain(client: { connect(): Promise<void> }, address: string): Promise<void> {
  try {
    await client.connect();
  } catch (error) {
    throw new CliError(`Cannot reach a Kafka broker at ${address} — start one with \`npx sluice broker\` or pass --broker host:port`, { cause: error });
  }
}
