// Worker of the client-throughput benchmark: with the client named in the args ('native' or
// 'kafkajs'), produces `count` values of `valueBytes` bytes to a new 1-partition topic in sends
// of `batch` records with `inFlight` sends outstanding (acks -1), then reads them back with a
// consumer group. Prints {"type":"result", produceMsgsPerSec, produceCpuSeconds, fetchMsgsPerSec, fetchCpuSeconds}.
import { pino } from 'pino';
import { createKafkaClient } from '../../src/kafka/create-kafka-client.ts';
import type { KafkaClientKind } from '../../src/kafka/kafka-client.ts';
import type { OutgoingRecord } from '../../src/topics/message-context.ts';
import { emit } from '../lib/run-worker.ts';

const args = JSON.parse(process.argv[2]) as { broker: string; topic: string; count: number; batch: number; valueBytes: number; inFlight: number; client: KafkaClientKind };
const client = createKafkaClient({ brokerAddress: args.broker, clientId: `bench-${args.client}`, logger: pino({ level: 'warn' }), client: args.client });
await client.admin.createTopics([{ name: args.topic, numPartitions: 1, replicationFactor: 1 }]);
const value = Buffer.alloc(args.valueBytes, 'x');
const sends: OutgoingRecord[][] = [];
for (let sent = 0; sent < args.count; sent += args.batch) {
  sends.push(Array.from({ length: Math.min(args.batch, args.count - sent) }, () => ({ topic: args.topic, key: null, value, headers: {}, timestamp: Date.now() })));
}
const cpu = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};

const producer = client.producer();
await producer.send([{ topic: args.topic, key: null, value, headers: {}, timestamp: Date.now() }]); // connection and metadata, outside the timing
const c0 = cpu();
const p0 = performance.now();
let next = 0;
await Promise.all(
  Array.from({ length: args.inFlight }, async () => {
    while (next < sends.length) await producer.send(sends[next++]!);
  }),
);
const produceMs = performance.now() - p0;
const produceCpu = cpu() - c0;
await producer.close();

const total = args.count + 1;
let fetched = 0;
let f0 = 0;
let c1 = 0;
const consumer = client.consumer({ groupId: `${args.topic}-reader`, topics: [args.topic], fromBeginning: true });
let finish!: () => void;
const done = new Promise<void>((r) => (finish = r));
const running = consumer.run({
  onAssignment: () => {},
  onBatch: async (batch) => {
    if (f0 === 0) {
      f0 = performance.now();
      c1 = cpu();
    }
    fetched += batch.messages.length;
    if (fetched >= total) finish();
  },
});
await done;
const fetchMs = performance.now() - f0;
const fetchCpu = cpu() - c1;
await consumer.stop();
await running.catch(() => undefined);
await client.close();
emit({ type: 'result', produceMsgsPerSec: args.count / (produceMs / 1000), produceCpuSeconds: produceCpu, fetchMsgsPerSec: total / (fetchMs / 1000), fetchCpuSeconds: fetchCpu });
process.exit(0);
