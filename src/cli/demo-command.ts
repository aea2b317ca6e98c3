import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Argv, CommandModule } from 'yargs';
import { CliError } from './cli-error.ts';
import { resolveBrokerAddress } from './broker-address.ts';
import { untilSignal } from './broker-command.ts';
import { ensureBroker } from './ensure-broker.ts';
import { cliKafka } from './kafka-client.ts';
import { groupLag, topicEnd, waitForPipeline, type PipelineStage, type StageStats } from './pipeline-progress.ts';
import { rebalanceDemoCommand } from './rebalance-demo-command.ts';
import { helpExamples } from './help-examples.ts';

interface DemoArgs {
  broker?: string;
  seconds: number;
  follow: boolean;
  top: number;
  'data-dir': string;
  'state-dir'?: string;
}

/** What the demo needs from a running pipeline app. */
interface RunnableApp {
  run(): Promise<void>;
  stop(): Promise<void> | void;
  readonly stats: StageStats;
}

/** The app files the demo loads (the same files `sluice run` runs). */
interface DemoModules {
  produceJokes(options: { broker: string; quiet?: boolean; logLevel?: 'warn' }): Promise<{ produced: number; partitions: number }>;
  createTextSplitter(options: { broker: string; logLevel?: 'warn' }): RunnableApp;
  createWordCounter(options: { broker: string; logLevel?: 'warn'; stateDir?: string }): RunnableApp;
}

const APPS_DIR = fileURLToPath(new URL('../../apps/', import.meta.url));

async function loadApp<T>(file: string): Promise<T> {
  const path = `${APPS_DIR}${file}`;
  if (!existsSync(path)) throw new CliError(`The demo needs ${path}, which is missing — run the demo from a sluice checkout`);
  return (await import(pathToFileURL(path).href)) as T;
}

async function loadDemoModules(): Promise<DemoModules> {
  const producer = await loadApp<Pick<DemoModules, 'produceJokes'>>('jokes-producer.ts');
  const splitter = await loadApp<Pick<DemoModules, 'createTextSplitter'>>('text-splitter.ts');
  const counter = await loadApp<Pick<DemoModules, 'createWordCounter'>>('word-counter.ts');
  return { produceJokes: producer.produceJokes, createTextSplitter: splitter.createTextSplitter, createWordCounter: counter.createWordCounter };
}

/**
 * Reads the latest `{ word, count }` per key of `word-counts` (from the beginning, until the end
 * offsets seen at the start) and returns the `top` highest counts.
 *
 * @example
 * ```ts
 * const top = await readTopWords('localhost:9092', 10); // [['the', 41], ['a', 30], ...]
 * ```
 */
export async function readTopWords(address: string, top: number, topic = 'word-counts'): Promise<Array<[string, number]>> {
  const kafka = cliKafka(address, 'sluice-demo-report');
  const admin = kafka.admin();
  await admin.connect();
  let ends: Map<number, bigint>;
  try {
    if (!(await admin.listTopics()).includes(topic)) return [];
    ends = new Map((await admin.fetchTopicOffsets(topic)).map((o) => [o.partition, BigInt(o.high)]));
  } finally {
    await admin.disconnect();
  }
  if ([...ends.values()].every((high) => high === 0n)) return [];
  const latest = new Map<string, number>();
  const readUpTo = new Map<number, bigint>();
  const consumer = kafka.consumer({ groupId: `sluice-demo-report-${process.pid}-${Date.now()}`, maxWaitTimeInMs: 200 });
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    let finish: () => void = () => {};
    const finished = new Promise<void>((resolve) => (finish = resolve));
    const timer = setTimeout(finish, 30_000);
    await consumer.run({
      autoCommit: false,
      eachBatch: async ({ batch }) => {
        for (const message of batch.messages) {
          readUpTo.set(batch.partition, BigInt(message.offset) + 1n);
          if (message.value === null) continue;
          const parsed = JSON.parse(message.value.toString('utf8')) as { word?: string; count?: number };
          if (typeof parsed.word === 'string' && typeof parsed.count === 'number') latest.set(parsed.word, parsed.count);
        }
        if ([...ends].every(([partition, high]) => (readUpTo.get(partition) ?? 0n) >= high)) finish();
      },
    });
    await finished;
    clearTimeout(timer);
  } finally {
    await consumer.disconnect();
  }
  return [...latest].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).slice(0, top);
}

async function ensureTopics(address: string, topics: string[]): Promise<void> {
  const admin = cliKafka(address, 'sluice-demo-admin').admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const missing = topics.filter((t) => !existing.has(t));
    if (missing.length > 0) await admin.createTopics({ waitForLeaders: true, topics: missing.map((topic) => ({ topic })) });
  } finally {
    await admin.disconnect();
  }
}

/**
 * The demo pipeline: produce the jokes, split them into words, count the words, print the top.
 *
 * @example
 * ```ts
 * await runDemo({ address: 'localhost:9092', seconds: 60, follow: false, top: 10, dataDir: '.sluice/data' });
 * ```
 */
