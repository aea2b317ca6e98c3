// Worker of the stateful benchmark, sluice side. Modes:
//   count   keyed running count with durable state (LMDB + changelog), one output per input
//   window  1 s tumbling-window sum of `amount` per key, `.current()` (one output per input)
// Emits {"type":"first"} at the first processed message. Recovery timing comes from the app's own
// "recovering state from changelog" / "state recovered" log lines (pino JSON, level info), which
// the parent reads when it restarts the count app on an emptied state dir. Runs until SIGTERM.
import { Application, Sum, type State } from '../../src/index.ts';
import { emit } from '../lib/run-worker.ts';

interface Event {
  key: string;
  amount: number;
}

const args = JSON.parse(process.argv[2]) as {
  broker: string;
  input: string;
  output: string;
  group: string;
  mode: 'count' | 'window';
  stateDir: string;
  /** The guarantees benchmark sets these; the stateful one leaves the app's defaults. */
  guarantee?: 'at-least-once' | 'exactly-once';
  commitInterval?: number;
  client?: 'kafkajs' | 'native';
};
let first = 0;
const mark = (): void => {
  if (first === 0) {
    first = Date.now();
    emit({ type: 'first', t: first });
  }
};

const app = new Application({
  brokerAddress: args.broker,
  consumerGroup: args.group,
  autoOffsetReset: 'earliest',
  logLevel: 'info',
  stateDir: args.stateDir,
  ...(args.guarantee ? { processingGuarantee: args.guarantee } : {}),
  ...(args.commitInterval ? { commitInterval: args.commitInterval } : {}),
  ...(args.client ? { client: args.client } : {}),
});
const events = app.topic<Event>(args.input);
const sdf = app.dataframe(events).update(mark);
if (args.mode === 'count') {
  const out = app.topic<{ key: string; count: number }>(args.output);
  sdf
    .apply((e: Event, state: State) => {
      const count = (state.get('count', 0) as number) + 1;
      state.set('count', count);
      return { key: e.key, count };
    }, { stateful: true })
    .toTopic(out);
} else {
  const out = app.topic<unknown>(args.output);
  sdf.tumblingWindow({ duration: '1s' }).agg({ total: Sum('amount') }).current().toTopic(out);
}

process.once('SIGTERM', () => void app.stop());
await app.run();
emit({ type: 'result', stats: app.stats });
process.exit(0);
