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

/** yargs says "Unknown argument: bogus"; name it as typed ("--bogus") so the user finds it. */
function nameFlags(message: string): string {
  const match = /^(Unknown arguments?): (.*)$/.exec(message);
  if (!match) return message;
  const typed = match[2].split(', ').map((name) => {
    const kebab = name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
    const flag = process.argv.find((a) => [`--${name}`, `--${kebab}`, `-${name}`].includes(a.split('=')[0]));
    return flag ? flag.split('=')[0] : name;
  });
  const unique = [...new Set(typed)];
  return `Unknown argument${unique.length > 1 ? 's' : ''}: ${unique.join(', ')} — see the options above`;
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
  .example('$0 demo', 'Start a broker if none runs, run the jokes word-count pipeline, print the top words')
  .example('$0 run apps/jokes-producer.ts --broker localhost:9092', 'Run one app')
  .example('$0 consume words --from-beginning --key', 'Print the records of a topic')
  .version(packageJson.version)
  .alias('h', 'help')
  .help()
  .wrap(Math.min(110, process.stdout.columns || 100))
  .fail((message, error, y) => {
    if (error) throw error;
    y.showHelp('error');
    console.error(`\nsluice: ${nameFlags(message)}`);
    process.exit(1);
  });

try {
  await cli.parseAsync();
} catch (error) {
  fail(error);
}
