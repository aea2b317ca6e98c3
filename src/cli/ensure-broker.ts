import { isListening, parseHostPort } from './broker-address.ts';
import { startEmbeddedBroker, type StartedBroker } from './broker-command.ts';

/**
 * The broker at `address`, or, when nothing answers there, the embedded broker started on it
 * (returned, for the caller to close). `say` reports which.
 *
 * @example
 * ```ts
 * const started = await ensureBroker('localhost:9092', '.sluice/data');
 * await started?.close();
 * ```
 */
export async function ensureBroker(address: string, dataDir: string, say: (line: string) => void = console.log): Promise<StartedBroker | undefined> {
  if (await isListening(address)) {
    say(`Using the broker at ${address}`);
    return undefined;
  }
  const { host, port } = parseHostPort(address);
  const listenHost = host === 'localhost' ? '127.0.0.1' : host;
  const broker = await startEmbeddedBroker({ port, host: listenHost, dataDir, partitions: 1 });
  say(`Started the embedded broker at ${broker.address} (data in ${dataDir})`);
  return broker;
}
