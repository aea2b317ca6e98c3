import { randomBytes } from 'node:crypto';
import type { Argv, CommandModule } from 'yargs';
import { CliError } from './cli-error.ts';
import { resolveBrokerAddress } from './broker-address.ts';
import { cliKafka, connectOrExplain } from './kafka-client.ts';
import { untilSignal } from './broker-command.ts';

interface ConsumeArgs {
  topic: string;
  broker?: string;
  'from-beginning': boolean;
  group?: string;
  max?: number;
  key: boolean;
  'key-separator': string;
  'idle-timeout'?: number;
}

/** How `consumeTopic` reads and prints. */
export interface ConsumeOptions {
  address: string;
  topic: string;
  fromBeginning: boolean;
  /** Consumer group: offsets are committed up to the last record printed. When absent a throw-away group is used and nothing is committed. */
  group?: string;
  /** Stop after this many records. */
  max?: number;
  /** Print `key<separator>value` instead of just the value. */
  printKey: boolean;
  keySeparator: string;
  /** Stop when no record arrived for this many seconds. */
  idleTimeoutS?: number;
  /** Where lines go; default console.log. */
  write?: (line: string) => void;
}

/**
 * Reads a topic and prints one line per record (a quick kafka-console-consumer). Resolves with the
 * number of records printed once `max` is reached, the idle timeout passes, or SIGINT/SIGTERM.
 *
 * @example
 * ```ts
 * await consumeTopic({ address: 'localhost:9092', topic: 'words', fromBeginning: true, max: 10, printKey: true, keySeparator: '\t' });
 * ```
 */
export async function consumeTopic(options: ConsumeOptions): Promise<number> {
  const write = options.write ?? ((line: string) => console.log(line));
  const groupId = options.group ?? `sluice-cli-consume-${randomBytes(4).toString('hex')}`;
  const consumer = cliKafka(options.address, 'sluice-cli-consume').consumer({ groupId, maxWaitTimeInMs: 250 });
  await connectOrExplain(consumer, options.address);
  let printed = 0;
  let stopping = false;
  let stop: () => void = () => {};
  const stopped = new Promise<void>((resolve) => (stop = resolve));
  let idleTimer: NodeJS.Timeout | undefined;
  const armIdle = (): void => {
    if (options.idleTimeoutS === undefined) return;
    clearTimeout(idleTimer);
    idleTimer = setTimeout(stop, options.idleTimeoutS * 1000);
  };
  const limitReached = (): boolean => options.max !== undefined && printed >= options.max;
  // The batch being printed and committed; stopping waits for it so that what was printed is committed.
  let inFlight: Promise<void> = Promise.resolve();
  try {
    await consumer.subscribe({ topic: options.topic, fromBeginning: options.fromBeginning });
    armIdle();
    await consumer.run({
      // Offsets are committed here, only up to the last record printed (kafkajs would commit whole batches).
      autoCommit: false,
      eachBatchAutoResolve: false,
      eachBatch: ({ batch, resolveOffset }) => {
        if (stopping || limitReached()) return Promise.resolve();
        let next: bigint | undefined;
        for (const message of batch.messages) {
          if (limitReached()) break;
          const value = message.value === null ? 'null' : message.value.toString('utf8');
          const key = message.key === null ? 'null' : message.key.toString('utf8');
          write(options.printKey ? `${key}${options.keySeparator}${value}` : value);
          printed += 1;
          resolveOffset(message.offset);
          next = BigInt(message.offset) + 1n;
        }
        armIdle();
        if (limitReached()) stop();
        if (options.group === undefined || next === undefined) return Promise.resolve();
        inFlight = consumer.commitOffsets([{ topic: batch.topic, partition: batch.partition, offset: next.toString() }]);
        return inFlight;
      },
    });
    if (options.max === 0) stop();
    await Promise.race([stopped, untilSignal()]);
    stopping = true;
    await inFlight;
  } finally {
    clearTimeout(idleTimer);
    await consumer.disconnect();
  }
  return printed;
}

/** `sluice consume <topic> [--from-beginning] [--group G] [--max N] [--key]` */
export const consumeCommand: CommandModule<object, ConsumeArgs> = {
  command: 'consume <topic>',
  describe: 'Print the records of a topic, one per line',
  builder: (yargs: Argv) =>
    yargs
      .positional('topic', { type: 'string', demandOption: true, describe: 'Topic to read' })
      .option('broker', { type: 'string', describe: 'Kafka bootstrap address host:port (default SLUICE_BROKER_ADDRESS or localhost:9092)' })
      .option('from-beginning', { type: 'boolean', default: false, describe: 'Start at the earliest record, not at the end' })
      .option('group', { type: 'string', describe: 'Consumer group (commits offsets); default: a throw-away group' })
      .option('max', { type: 'number', describe: 'Exit after this many records' })
      .option('key', { type: 'boolean', default: false, describe: 'Print the key before the value' })
      .option('key-separator', { type: 'string', default: '\t', describe: 'Between key and value with --key' })
      .option('idle-timeout', { type: 'number', describe: 'Exit when no record arrives for this many seconds' })
      .example('$0 consume words --from-beginning', 'Every record of words, then wait for more')
      .example('$0 consume word-counts --from-beginning --key --max 20', 'The first 20 records with their keys') as unknown as Argv<ConsumeArgs>,
  handler: async (argv) => {
    if (argv.max !== undefined && (!Number.isInteger(argv.max) || argv.max < 0)) {
      throw new CliError(`--max must be a whole number >= 0, got ${argv.max}`);
    }
    await consumeTopic({
      address: resolveBrokerAddress(argv.broker),
      topic: argv.topic,
      fromBeginning: argv['from-beginning'],
      group: argv.group,
      max: argv.max,
      printKey: argv.key,
      keySeparator: argv['key-separator'],
      idleTimeoutS: argv['idle-timeout'],
    });
  },
};
