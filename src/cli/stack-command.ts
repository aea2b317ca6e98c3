import { existsSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { pino } from 'pino';
import yargs, { type Argv, type CommandModule } from 'yargs';
import { createKafkaClient } from '../kafka/create-kafka-client.ts';
import { CliError } from './cli-error.ts';
import { resolveBrokerAddress } from './broker-address.ts';
import { ensureBroker } from './ensure-broker.ts';
import { ProcessGroup, type ProcessExit } from './stack/process-group.ts';
import type { StackDefinition } from './stack/stack-definition.ts';
import { TopicFollower } from './stack/topic-follower.ts';
import { helpExamples } from './help-examples.ts';

interface StackArgs {
  file: string;
  broker?: string;
  logs: string;
  'summary-every': number;
  'data-dir': string;
  '--'?: Array<string | number>;
}

const TSX_LOADER = import.meta.resolve('tsx');

/** Loads and checks a stack file's default export. */
async function loadStack(file: string): Promise<StackDefinition> {
  const path = resolve(file);
  if (!existsSync(path)) throw new CliError(`No such stack file: ${file} — e.g. apps/ecommerce.stack.ts`);
  const stack = ((await import(pathToFileURL(path).href)) as { default?: StackDefinition }).default;
  if (!stack || !Array.isArray(stack.components) || stack.components.length === 0) {
    throw new CliError(`${file} has no stack: its default export must be { description, components: [{ name, file }, ...] } (see apps/ecommerce.stack.ts)`);
  }
  for (const c of stack.components) {
    if (!/^[a-zA-Z0-9._-]+$/.test(c.name)) throw new CliError(`${file}: component name "${c.name}" may hold letters, digits, '.', '_' and '-' (it names its log file)`);
    if (!existsSync(resolve(dirname(path), c.file))) throw new CliError(`${file}: component ${c.name} runs ${c.file}, which does not exist (paths are relative to the stack file)`);
  }
  return stack;
}

/** Writes `data` to `path` as JSON, atomically (a reader never sees half a file). */
function writeJson(path: string, data: unknown): void {
  writeFileSync(`${path}.tmp`, `${JSON.stringify(data, null, 2)}\n`);
  renameSync(`${path}.tmp`, path);
}

/**
 * Runs a stack: its components as separate processes (prefixed output, a log file each), a live
 * summary, and a clean stop on Ctrl-C. Resolves with the exit code: 0 when every component ended
 * well, 1 when one failed.
 *
 * @example
 * ```ts
 * process.exitCode = await runStack({ file: 'apps/ecommerce.stack.ts', address: 'localhost:9092', logs: 'logs', summaryEveryMs: 5000, dataDir: '.sluice/data', stackArgs: ['--rate', '20'] });
 * ```
 */
export async function runStack(o: { file: string; address: string; logs: string; summaryEveryMs: number; dataDir: string; stackArgs: string[] }): Promise<number> {
  const stack = await loadStack(o.file);
  const options = yargs(o.stackArgs)
    .scriptName(`sluice stack ${o.file} --`)
    .options(stack.options ?? {})
    .strict()
    .help(false)
    .version(false)
    .fail((message) => {
      throw new CliError(`${message} (options of ${o.file}: ${Object.keys(stack.options ?? {}).map((k) => `--${k}`).join(', ') || 'none'})`);
    })
    .parseSync() as Record<string, unknown>;
  const broker = await ensureBroker(o.address, o.dataDir);
  const color = Boolean(process.stdout.isTTY);
  let failed: ProcessExit | undefined;
  let stopping: Promise<ProcessExit[]> | undefined;
  const group = new ProcessGroup({
    logsDir: o.logs,
    print: (line) => console.log(line),
    color,
    names: stack.components.map((c) => c.name),
    onExit: (exit) => {
      const ok = exit.code === 0 || (stopping !== undefined && exit.signal === 'SIGINT');
      console.log(`[${exit.name}] ${ok ? 'exited' : 'FAILED'} (${exit.signal ?? `code ${exit.code}`}); log: ${join(o.logs, `${exit.name}.log`)}`);
      if (!ok && !failed) {
        failed = exit;
        stop();
      }
    },
  });
  const stop = (): Promise<ProcessExit[]> => (stopping ??= group.stop());
  let signals = 0;
  const onSignal = (): void => {
    signals++;
    if (signals === 1) {
      console.log('Stopping the stack (Ctrl-C again to kill it) ...');
      void stop();
    } else group.kill();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  const client = stack.summary ? createKafkaClient({ brokerAddress: o.address, clientId: 'sluice-stack', logger: pino({ level: 'silent' }) }) : undefined;
  const follower = stack.summary && client ? new TopicFollower(client, stack.summary.topics) : undefined;
  let shown = '';
  /** Writes summary.json every time; prints the summary when it changed, and at the end. */
  const summarize = (final: boolean): void => {
    if (!stack.summary || !follower) return;
    const data = stack.summary.data(follower);
    const status = Object.fromEntries(Object.entries(group.pids()).map(([name, pid]) => [name, { pid, running: group.isRunning(name) }]));
    writeJson(join(o.logs, 'summary.json'), { at: new Date().toISOString(), final, components: status, data });
    const text = stack.summary.render(data);
    if (final || text !== shown) console.log((shown = text));
  };
  try {
    console.log(`${stack.description}: starting ${stack.components.map((c) => c.name).join(', ')} against ${o.address}; logs in ${o.logs}/; Ctrl-C stops everything`);
    const dir = dirname(resolve(o.file));
    for (const c of stack.components) {
      group.start({
        name: c.name,
        command: process.execPath,
        args: ['--import', TSX_LOADER, resolve(dir, c.file), '--broker', o.address, ...(c.args?.(options) ?? [])],
        env: { ...process.env, SLUICE_BROKER_ADDRESS: o.address },
      });
    }
    follower?.start();
    const timer = follower ? setInterval(() => summarize(false), o.summaryEveryMs) : undefined;
    await group.finished();
    clearInterval(timer);
    await stopping;
    summarize(true);
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await follower?.stop();
    await client?.close();
    await broker?.close();
  }
  return failed ? 1 : 0;
}

/** `sluice stack <file> [--broker H:P] [--logs DIR] [-- stack options]` */
export const stackCommand: CommandModule<object, StackArgs> = {
  command: 'stack <file>',
  describe: 'Run a whole system: every app of a stack file as its own process, prefixed output, a log file each, a live summary, Ctrl-C stops all',
  builder: (y: Argv) =>
    y
      .positional('file', { type: 'string', demandOption: true, describe: 'Stack file, e.g. apps/ecommerce.stack.ts' })
      .option('broker', { type: 'string', describe: 'Broker address for every component; when nothing answers there, the embedded broker is started on it (default localhost:9092)' })
      .option('logs', { type: 'string', default: 'logs', describe: 'Directory of the log files (<component>.log, summary.json)' })
      .option('summary-every', { type: 'number', default: 5, describe: 'Seconds between summaries' })
      .option('data-dir', { type: 'string', default: '.sluice/data', describe: 'Data dir of the embedded broker, if one is started' })
      .example(
        helpExamples([
          ['$0 stack apps/ecommerce.stack.ts', 'The e-commerce system: producer, revenue aggregator, customer behaviour'],
          ['$0 stack apps/ecommerce.stack.ts -- --rate 20 --count 1000', "Options of the stack file after --"],
        ]),
      ) as unknown as Argv<StackArgs>,
  handler: async (argv) => {
    if (!(argv['summary-every'] > 0)) throw new CliError(`--summary-every must be > 0 seconds, got ${argv['summary-every']}`);
    process.exitCode = await runStack({
      file: argv.file,
      address: resolveBrokerAddress(argv.broker),
      logs: argv.logs,
      summaryEveryMs: argv['summary-every'] * 1000,
      dataDir: argv['data-dir'],
      stackArgs: (argv['--'] ?? []).map(String),
    });
  },
};
