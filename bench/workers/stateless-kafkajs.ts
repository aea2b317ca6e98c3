// Worker of the stateless benchmark: the same consume → filter → transform → produce hand-written
// on kafkajs (eachBatch; producer.send in chunks of 1000 records, all in flight together, acks -1;
// offsets resolved after the batch's records are acknowledged).
// Emits {"type":"first"} when the first input message is processed; runs until SIGTERM.
import { Kafka, logLevel, type Message } from 'kafkajs';
import { keepEvent, reshapeEvent, type ClickEvent } from '../lib/clickstream.ts';
import { emit } from '../lib/run-worker.ts';

const args = JSON.parse(process.argv[2]) as { broker: string; input: string; output: string; group: string };
const SEND_SIZE = 1000;
let first = 0;
let processed = 0;

const kafka = new Kafka({ clientId: 'bench-kafkajs-stateless', brokers: [args.broker], logLevel: logLevel.ERROR });
const consumer = kafka.consumer({ groupId: args.group, allowAutoTopicCreation: false });
const producer = kafka.producer({ allowAutoTopicCreation: false });
await producer.connect();
await consumer.connect();
await consumer.subscribe({ topic: args.input, fromBeginning: true });
await consumer.run({
  eachBatch: async ({ batch, resolveOffset, heartbeat }) => {
    if (first === 0) {
      first = Date.now();
      emit({ type: 'first', t: first });
    }
    const out: Message[] = [];
    for (const message of batch.messages) {
      const e = JSON.parse(message.value!.toString('utf8')) as ClickEvent;
      if (!keepEvent(e)) continue;
      const o = reshapeEvent(e);
      out.push({ key: o.user, value: JSON.stringify(o), timestamp: message.timestamp });
    }
    const sends: Promise<unknown>[] = [];
    for (let i = 0; i < out.length; i += SEND_SIZE) sends.push(producer.send({ topic: args.output, acks: -1, messages: out.slice(i, i + SEND_SIZE) }));
    await Promise.all(sends);
    processed += batch.messages.length;
    resolveOffset(batch.lastOffset());
    await heartbeat();
  },
});

process.once('SIGTERM', () => {
  void (async () => {
    await consumer.disconnect();
    await producer.disconnect();
    emit({ type: 'result', processed, rssMb: process.memoryUsage.rss() / 2 ** 20 });
    process.exit(0);
  })();
});
