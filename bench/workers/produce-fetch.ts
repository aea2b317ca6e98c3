// Worker of the broker-throughput benchmark (runs in its own process, apart from the broker):
// produces `count` messages with `valueBytes`-byte values in sends of `batch` messages (acks -1,
// no compression, one send in flight), again with `inFlight` sends in flight to a second topic,
// then reads the first topic back with a consumer group.
// Prints {"type":"result","produceMsgsPerSec","fetchMsgsPerSec",...}.
import { Kafka, logLevel, type Message } from 'kafkajs';
import { emit } from '../lib/run-worker.ts';

interface Args {
  broker: string;
  topic: string;
  count: number;
  batch: number;
  valueBytes: number;
  inFlight: number;
}

const args = JSON.parse(process.argv[2]) as Args;
const kafka = new Kafka({ clientId: 'bench-produce-fetch', brokers: [args.broker], logLevel: logLevel.ERROR });

const admin = kafka.admin();
await admin.connect();
await admin.createTopics({ waitForLeaders: true, topics: [{ topic: args.topic, numPartitions: 1 }, { topic: `${args.topic}-warmup`, numPartitions: 1 }, { topic: `${args.topic}-parallel`, numPartitions: 1 }] });
await admin.disconnect();

const value = Buffer.alloc(args.valueBytes, 'x');
const batches: Message[][] = [];
for (let sent = 0; sent < args.count; sent += args.batch) {
  const n = Math.min(args.batch, args.count - sent);
  batches.push(Array.from({ length: n }, () => ({ value })));
}

const producer = kafka.producer({ allowAutoTopicCreation: false });
await producer.connect();
// One warm-up send (connection, metadata) outside the timed section, to a different topic.
await producer.send({ topic: `${args.topic}-warmup`, messages: [{ value }] });
const p0 = performance.now();
let produced = 0;
for (const messages of batches) {
  await producer.send({ topic: args.topic, acks: -1, messages });
  produced += messages.length;
  if (produced % (args.batch * 50) === 0) emit({ type: 'progress', phase: 'produce', done: produced });
}
const produceMs = performance.now() - p0;

// The same messages again to a second topic with `inFlight` sends outstanding at a time.
const p1 = performance.now();
let next = 0;
async function lane(): Promise<void> {
  while (next < batches.length) {
    const messages = batches[next++];
    await producer.send({ topic: `${args.topic}-parallel`, acks: -1, messages });
  }
}
await Promise.all(Array.from({ length: args.inFlight }, () => lane()));
const parallelMs = performance.now() - p1;
await producer.disconnect();
emit({ type: 'progress', phase: 'produce', done: produced });

const consumer = kafka.consumer({ groupId: `${args.topic}-reader`, allowAutoTopicCreation: false });
await consumer.connect();
await consumer.subscribe({ topic: args.topic, fromBeginning: true });
let fetched = 0;
let f0 = 0;
let lastProgress = 0;
const fetchMs = await new Promise<number>((resolve) => {
  void consumer.run({
    autoCommit: false,
    eachBatch: async ({ batch }) => {
      if (f0 === 0) f0 = performance.now();
      fetched += batch.messages.length;
      if (fetched - lastProgress >= 50_000) {
        lastProgress = fetched;
        emit({ type: 'progress', phase: 'fetch', done: fetched });
      }
      if (fetched >= args.count) resolve(performance.now() - f0);
    },
  });
});
await consumer.disconnect();
emit({
  type: 'result',
  produced,
  fetched,
  produceMs,
  fetchMs,
  produceMsgsPerSec: produced / (produceMs / 1000),
  fetchMsgsPerSec: fetched / (fetchMs / 1000),
  produceParallelMsgsPerSec: produced / (parallelMs / 1000),
  produceMBPerSec: (produced * args.valueBytes) / 1e6 / (produceMs / 1000),
});
process.exit(0);
