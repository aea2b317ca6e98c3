// Load generator of the latency benchmark (its own process): produces click events to `topic` at
// `rate` msgs/s for `seconds`, every record stamped with the wall-clock time it is handed to the
// producer (its Kafka timestamp), in ticks of 5 ms, with the native producer (no linger).
// Prints {"type":"result","sent":N} when done.
import { pino } from 'pino';
import { createKafkaClient } from '../../src/kafka/create-kafka-client.ts';
import type { OutgoingRecord } from '../../src/topics/message-context.ts';
import { clickEvent } from '../lib/clickstream.ts';
import { emit } from '../lib/run-worker.ts';

const args = JSON.parse(process.argv[2]) as { broker: string; topic: string; rate: number; seconds: number };
const TICK_MS = 5;
const client = createKafkaClient({ brokerAddress: args.broker, clientId: 'bench-load', logger: pino({ level: 'warn' }), client: 'native' });
const producer = client.producer({ lingerMs: 0 });
const total = Math.round(args.rate * args.seconds);
const started = Date.now();
let sent = 0;
const sends: Promise<void>[] = [];
while (sent < total) {
  const due = Math.min(total, Math.floor(((Date.now() - started) / 1000) * args.rate));
  if (due > sent) {
    const now = Date.now();
    const records: OutgoingRecord[] = [];
    for (; sent < due; sent++) {
      const e = clickEvent(sent * 4 + 1); // never a page view: every record passes the filter
      records.push({ topic: args.topic, key: Buffer.from(e.user), value: Buffer.from(JSON.stringify(e)), headers: {}, timestamp: now });
    }
    sends.push(producer.send(records));
  }
  await new Promise((r) => setTimeout(r, TICK_MS));
}
await Promise.all(sends);
await producer.close();
await client.close();
emit({ type: 'result', sent, seconds: (Date.now() - started) / 1000 });
process.exit(0);
