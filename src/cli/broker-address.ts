import { createConnection } from 'node:net';
import { CliError } from './cli-error.ts';

/** The broker address used when neither `--broker` nor `SLUICE_BROKER_ADDRESS` names one. */
export const DEFAULT_BROKER_ADDRESS = 'localhost:9092';

/**
 * Picks the bootstrap broker: the `--broker` flag, else `SLUICE_BROKER_ADDRESS`, else `localhost:9092`.
 * Throws a CliError when the result is not `host:port`.
 *
 * @example
 * ```ts
 * const address = resolveBrokerAddress(argv.broker); // "localhost:9092"
 * ```
 */
export function resolveBrokerAddress(flag?: string): string {
  const address = (flag ?? process.env.SLUICE_BROKER_ADDRESS ?? DEFAULT_BROKER_ADDRESS).trim();
  parseHostPort(address);
  return address;
}

/**
 * Splits `host:port`, rejecting anything else with a CliError that shows the expected form.
 *
 * @example
 * ```ts
 * parseHostPort('127.0.0.1:9092'); // { host: '127.0.0.1', port: 9092 }
 * ```
 */
export function parseHostPort(address: string): { host: string; port: number } {
  const match = /^(.+):(\d{1,5})$/.exec(address);
  const port = match ? Number(match[2]) : NaN;
  if (!match || port < 1 || port > 65535) {
    throw new CliError(`Broker address "${address}" is not host:port — use e.g. --broker localhost:9092`);
  }
  return { host: match[1].replace(/^\[(.*)\]$/, '$1'), port };
}

/**
 * Resolves true when something accepts a TCP connection at `address` within `timeoutMs`.
 *
 * @example
 * ```ts
 * if (!(await isListening('localhost:9092'))) console.log('no broker yet');
 * ```
 */
export function isListening(address: string, timeoutMs = 1_000): Promise<boolean> {
  const { host, port } = parseHostPort(address);
  return new Promise((resolve) => {
    const socket = createConnection({ host, port });
    const done = (answer: boolean): void => {
      socket.removeAllListeners();
      socket.destroy();
      resolve(answer);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}
