import { randomBytes } from 'node:crypto';
import type { Argv, CommandModule } from 'yargs';
import { CliError } from './cli-error.ts';
import { resolveBrokerAddress } from './broker-address.ts';
import { ensureBroker } from './ensure-broker.ts';
import { runRebalanceWalkthrough } from './rebalance/rebalance-walkthrough.ts';
import { describeEvent, type WalkthroughEvent } from './rebalance/walkthrough-events.ts';
import { helpExamples } from './help-examples.ts';

interface RebalanceArgs {
  broker?: string;
  json: boolean;
  keep: boolean;
  timeout: number;
  'run-id'?: string;
  'data-dir': string;
}

/** `sluice demo rebalance [--broker H:P] [--json] [--keep]`: seed 004, consumer-group rebalancing. */
export const rebalanceDemoCommand: CommandModule<object, RebalanceArgs> = {
  command: 'rebalance',
  describe: 'Walk through consumer-group rebalancing: members join and leave, who owns which partition, groups resume at their committed offsets',
  builder: (yargs: Argv) =>
    yargs
      .option('broker', { type: 'string', describe: 'Broker address; when nothing answers there, the embedded broker is started on it (default localhost:9092)' })
      .option('json', { type: 'boolean', default: false, describe: 'Print each step, assignment and read as one JSON line (for scripts and tests)' })
      .option('keep', { type: 'boolean', default: false, describe: 'Keep the topics and groups afterwards (to look at them with `sluice topics` or kafka-consumer-groups)' })
      .option('timeout', { type: 'number', default: 90, describe: 'Longest wait, in seconds, for a rebalance to settle or a group to read a batch' })
      .option('run-id', { type: 'string', describe: 'Suffix of the topic and group names (default: random), e.g. consumer-rebalance-<run-id>' })
      .option('data-dir', { type: 'string', default: '.sluice/data', describe: 'Data dir of the embedded broker, if one is started' })
      .example(
        helpExamples([
          ['$0 demo rebalance', 'Run the walkthrough against localhost:9092 (or an embedded broker started there)'],
          ['$0 demo rebalance --json | jq -c "select(.type == \\"assignment\\")"', 'Only the assignments, as data'],
          ['$0 demo rebalance --keep --run-id mine', 'Keep consumer-rebalance-mine and the rebalance-*-mine groups afterwards'],
        ]),
      ) as unknown as Argv<RebalanceArgs>,
  handler: async (argv) => {
    if (!(argv.timeout > 0)) throw new CliError(`--timeout must be > 0 seconds, got ${argv.timeout}`);
    const runId = argv['run-id'] ?? randomBytes(3).toString('hex');
    if (!/^[a-zA-Z0-9._-]+$/.test(runId)) throw new CliError(`--run-id may hold letters, digits, '.', '_' and '-' (it names topics), got "${runId}"`);
    const address = resolveBrokerAddress(argv.broker);
    const emit = argv.json ? (e: WalkthroughEvent) => console.log(JSON.stringify(e)) : (e: WalkthroughEvent) => console.log(describeEvent(e));
    const broker = await ensureBroker(address, argv['data-dir'], argv.json ? () => undefined : console.log);
    const interrupt = new AbortController();
    const onSignal = (): void => interrupt.abort();
    process.once('SIGINT', onSignal);
    try {
      const summary = await runRebalanceWalkthrough({ broker: address, runId, emit, timeoutMs: argv.timeout * 1000, keep: argv.keep, signal: interrupt.signal });
      if (summary.some((g) => g.missing > 0 || g.duplicates > 0)) process.exitCode = 1;
    } finally {
      process.off('SIGINT', onSignal);
      await broker?.close();
    }
  },
};
