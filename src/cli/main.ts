// The sluice command line: `sluice <command> [options]`. bin/sluice.mjs starts this file through tsx.
import { readFileSync } from 'node:fs';
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { CliError } from './cli-error.ts';
import { runCommand } from './run-command.ts';
import { brokerCommand } from './broker-command.ts';
import { demoCommand } from './demo-command.ts';
import { topicsCommand } from './topics-command.ts';
import { consumeCommand } from './consume-command.ts';
import { produceCommand } from './produce-command.ts';
import { stackCommand } from './stack-command.ts';
import { consumerGroupsCommand } from './consumer-groups-command.ts';
import { checkCommand } from './check-command.ts';
import { helpExamples, helpWidth } from './help-examples.ts';

const packageJson = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
const verbose = process.argv.includes('--verbose');

/** Prints an error the way the CLI reports every failure: one clear line, the stack only with --verbose. */
function report(error: unknown): void {
  if (verbose && error instanceof Error) {
    console.error(error.stack ?? error.message);
    if (error.cause !== undefined) console.error('Caused by:', error.cause);
    return;
  }
  const message = error instanceof Error ? error.message : String(error);
  const name = error instanceof Error && !(error instanceof CliError) && error.name !== 'Error' ? `${error.name}: ` : '';
  console.error(`sluice: ${name}${message}`);
  if (!(error instanceof CliError)) console.error('(run with --verbose for the stack trace)');
}

/** The unknown flags of a yargs "Unknown argument(s): a, b" message, as typed ("--bogus"); undefined for other messages. */
function unknownFlags(message: string): string[] | undefined {
  const match = /^Unknown arguments?: (.*)$/.exec(message);
  if (!match) return undefined;
  const typed = match[1].split(', ').map((name) => {
    const kebab = name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
    const flag = process.argv.find((a) => [`--${name}`, `--${kebab}`, `-${name}`].includes(a.split('=')[0]));
    return flag ? flag.split('=')[0] : name;
  });
  return [...new Set(typed)];
}

/**
 * `sluice run app.ts --count 5`: flags sluice run does not know are the app's. Says so, with the
 * command line that passes them after `--` (each unknown flag with the value that follows it).
 */
function appFlagsAdvice(unknown: readonly string[]): string | undefined {
  const args = hideBin(process.argv);
  if (args[0] !== 'run' || args.includes('--')) return undefined;
  const ours: string[] = [];
  const app: string[] = [];
  for (let i = 0; i < args.length; i += 1) {
    const arg = args[i]!;
    if (!unknown.includes(arg.split('=')[0]!)) {
      ours.push(arg);
      continue;
    }
    app.push(arg);
    if (!arg.includes('=') && i + 1 < args.length && !args[i + 1]!.startsWith('-')) app.push(args[++i]!);
  }
  const flags = unknown.join(', ');
  return `${flags} ${unknown.length > 1 ? 'are not flags' : 'is not a flag'} of sluice run; flags for the app go after --:\n  sluice ${ours.join(' ')} -- ${app.join(' ')}`;
}

function fail(error: unknown): never {
  report(error);
  process.exit(error instanceof CliError ? error.exitCode : 1);
}

// An app started by `sluice run` may fail after its module finished loading (inside app.run()).
process.on('unhandledRejection', fail);
process.on('uncaughtException', fail);

const cli = yargs(hideBin(process.argv))
  .scriptName('sluice')
  .usage('$0 <command> [options]\n\nStream processing on Kafka with typed TypeScript pipelines.')
  .parserConfiguration({ 'populate--': true })
  .command(runCommand)
  .command(checkCommand)
  .command(brokerCommand)
  .command(demoCommand)
  .command(topicsCommand)
  .command(consumeCommand)
  .command(produceCommand)
  .command(stackCommand)
  .command(consumerGroupsCommand)
  .option('verbose', { type: 'boolean', default: false, describe: 'Show stack traces of errors' })
  .demandCommand(1, 'Name a command, e.g. `sluice demo` (see the list above)')
  .recommendCommands()
  .strict()
  .example(
    helpExamples([
      ['$0 demo', 'Start a broker if none runs, run the jokes word-count pipeline, print the top words'],
      ['$0 run apps/jokes-producer.ts --broker localhost:9092', 'Run one app'],
      ['$0 consume words --from-beginning --key', 'Print the records of a topic'],
    ]),
  )
  .version(packageJson.version)
  .alias('h', 'help')
  .help()
  .wrap(helpWidth())
  .fail((message, error, y) => {
    if (error) throw error;
    const unknown = unknownFlags(message);
    const advice = unknown && appFlagsAdvice(unknown);
    if (advice) {
      console.error(`sluice: ${advice}`);
      process.exit(1);
    }
    y.showHelp('error');
    const named = unknown ? `Unknown argument${unknown.length > 1 ? 's' : ''}: ${unknown.join(', ')} — see the options above` : message;
    console.error(`\nsluice: ${named}`);
    process.exit(1);
  });

try {
  await cli.parseAsync();
} catch (error) {
  fail(error);
}
