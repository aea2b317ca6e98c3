import { SluiceError } from '../errors.ts';

/**
 * The broker could not be reached within `brokerAvailabilityTimeout`.
 *
 * @example
 * ```ts
 * try { await app.run(); } catch (e) { if (e instanceof BrokerUnavailableError) console.error(e.address); }
 * ```
 */
export class BrokerUnavailableError extends SluiceError {
  constructor(
    readonly address: string,
    readonly timeoutMs: number,
    cause?: unknown,
  ) {
    super(
      `cannot reach a Kafka broker at ${address} after ${timeoutMs} ms` +
        (cause instanceof Error ? ` (${cause.message})` : '') +
        `; start one with \`npx sluice broker\` (or a real Kafka), or point sluice at yours with --broker host:port / SLUICE_BROKER_ADDRESS`,
      { cause, retriable: true },
    );
  }
}
