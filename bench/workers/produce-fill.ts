// Worker of the broker-rss benchmark: writes `totalBytes` of values (`valueBytes` each, sends of
// `batch` messages, `inFlight` sends at a time, acks -1) to one topic as fast as it can, then
// reads `readMessages` back from the beginning. Prints {"type":"result",...}.
import { Kafka, logLevel, type Message } from 'kafkajs';
import { emit } from '../lib/run-worker.ts';

interface Args {
  broker: string;
  topic: string;
  totalBytes: number;
  valueBytes: number;
  batch: number;
  inFlight: number;
  readMessages: number;
}

const args = JSON.parse(process.argv[2]) as Args;
const kafka = new Kafka({ clientId: 'bench-produce-fill', brokers: [args.broker], logLevel: logLevel.ERROR });
const admin = kafka.admin();
await admin.connect();
await admin.createTopics({ waitForLeaders: true, topics: [{ topic: args.topic, numPartitions: 1 }] });
await admin.disconnect();

const value = Buffer.alloc(args.valueBytes, 'y');
const messages: Message[] = Array.from({ length: args.batch }, () => ({ value }));
const sends = Math.ceil(args.totalBytes / (args.valueBytes * args.batch));
const producer = kafka.producer({ allowAutoTopicCreation: false });
await producer.connect();
const t0 = performance.now();
let next = 0;
let done = 0;
async function lane(): Promise<void> {
  while (next < sends) {
    next++;
    await producer.send({ topic: args.topic, acks: -1, messages });
    done++;
    if (done % 100 === 0) emit({ type: 'progress', phase: 'write', done: done * args.batch * args.valueBytes });
  }
}
await Promise.all(Array.from({ length: args.inFlight }, () => lane()));
const writeMs = performance.now() - t0;
await producer.disconnect();
emit({ type: 'mark', phase: 'written', bytes: done * args.batch * args.valueBytes, writeMs });

const consumer = kafka.consumer({ groupId: `${args.topic}-reader`, allowAutoTopicCreation: false });
await consumer.connect();
await consumer.subscribe({ topic: args.topic, fromBeginning: true });
let read = 0;
await new Promise<void>((resolve) => {
  void consumer.run({
    autoCommit: false,
    eachBatch: async ({ batch }) => {
      read += batch.messages.length;
      if (read >= args.readMessages) resolve();
    },
  });
});
await consumer.disconnect();
emit({ type: 'result', bytes: done * args.batch * args.valueBytes, writeMs, read });
process.exit(0);
