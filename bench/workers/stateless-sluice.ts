// Worker of the stateless benchmark: consume → filter → transform → produce written with sluice's
// DSL, on the client named in the args ('native' or 'kafkajs').
// Emits {"type":"first"} when the first input message is processed; runs until SIGTERM.
import { Application, type KafkaClientKind } from '../../src/index.ts';
import { keepEvent, reshapeEvent, type ClickEvent, type ClickOut } from '../lib/clickstream.ts';
import { emit } from '../lib/run-worker.ts';

const args = JSON.parse(process.argv[2]) as { broker: string; input: string; output: string; group: string; client: KafkaClientKind };
let first = 0;

const app = new Application({ brokerAddress: args.broker, consumerGroup: args.group, autoOffsetReset: 'earliest', logLevel: 'warn', autoCreateTopics: false, client: args.client });
app
  .dataframe(app.topic<ClickEvent>(args.input))
  .filter((e) => {
    if (first === 0) {
      first = Date.now();
      emit({ type: 'first', t: first });
    }
    return keepEvent(e);
  })
  .apply(reshapeEvent)
  .toTopic(app.topic<ClickOut>(args.output), { key: (o) => o.user });

process.once('SIGTERM', () => void app.stop());
await app.run();
emit({ type: 'result', processed: app.stats.processed, rssMb: process.memoryUsage.rss() / 2 ** 20 });
process.exit(0);
