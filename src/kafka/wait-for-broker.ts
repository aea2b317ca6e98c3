import type { Logger } from 'pino';
import { BrokerUnavailableError } from './broker-unavailable-error.ts';
import { createKafkaClient } from './create-kafka-client.ts';
import type { KafkaClientKind } from './kafka-client.ts';

/**
 * Tries to reach the broker (fetching cluster metadata) with growing pauses until it answers or
 * `timeoutMs` passes; then throws BrokerUnavailableError naming the address.
 *
 * @example
 * ```ts
 * await waitForBroker({ brokerAddress: 'localhost:9092', timeoutMs: 30_000, logger });
 * ```
 */
export async function waitForBroker(options: { brokerAddress: string; timeoutMs: number; logger: Logger; clientId?: string; client?: KafkaClientKind }): Promise<void> {
  const { brokerAddress, timeoutMs, logger } = options;
  const deadline = Date.now() + timeoutMs;
  let pause = 100;
  let lastError: unknown;
  for (let attempt = 1; ; attempt++) {
    const remaining = deadline - Date.now();
    if (remaining <= 0) throw new BrokerUnavailableError(brokerAddress, timeoutMs, lastError);
    const probe = createKafkaClient({
      brokerAddress,
      clientId: options.clientId ?? 'sluice-probe',
      logger: logger.child({ probe: true }, { level: 'silent' }),
      retries: 0,
      connectionTimeout: Math.max(100, Math.min(3000, remaining)),
      ...(options.client ? { client: options.client } : {}),
    });
    try {
      await withTimeout(probe.admin.describeCluster(), remaining);
      return;
    } catch (e) {
      lastError = e;
      logger.debug({ attempt, err: e }, `broker ${brokerAddress} not reachable yet`);
    } finally {
      await probe.close().catch(() => undefined);
    }
    const wait = Math.min(pause, deadline - Date.now());
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    pause = Math.min(pause * 2, 2000);
  }
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}
