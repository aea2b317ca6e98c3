import type { Logger } from 'pino';
import { BrokerUnavailableError } from './broker-unavailable-error.ts';
import { createKafkaClient } from './create-kafka-client.ts';
import type { KafkaClientKind } from './kafka-client.ts';

/** How often a wait for the broker says again that it is still waiting. */
const REMIND_EVERY_MS = 10_000;
/** A first attempt slower than this is announced before it fails (e.g. a host that drops packets). */
const ANNOUNCE_AFTER_MS = 1_000;

/** Options of {@link waitForBroker}. */
export interface WaitForBrokerOptions {
  brokerAddress: string;
  timeoutMs: number;
  logger: Logger;
  clientId?: string;
  client?: KafkaClientKind;
}

/**
 * Tries to reach the broker (fetching cluster metadata) with growing pauses until it answers or
 * `timeoutMs` passes; then throws BrokerUnavailableError naming the address. As soon as the first
 * attempt fails (or takes over a second) it logs a warning that it is waiting for the broker at
 * that address and for how long, repeats it every 10 s, and logs when the broker answered.
 *
 * @example
 * ```ts
 * await waitForBroker({ brokerAddress: 'localhost:9092', timeoutMs: 30_000, logger });
 * ```
 */
export async function waitForBroker(options: WaitForBrokerOptions): Promise<void> {
  const { brokerAddress, timeoutMs, logger } = options;
  const started = Date.now();
  const deadline = started + timeoutMs;
  let lastError: unknown;
  let announcedAt: number | undefined;
  const announce = (): void => {
    const now = Date.now();
    if (now >= deadline || (announcedAt !== undefined && now - announcedAt < REMIND_EVERY_MS)) return;
    const reason = lastError instanceof Error && lastError.message ? ` (${lastError.message})` : '';
    logger.warn(
      { broker: brokerAddress, waitMs: timeoutMs },
      announcedAt === undefined
        ? `waiting up to ${seconds(timeoutMs)} for the Kafka broker at ${brokerAddress}${reason}; ` +
            'start one with `npx sluice broker`, or point the app at yours with --broker host:port / SLUICE_BROKER_ADDRESS'
        : `still waiting for the Kafka broker at ${brokerAddress}${reason}, ${seconds(deadline - now)} left`,
    );
    announcedAt = now;
  };
  const slowFirstAttempt = setTimeout(announce, ANNOUNCE_AFTER_MS);
  try {
    for (let pause = 100, attempt = 1; ; attempt++, pause = Math.min(pause * 2, 2000)) {
      const remaining = deadline - Date.now();
      if (remaining <= 0) throw new BrokerUnavailableError(brokerAddress, timeoutMs, lastError);
      try {
        await probe(options, remaining);
        break;
      } catch (e) {
        lastError = e;
        logger.debug({ attempt, err: e }, `broker ${brokerAddress} not reachable yet`);
      }
      announce();
      const wait = Math.min(pause, deadline - Date.now());
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    }
  } finally {
    clearTimeout(slowFirstAttempt);
  }
  if (announcedAt !== undefined) {
    logger.info({ broker: brokerAddress, waitedMs: Date.now() - started }, `the Kafka broker at ${brokerAddress} answered after ${seconds(Date.now() - started)}`);
  }
}

/** One attempt: describe the cluster through a fresh client, within `remainingMs`. */
async function probe(options: WaitForBrokerOptions, remainingMs: number): Promise<void> {
  const client = createKafkaClient({
    brokerAddress: options.brokerAddress,
    clientId: options.clientId ?? 'sluice-probe',
    logger: options.logger.child({ probe: true }, { level: 'silent' }),
    retries: 0,
    connectionTimeout: Math.max(100, Math.min(3000, remainingMs)),
    ...(options.client ? { client: options.client } : {}),
  });
  try {
    await withTimeout(client.admin.describeCluster(), remainingMs);
  } finally {
    await client.close().catch(() => undefined);
  }
}

/** `30 s`, `1.5 s`: a duration in seconds as a person reads it. */
function seconds(ms: number): string {
  const s = Math.max(0, ms) / 1000;
  return `${s >= 10 ? Math.round(s) : Number(s.toFixed(1))} s`;
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}
