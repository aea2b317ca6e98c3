import type { Argv, CommandModule } from 'yargs';
import type { IsolationLevel } from '../kafka/group-consumer.ts';
import { CliError } from './cli-error.ts';
import { resolveBrokerAddress } from './broker-address.ts';
import { parseProperties } from './kafka-properties.ts';
import { consumeTopic, type StartOffset } from './consume/consume-topic.ts';
import { FORMATTER_PROPERTIES, kafkaMessageFormatter } from './consume/kafka-message-formatter.ts';
import { kcatFormatter } from './consume/kcat-formatter.ts';
import type { RecordFormatter } from './consume/printable-record.ts';
import { topicArgument } from './topic-argument.ts';
import { helpExamples } from './help-examples.ts';

interface ConsumeArgs {
  topic?: string;
  broker?: string;
  'from-beginning': boolean;
  group?: string;
  partition?: number;
  offset?: string;
  'max-messages'?: number;
  'timeout-ms'?: number;
  'idle-timeout'?: number;
  'isolation-level': string;
  property?: string | string[];
  key: boolean;
  'key-separator'?: string;
  format?: string;
}

function wholeNumber(flag: string, value: number | undefined): number | undefined {
  if (value !== undefined && (!Number.isInteger(value) || value < 0)) throw new CliError(`${flag} must be a whole number >= 0, got ${value}`);
  return value;
}

/** Kafka's checks of --partition, --offset, --group and --from-beginning, with its wording. */
function startOffset(argv: ConsumeArgs): StartOffset | undefined {
  if (argv.partition === undefined) {
    if (argv.offset !== undefined) throw new CliError('The partition is required when offset is specified (--offset needs --partition N)');
    return undefined;
  }
  wholeNumber('--partition', argv.partition);
  if (argv.group !== undefined) throw new CliError('Options group and partition cannot be specified together (a group reads the partitions it is assigned)');
  if (argv.offset === undefined) return undefined;
  if (argv['from-beginning']) throw new CliError('Options from-beginning and offset cannot be specified together');
  const offset = argv.offset.toLowerCase();
  if (offset === 'earliest' || offset === 'latest') return offset;
  if (!/^\d+$/.test(offset)) throw new CliError(`The provided offset value '${argv.offset}' is incorrect. Valid values are 'earliest', 'latest', or a non-negative long.`);
  return Number(offset);
}

function isolationLevel(value: string): IsolationLevel {
  if (value !== 'read_committed' && value !== 'read_uncommitted') {
    throw new CliError(`--isolation-level must be read_committed or read_uncommitted, got '${value}'`);
  }
  return value;
}

/** The formatter: a kcat format string, or Kafka's default formatter with --property settings (--key and --key-separator are shorthands). */
function formatter(argv: ConsumeArgs): RecordFormatter {
  const properties = parseProperties(argv.property, FORMATTER_PROPERTIES, 'consume');
  if (argv.format !== undefined) {
    if (properties.size > 0 || argv.key) throw new CliError('--format replaces --property and --key; use one or the other');
    return kcatFormatter(argv.format);
  }
  if (argv.key && !properties.has('print.key')) properties.set('print.key', 'true');
  if (argv['key-separator'] !== undefined && !properties.has('key.separator')) properties.set('key.separator', argv['key-separator']);
  return kafkaMessageFormatter(properties);
}

/** `sluice consume <topic> [--from-beginning] [--group G] [--partition P --offset O] [--max-messages N] [--property print.key=true] ...` */
export const consumeCommand: CommandModule<object, ConsumeArgs> = {
  command: 'consume [topic]',
  describe: "Print the records of a topic, one per line (Kafka's console-consumer flags work too)",
  builder: (yargs: Argv) =>
    yargs
      .positional('topic', { type: 'string', describe: 'Topic to read (or --topic)' })
      .option('broker', { type: 'string', alias: 'bootstrap-server', describe: 'Kafka bootstrap address host:port (default SLUICE_BROKER_ADDRESS or localhost:9092)' })
      .option('from-beginning', { type: 'boolean', default: false, describe: 'Start at the earliest record when the group has no committed offset (default: the end)' })
      .option('group', { type: 'string', describe: 'Consumer group: commits the offsets of what was printed; default: a throw-away group, nothing committed' })
      .option('partition', { type: 'number', describe: 'Read only this partition (no group), from its end unless --offset or --from-beginning' })
      .option('offset', { type: 'string', describe: "With --partition: 'earliest', 'latest' or an offset to start at" })
      .option('max-messages', { type: 'number', alias: 'max', describe: 'Exit after this many records' })
      .option('timeout-ms', { type: 'number', describe: 'Exit when no record arrived for this many milliseconds' })
      .option('idle-timeout', { type: 'number', describe: 'The same in seconds' })
      .option('isolation-level', { type: 'string', default: 'read_uncommitted', describe: 'read_committed hides records of open and aborted transactions' })
      .option('property', {
        type: 'string',
        describe: 'Output as Kafka prints it: print.key, print.timestamp, print.partition, print.offset, print.headers, print.value (=true|false), key.separator, line.separator, headers.separator, null.literal (repeatable)',
      })
      .option('key', { type: 'boolean', default: false, describe: 'Print the key before the value (print.key=true)' })
      .option('key-separator', { type: 'string', describe: 'Between the printed fields (key.separator; default a tab)' })
      .option('format', {
        type: 'string',
        alias: 'f',
        describe: 'kcat format string: %t topic %p partition %o offset %T timestamp %k key %K key length %s value %S value length %h headers, \\n \\t',
      })
      .example(
        helpExamples([
          ['$0 consume words --from-beginning', 'Every record of words, then wait'],
          ['$0 consume word-counts --from-beginning --key --max-messages 20', 'The first 20 records, keys first'],
          ['$0 consume --bootstrap-server localhost:9092 --topic words --property print.offset=true', 'Kafka console-consumer flags'],
          ["$0 consume words --partition 1 --offset 100 -f '%p@%o %k=%s\\n'", 'Partition 1 from offset 100, kcat format'],
        ]),
      ) as unknown as Argv<ConsumeArgs>,
  handler: async (argv) => {
    const topic = topicArgument(argv.topic, 'consume');
    const offset = startOffset(argv);
    const timeoutMs = wholeNumber('--timeout-ms', argv['timeout-ms']) ?? (argv['idle-timeout'] === undefined ? undefined : argv['idle-timeout'] * 1000);
    const format = formatter(argv);
    let printed = 0;
    try {
      await consumeTopic({
        address: resolveBrokerAddress(argv.broker),
        topic,
        fromBeginning: argv['from-beginning'],
        group: argv.group,
        partition: argv.partition,
        offset,
        maxMessages: wholeNumber('--max-messages', argv['max-messages']),
        timeoutMs,
        isolationLevel: isolationLevel(argv['isolation-level']),
        format: (record) => {
          printed += 1;
          return format(record);
        },
      });
    } finally {
      process.stderr.write(`Processed a total of ${printed} messages\n`);
    }
  },
};
