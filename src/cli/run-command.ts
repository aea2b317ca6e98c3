import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Argv, CommandModule } from 'yargs';
import { applicationCount } from '../app/application.ts';
import { CliError } from './cli-error.ts';
import { resolveBrokerAddress } from './broker-address.ts';
import { checkFiles } from './check/check-files.ts';
import { reportTypeErrors } from './check-command.ts';
import { helpExamples } from './help-examples.ts';

interface RunArgs {
  file: string;
  broker?: string;
  'dead-letter-topic'?: string;
  check: boolean;
  guarantee?: 'at-least-once' | 'exactly-once';
  '--'?: Array<string | number>;
}

/**
 * Runs an app file in this process: sets `SLUICE_BROKER_ADDRESS` from `--broker` (and
 * `SLUICE_DEAD_LETTER_TOPIC` from `deadLetterTopic` and `SLUICE_PROCESSING_GUARANTEE` from `guarantee`,
 * read by every Application), makes
 * `process.argv` look as if the file had been started directly with the arguments after `--`, and
 * imports it. Resolves when the module's top-level code has finished (a long-running app keeps the
 * process alive afterwards); warns on stderr when the file created no Application.
 *
 * @example
 * ```ts
 * await runAppFile({ file: 'apps/jokes-producer.ts', broker: 'localhost:9092', appArgs: ['--count', '5'] });
 * ```
 */
export async function runAppFile(options: { file: string; broker?: string; deadLetterTopic?: string; guarantee?: string; appArgs?: string[] }): Promise<void> {
  const path = resolve(options.file);
  if (!existsSync(path) || !statSync(path).isFile()) {
    throw new CliError(`No such app file: ${options.file} — try \`ls apps/\``);
  }
  if (options.broker !== undefined) {
    process.env.SLUICE_BROKER_ADDRESS = resolveBrokerAddress(options.broker);
  }
  if (options.deadLetterTopic !== undefined) process.env.SLUICE_DEAD_LETTER_TOPIC = options.deadLetterTopic;
  if (options.guarantee !== undefined) process.env.SLUICE_PROCESSING_GUARANTEE = options.guarantee;
  process.argv = [process.argv[0], path, ...(options.appArgs ?? [])];
  const before = applicationCount();
  await import(pathToFileURL(path).href);
  if (applicationCount() === before) {
    process.stderr.write(`sluice: ${options.file} ran but created no sluice Application — is it an app? App files create \`new Application(...)\` (see apps/)\n`);
  }
}

/** `sluice run <file.ts> [--broker HOST:PORT] [--no-check] [-- app args]` */
export const runCommand: CommandModule<object, RunArgs> = {
  command: 'run <file>',
  describe: 'Run a pipeline app file (TypeScript) in this process',
  builder: (yargs: Argv) =>
    yargs
      .positional('file', { type: 'string', demandOption: true, describe: 'App file, e.g. apps/word-counter.ts' })
      .option('broker', { type: 'string', describe: 'Kafka bootstrap address host:port (sets SLUICE_BROKER_ADDRESS)' })
      .option('dead-letter-topic', {
        type: 'string',
        describe: 'Write messages that cannot be deserialized or that a step fails on to this topic, with the error in headers, and go on (sets SLUICE_DEAD_LETTER_TOPIC)',
      })
      .option('guarantee', {
        choices: ['at-least-once', 'exactly-once'] as const,
        describe: "Processing guarantee: 'exactly-once' writes each checkpoint's outputs, state changes and offsets in one Kafka transaction (sets SLUICE_PROCESSING_GUARANTEE; default at-least-once)",
      })
      .option('check', { type: 'boolean', default: true, describe: 'Type-check the file first and do not start it on errors (cached: an unchanged file is not checked again); --no-check skips' })
      .example(
        helpExamples([
          ['$0 run apps/jokes-producer.ts', 'Produce the sample jokes to localhost:9092'],
          ['$0 run apps/word-counter.ts --broker 127.0.0.1:19092', 'Count words against another broker'],
          ['$0 run apps/jokes-producer.ts -- --count 10 --rate 5', 'Pass flags to the app after --'],
          ['$0 run apps/word-counter.ts --dead-letter-topic word-counter-dlq', 'Park bad messages instead of stopping'],
          ['$0 run apps/word-counter.ts --guarantee exactly-once', 'Count words with Kafka transactions: no repeated counts after a crash'],
        ]),
      ) as unknown as Argv<RunArgs>,
  handler: async (argv) => {
    const appArgs = (argv['--'] ?? []).map(String);
    if (argv.check && /\.[cm]?tsx?$/.test(argv.file) && existsSync(argv.file)) {
      reportTypeErrors(await checkFiles([argv.file]), `${argv.file} was not started; fix them, or run with --no-check to start it anyway`);
    }
    await runAppFile({ file: argv.file, broker: argv.broker, deadLetterTopic: argv['dead-letter-topic'], guarantee: argv.guarantee, appArgs });
  },
};
