// Worker of the pipeline benchmark: the text-splitter written with sluice's DSL.
// Emits {"type":"first"} with Date.now() when the first input message is processed; runs until SIGTERM.
import { Application } from '../../src/index.ts';
import { emit } from '../lib/run-worker.ts';
import { splitWords, type BenchJoke, type WordRecord } from '../lib/split-words.ts';

const args = JSON.parse(process.argv[2]) as { broker: string; input: string; output: string; group: string };
let first = 0;

const app = new Application({ brokerAddress: args.broker, consumerGroup: args.group, autoOffsetReset: 'earliest', logLevel: 'warn', autoCreateTopics: false });
const jokes = app.topic<BenchJoke>(args.input);
const words = app.topic<WordRecord>(args.output);
app
  .dataframe(jokes)
  .expand((joke): WordRecord[] => {
    if (first === 0) {
      first = Date.now();
      emit({ type: 'first', t: first });
    }
    return splitWords(joke.text).map((word) => ({ word, joke_id: joke.id }));
  })
  .toTopic(words, { key: (record) => record.word });

process.once('SIGTERM', () => void app.stop());
await app.run();
emit({ type: 'result', processed: app.stats });
process.exit(0);
