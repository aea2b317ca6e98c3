import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import type { Message } from 'kafkajs';
import type { Argv, CommandModule } from 'yargs';
import { resolveBrokerAddress } from './broker-address.ts';
import { cliKafka, connectOrExplain } from './kafka-client.ts';

interface ProduceArgs {
  topic: string;
  broker?: string;
  'key-separator'?: string;
}

const BATCH_SIZE = 500;

/**
 * Splits one input line into a Kafka message: with a separator, the text before its first
 * occurrence is the key; without one (or when the line lacks it) the whole line is the value.
 *
 * @example
 * ```ts
 * lineToMessage('42:{"id":42}', ':'); // { key: '42', value: '{"id":42}' }
 * ```
 */
export function lineToMessage(line: string, keySeparator?: string): Message {
  if (keySeparator) {
    const at = line.indexOf(keySeparator);
    if (at >= 0) return { key: line.slice(0, at), value: line.slice(at + keySeparator.length) };
  }
  return { value: line };
}

/**
 * Produces one record per non-empty line of `input` to `topic`, in batches; resolves with the count.
 *
 * @example
 * ```ts
 * const n = await produceLines({ address: 'localhost:9092', topic: 'greetings', input: process.stdin, keySeparator: ':' });
 * ```
 */
export async function produceLines(options: { address: string; topic: string; input: Readable; keySeparator?: string }): Promise<number> {
  const producer = cliKafka(options.address, 'sluice-cli-produce').producer({ allowAutoTopicCreation: true });
  await connectOrExplain(producer, options.address);
  let sent = 0;
  let batch: Message[] = [];
  const flush = async (): Promise<void> => {
    if (batch.length === 0) return;
    await producer.send({ topic: options.topic, messages: batch });
    sent += batch.length;
    batch = [];
  };
  try {
    for await (const line of createInterface({ input: options.input, crlfDelay: Infinity })) {
      if (line.length === 0) continue;
      batch.push(lineToMessage(line, options.keySeparator));
      if (batch.length >= BATCH_SIZE) await flush();
    }
    await flush();
  } finally {
    await producer.disconnect();
  }
  return sent;
}

/** `sluice produce <topic> [--key-separator :]` */
export const produceCommand: CommandModule<object, ProduceArgs> = {
  command: 'produce <topic>',
  describe: 'Produce one record per line of standard input',
  builder: (yargs: Argv) =>
    yargs
      .positional('topic', { type: 'string', demandOption: true, describe: 'Topic to write to' })
      .option('broker', { type: 'string', describe: 'Kafka bootstrap address host:port (default SLUICE_BROKER_ADDRESS or localhost:9092)' })
      .option('key-separator', { type: 'string', describe: 'Split each line at the first SEP into key and value' })
      .example('echo hello | $0 produce greetings', 'One record with value "hello" and no key')
      .example("printf 'a:1\\nb:2\\n' | $0 produce letters --key-separator :", 'Two records with keys a and b') as unknown as Argv<ProduceArgs>,
  handler: async (argv) => {
    const sent = await produceLines({ address: resolveBrokerAddress(argv.broker), topic: argv.topic, input: process.stdin, keySeparator: argv['key-separator'] });
    console.error(`Produced ${sent} record(s) to ${argv.topic}`);
  },
};
