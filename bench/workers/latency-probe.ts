// Probe of the latency benchmark (its own process): reads the pipeline's output topic with the
// native client and records, for every record past the warm-up (the generator's record number
// `(id - 1) / 4` at least `warmup`), the time from its timestamp (when the load generator sent the
// input) to now. Prints {"type":"ready"} once it is assigned the topic, and
// {"type":"result",p50,p99,max,count} once `expected` measured records arrived or `timeoutMs` passed.
import { pino } from 'pino';
import { createKafkaClient } from '../../src/kafka/create-kafka-client.ts';
import { emit } from '../lib/run-worker.ts';

const args = JSON.parse(process.argv[2]) as { broker: string; topic: string; group: string; warmup: number; expected: number; timeoutMs: number };
const client = createKafkaClient({ brokerAddress: args.broker, clientId: 'bench-probe', logger: pino({ level: 'warn' }), client: 'native' });
const consumer = client.consumer({ groupId: args.group, topics: [args.topic], fromBeginning: true, maxWaitMs: 100, isolationLevel: 'read_uncommitted' });
const latencies: number[] = [];
let ready = false;
const deadline = Date.now() + args.timeoutMs;
const done = new Promise<void>((resolve) => {
  const timer = setInterval(() => {
    if (Date.now() > deadline) resolve();
  }, 200);
  void consumer.run({
    onAssignment: () => {
      if (!ready) emit({ type: 'ready' });
      ready = true;
    },
    onBatch: async (batch) => {
      const now = Date.now();
      for (const m of batch.messages) {
        const n = ((JSON.parse(m.value!.toString()) as { id: number }).id - 1) / 4;
        if (n >= args.warmup) latencies.push(now - m.timestamp);
      }
      if (latencies.length >= args.expected) {
        clearInterval(timer);
        resolve();
      }
    },
  });
});
await done;
await consumer.stop();
await client.close();
latencies.sort((a, b) => a - b);
const at = (q: number): number | null => (latencies.length === 0 ? null : latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))]!);
emit({ type: 'result', count: latencies.length, p50: at(0.5), p99: at(0.99), max: latencies.length ? latencies[latencies.length - 1]! : null });
process.exit(0);
