import type { Argv, CommandModule } from 'yargs';
import { CliError } from './cli-error.ts';
import { helpExamples } from './help-examples.ts';

interface BrokerArgs {
  port: number;
  host: string;
  'data-dir': string;
  partitions: number;
}

/** The part of the embedded broker's handle the CLI uses. */
export interface StartedBroker {
  readonly address: string;
  close(): Promise<void>;
}

/**
 * Starts the embedded broker (imported lazily so other commands do not load it).
 *
 * @example
 * ```ts
 * const broker = await startEmbeddedBroker({ port: 9092, host: '127.0.0.1', dataDir: '.sluice/data', partitions: 1 });
 * ```
 */
export async function startEmbeddedBroker(options: { port: number; host: string; dataDir: string; partitions: number }): Promise<StartedBroker> {
  const { startBroker } = await import('../broker/index.ts');
  try {
    return await startBroker({ port: options.port, host: options.host, dataDir: options.dataDir, partitions: options.partitions, logLevel: 'warn' });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') {
      throw new CliError(`Port ${options.port} on ${options.host} is already in use — is a broker already running? Pick another with --port`, { cause: error });
    }
    throw error;
  }
}

/**
 * Resolves on the first SIGINT or SIGTERM (and removes its listeners).
 *
 * @example
 * ```ts
 * await untilSignal();
 * ```
 */
export function untilSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const onSignal = (signal: NodeJS.Signals): void => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      resolve(signal);
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
}

/** `sluice broker [--port 9092] [--host 127.0.0.1] [--data-dir .sluice/data] [--partitions 1]` */
export const brokerCommand: CommandModule<object, BrokerArgs> = {
  command: 'broker',
  describe: 'Start the embedded Kafka-compatible broker',
  builder: (yargs: Argv) =>
    yargs
      .option('port', { type: 'number', default: 9092, describe: 'TCP port to listen on (0 = any free port)' })
      .option('host', { type: 'string', default: '127.0.0.1', describe: 'Interface to listen on and advertise' })
      .option('data-dir', { type: 'string', default: '.sluice/data', describe: 'Where topics and offsets are stored' })
      .option('partitions', { type: 'number', default: 1, describe: 'Partitions of auto-created topics' })
      .example(
        helpExamples([
          ['$0 broker', 'Serve Kafka clients on 127.0.0.1:9092, data in .sluice/data'],
          ['$0 broker --port 19092 --data-dir /tmp/sluice --partitions 3', 'Another port, data dir and partition count'],
        ]),
      ) as unknown as Argv<BrokerArgs>,
  handler: async (argv) => {
    const broker = await startEmbeddedBroker({ port: argv.port, host: argv.host, dataDir: argv['data-dir'], partitions: argv.partitions });
    console.log(`sluice broker listening on ${broker.address} (data in ${argv['data-dir']}); Ctrl-C to stop`);
    const signal = await untilSignal();
    console.log(`${signal}: stopping broker`);
    await broker.close();
  },
};