export async function runDemo(options: { address: string; seconds: number; follow: boolean; top: number; dataDir: string; stateDir?: string }): Promise<void> {
  const broker = await ensureBroker(options.address, options.dataDir);
  const apps: RunnableApp[] = [];
  const running: Promise<void>[] = [];
  try {
    const modules = await loadDemoModules();
    await ensureTopics(options.address, ['jokes', 'words', 'word-counts']);
    const { produced, partitions } = await modules.produceJokes({ broker: options.address, quiet: true, logLevel: 'warn' });
    console.log(`jokes-producer: produced ${produced} jokes to "jokes" (${partitions} partition(s))`);
    const splitter = modules.createTextSplitter({ broker: options.address, logLevel: 'warn' });
    const counter = modules.createWordCounter({ broker: options.address, logLevel: 'warn', stateDir: options.stateDir });
    const admin = cliKafka(options.address, 'sluice-demo-progress').admin();
    await admin.connect();
    try {
      const stages: PipelineStage[] = [
        { stats: splitter.stats, backlog: await groupLag(admin, { groupId: 'text-splitter', topic: 'jokes' }), output: { topic: 'words', endAtStart: await topicEnd(admin, 'words') } },
        { stats: counter.stats, backlog: await groupLag(admin, { groupId: 'word-counter', topic: 'words' }), output: { topic: 'word-counts', endAtStart: await topicEnd(admin, 'word-counts') } },
      ];
      let failed: unknown;
      for (const app of [splitter, counter]) {
        apps.push(app);
        running.push(app.run().catch((error: unknown) => void (failed ??= error)));
      }
      console.log('text-splitter and word-counter are running ...');
      let interrupted = false;
      const signal = untilSignal().then(() => (interrupted = true));
      const deadline = Date.now() + options.seconds * 1000;
      const caughtUp = await waitForPipeline(admin, stages, deadline, () => interrupted || failed !== undefined);
      if (failed !== undefined) throw failed;
      if (!interrupted) {
        console.log(caughtUp ? 'All jokes processed.' : `Stopped waiting after ${options.seconds}s (not everything was processed yet).`);
        await printTopWords(options.address, options.top);
      }
      if (options.follow && !interrupted) {
        console.log('Following (--follow): produce more with `npx sluice run apps/jokes-producer.ts`; Ctrl-C to stop.');
        let reported = counter.stats.processed;
        const report = setInterval(() => {
          if (counter.stats.processed === reported) return;
          reported = counter.stats.processed;
          void printTopWords(options.address, options.top).catch((error: unknown) => console.error(`sluice: could not read word-counts: ${(error as Error).message}`));
        }, 5_000);
        await signal;
        clearInterval(report);
      }
    } finally {
      await admin.disconnect();
    }
  } finally {
    await Promise.all(apps.map((app) => app.stop()));
    await Promise.all(running);
    await broker?.close();
  }
}

async function printTopWords(address: string, top: number): Promise<void> {
  const words = await readTopWords(address, top);
  if (words.length === 0) {
    console.log('No word counts yet.');
    return;
  }
  console.log(`Top ${words.length} words (topic "word-counts"):`);
  const width = Math.max(...words.map(([w]) => w.length));
  for (const [word, count] of words) console.log(`  ${word.padEnd(width)}  ${count}`);
}

/** `sluice demo [--broker H:P] [--seconds N] [--follow]` */
export const demoCommand: CommandModule<object, DemoArgs> = {
  command: 'demo',
  describe: 'Run the jokes word-count pipeline (starts a broker if none answers)',
  builder: (yargs: Argv) =>
    yargs
      .option('broker', { type: 'string', describe: 'Broker address; when nothing answers there, the embedded broker is started on it (default localhost:9092)' })
      .option('seconds', { type: 'number', default: 120, describe: 'Give up waiting for the pipeline after this many seconds' })
      .option('follow', { type: 'boolean', default: false, describe: 'Keep the pipeline running after the report, until Ctrl-C' })
      .option('top', { type: 'number', default: 10, describe: 'How many top words to print' })
      .option('data-dir', { type: 'string', default: '.sluice/data', describe: 'Data dir of the embedded broker, if one is started' })
      .option('state-dir', { type: 'string', describe: "Where word-counter keeps its durable counts (default: the app's ./state)" })
      .command(rebalanceDemoCommand)
      .example(
        helpExamples([
          ['$0 demo', 'Produce, split and count the sample jokes; print the top 10 words'],
          ['$0 demo --follow', 'Keep the pipeline running afterwards'],
          ['$0 demo --broker 127.0.0.1:19092 --top 20', 'Use (or start) a broker on another port'],
          ['$0 demo rebalance', 'Walk through consumer-group rebalancing instead (seed 004)'],
        ]),
      ) as unknown as Argv<DemoArgs>,
  handler: async (argv) => {
    if (!(argv.seconds > 0)) throw new CliError(`--seconds must be > 0, got ${argv.seconds}`);
    await runDemo({ address: resolveBrokerAddress(argv.broker), seconds: argv.seconds, follow: argv.follow, top: argv.top, dataDir: argv['data-dir'], stateDir: argv['state-dir'] });
  },
};
