import { createReadStream, existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import type { IHeaders, Message } from 'kafkajs';
import type { Argv, CommandModule } from 'yargs';
import { CliError } from './cli-error.ts';
import { resolveBrokerAddress } from './broker-address.ts';
import { cliKafka, connectOrExplain } from './kafka-client.ts';
import { parseProperties } from './kafka-properties.ts';
import { lineRecordReader, READER_PROPERTIES, type LineReader, type LineRecord } from './produce/line-record-reader.ts';
import { topicArgument } from './topic-argument.ts';
import { requirePartition } from './topic-partitions.ts';
import { helpExamples } from './help-examples.ts';

interface ProduceArgs {
  topic?: string;
  broker?: string;
  'key-separator'?: string;
  property?: string | string[];
  header?: string | string[];
  partition?: number;
  file?: string;
  json: boolean;
}

const BATCH_SIZE = 500;

/** How {@link produceLines} reads and sends. */
export interface ProduceOptions {
  address: string;
  topic: string;
  input: Readable;
  /** Splits a line into key, value and headers; default: the whole line is the value. */
  read?: LineReader;
  /** Headers added to every record (after those of the line). */
  headers?: ReadonlyArray<readonly [string, string]>;
  /** Write every record to this partition; default: by key (murmur2), keyless records spread. */
  partition?: number;
  /** Refuse a value that is not a JSON document (naming its line). */
  json?: boolean;
}

function kafkajsHeaders(headers: ReadonlyArray<readonly [string, string]>): IHeaders | undefined {
  if (headers.length === 0) return undefined;
  const out: Record<string, string[]> = {};
  for (const [name, value] of headers) (out[name] ??= []).push(value);
  return Object.fromEntries(Object.entries(out).map(([name, values]) => [name, values.length === 1 ? values[0]! : values]));
}

function checkJson(record: LineRecord, lineNumber: number): void {
  if (record.value === null) return;
  try {
    JSON.parse(record.value);
  } catch (error) {
    throw new CliError(`Line ${lineNumber} is not JSON (${(error as Error).message}): '${record.value.slice(0, 80)}'`);
  }
}

/**
 * Produces one record per non-empty line of `input` to `topic`, in batches; resolves with the
 * count. A line the reader refuses stops the run after the lines before it were sent, with an
 * error that says how many were.
 *
 * @example
 * ```ts
 * const n = await produceLines({ address: 'localhost:9092', topic: 'greetings', input: process.stdin, read: lineRecordReader(new Map([['parse.key', 'true'], ['key.separator', ':']])) });
 * ```
 */
export async function produceLines(options: ProduceOptions): Promise<number> {
  const read = options.read ?? lineRecordReader(new Map());
  const producer = cliKafka(options.address, 'sluice-cli-produce').producer({ allowAutoTopicCreation: true });
  await connectOrExplain(producer, options.address);
  let sent = 0;
  let batch: Message[] = [];
  const flush = async (): Promise<void> => {
    if (batch.length === 0) return;
    await producer.send({ topic: options.topic, acks: -1, messages: batch });
    sent += batch.length;
    batch = [];
  };
  let lineNumber = 0;
  try {
    for await (const line of createInterface({ input: options.input, crlfDelay: Infinity })) {
      lineNumber += 1;
      if (line.length === 0) continue;
      let record: LineRecord;
      try {
        record = read(line, lineNumber);
        if (options.json) checkJson(record, lineNumber);
      } catch (error) {
        await flush();
        const before = `${sent} record(s) from the lines before it were produced to ${options.topic}`;
        throw new CliError(`${(error as Error).message} — ${before}; fix the line and send the rest`, { cause: error });
      }
      const headers = kafkajsHeaders([...record.headers, ...(options.headers ?? [])]);
      batch.push({ key: record.key, value: record.value, ...(headers ? { headers } : {}), ...(options.partition === undefined ? {} : { partition: options.partition }) });
      if (batch.length >= BATCH_SIZE) await flush();
    }
    await flush();
  } finally {
    await producer.disconnect();
  }
  return sent;
}

/** `-H name=value` (kcat) or `name:value`. */
function parseHeaderFlags(flags: string | string[] | undefined): Array<[string, string]> {
  return (flags === undefined ? [] : Array.isArray(flags) ? flags : [flags]).map((flag) => {
    const at = String(flag).search(/[=:]/);
    if (at <= 0) throw new CliError(`--header ${flag}: expected name=value`);
    return [String(flag).slice(0, at), String(flag).slice(at + 1)];
  });
}

/** The reader: Kafka's properties, with sluice's --key-separator as parse.key + key.separator + ignore.error (a line without it is all value). */
function reader(argv: ProduceArgs): LineReader {
  const properties = parseProperties(argv.property, READER_PROPERTIES, 'produce');
  if (argv['key-separator'] !== undefined) {
    if (properties.has('parse.key') || properties.has('key.separator')) throw new CliError('--key-separator is short for --property parse.key=true --property key.separator=SEP; use one or the other');
    properties.set('parse.key', 'true').set('key.separator', argv['key-separator']).set('ignore.error', properties.get('ignore.error') ?? 'true');
  }
  return lineRecordReader(properties);
}

/** `sluice produce <topic> [--property parse.key=true --property key.separator=:] [--header n=v] [--partition N] [--file F]` */
export const produceCommand: CommandModule<object, ProduceArgs> = {
  command: 'produce [topic]',
  describe: "Produce one record per line of standard input or a file (Kafka's console-producer flags work too)",
  builder: (yargs: Argv) =>
    yargs
      .positional('topic', { type: 'string', describe: 'Topic to write to (or --topic)' })
      .option('broker', { type: 'string', alias: 'bootstrap-server', describe: 'Kafka bootstrap address host:port (default SLUICE_BROKER_ADDRESS or localhost:9092)' })
      .option('property', {
        type: 'string',
        describe: 'Line parsing as in Kafka: parse.key, parse.headers, ignore.error (=true|false), key.separator, headers.delimiter, headers.separator, headers.key.separator, null.marker (repeatable)',
      })
      .option('key-separator', { type: 'string', describe: 'Split each line at the first SEP into key and value (a line without SEP is all value)' })
      .option('header', { type: 'string', alias: 'H', describe: 'Add header name=value to every record (repeatable)' })
      .option('partition', { type: 'number', describe: 'Write every record to this partition (default: by key)' })
      .option('file', { type: 'string', describe: 'Read lines from this file instead of standard input (e.g. JSON lines)' })
      .option('json', { type: 'boolean', default: false, describe: 'Check that every value is a JSON document; stop at the first line that is not' })
      .example(
        helpExamples([
          ['echo hello | $0 produce greetings', 'One record, value "hello", no key'],
          ["printf 'a:1\\nb:2\\n' | $0 produce letters --key-separator :", 'Two records with keys a and b'],
          ['$0 produce orders --file data/orders.jsonl --json', 'A file of JSON lines'],
          ["$0 produce --topic t --property parse.key=true --property key.separator=: < in.txt", 'Kafka console-producer flags'],
        ]),
      ) as unknown as Argv<ProduceArgs>,
  handler: async (argv) => {
    const topic = topicArgument(argv.topic, 'produce');
    const address = resolveBrokerAddress(argv.broker);
    const read = reader(argv);
    const headers = parseHeaderFlags(argv.header);
    if (argv.partition !== undefined) await requirePartition(address, topic, argv.partition);
    if (argv.file !== undefined && !existsSync(argv.file)) throw new CliError(`No such file: ${argv.file}`);
    const input = argv.file === undefined ? process.stdin : createReadStream(argv.file);
    const sent = await produceLines({ address, topic, input, read, headers, partition: argv.partition, json: argv.json });
    console.error(`Produced ${sent} record(s) to ${topic}`);
  },
};
