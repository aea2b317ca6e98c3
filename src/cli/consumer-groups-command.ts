import type { Argv, CommandModule } from 'yargs';
import { createGroupAdmin } from '../kafka/create-group-admin.ts';
import type { GroupAdmin } from '../kafka/group-admin.ts';
import { createLogger } from '../logger.ts';
import { isListening, resolveBrokerAddress } from './broker-address.ts';
import { CliError } from './cli-error.ts';
import { parseConsumerGroupsArgs, type ConsumerGroupsAction, type ConsumerGroupsArgs } from './consumer-groups/consumer-groups-options.ts';
import { deleteGroupOffsets, deleteGroups } from './consumer-groups/delete-groups.ts';
import { describeGroups } from './consumer-groups/describe-groups.ts';
import { PROCESS_OUTPUT, type GroupOutput } from './consumer-groups/group-output.ts';
import { listGroups } from './consumer-groups/list-groups.ts';
import { resetOffsets } from './consumer-groups/reset-offsets.ts';

interface Args extends ConsumerGroupsArgs {
  'bootstrap-server'?: string;
  timeout: number;
}

/**
 * Runs one validated `sluice consumer-groups` action against `admin`, printing as Kafka's
 * kafka-consumer-groups does.
 *
 * @example
 * ```ts
 * await runConsumerGroups(admin, parseConsumerGroupsArgs({ list: true }), PROCESS_OUTPUT);
 * ```
 */
export async function runConsumerGroups(admin: GroupAdmin, action: ConsumerGroupsAction, out: GroupOutput): Promise<void> {
  switch (action.kind) {
    case 'list':
      return listGroups(admin, action, out);
    case 'describe':
      return describeGroups(admin, action, out);
    case 'delete':
      return deleteGroups(admin, action, out);
    case 'delete-offsets':
      return deleteGroupOffsets(admin, action, out);
    case 'reset-offsets':
      return resetOffsets(admin, action, out);
  }
}

const flag = (describe: string) => ({ type: 'boolean', describe }) as const;

/** `sluice consumer-groups`: Kafka's kafka-consumer-groups, with its flags and output. */
export const consumerGroupsCommand: CommandModule<object, Args> = {
  command: 'consumer-groups',
  describe: "List, describe, reset and delete consumer groups (Kafka's kafka-consumer-groups)",
  builder: (y: Argv) =>
    y
      .usage('$0 consumer-groups --bootstrap-server host:port (--list | --describe | --reset-offsets | --delete | --delete-offsets) [options]')
      .option('bootstrap-server', { alias: 'broker', type: 'string', describe: 'Kafka bootstrap address host:port (default SLUICE_BROKER_ADDRESS or localhost:9092)' })
      .option('list', flag('List all consumer groups (with --state: and their states; --state stable,empty filters)'))
      .option('describe', flag('Describe groups: offsets and lag per partition (default, or --offsets), --members, or --state'))
      .option('delete', flag('Delete groups without active members, and their committed offsets'))
      .option('reset-offsets', flag('Reset the offsets of groups without active members (--dry-run, the default, only shows them; --execute commits them)'))
      .option('delete-offsets', flag("Delete a group's committed offsets of some topics (the group must not be consuming them)"))
      .option('group', { type: 'string', array: true, describe: 'The consumer group to act on (repeatable)' })
      .option('all-groups', flag('Apply to all consumer groups'))
      .option('topic', { type: 'string', array: true, describe: 'Topic for --reset-offsets/--delete-offsets; topic:0,1 names partitions (repeatable)' })
      .option('all-topics', flag('With --reset-offsets: every topic the group has offsets for'))
      .option('members', flag('With --describe: the members and their partition counts (--verbose adds the partitions)'))
      .option('offsets', flag('With --describe: offsets, log end and lag per partition (the default)'))
      .option('state', { type: 'string', describe: 'With --describe: coordinator, assignor, state and member count; with --list: show states, or only these (stable,empty)' })
      .option('dry-run', flag('With --reset-offsets: only show the new offsets (the default)'))
      .option('execute', flag('With --reset-offsets: commit the new offsets'))
      .option('export', flag('With --reset-offsets: print the plan as CSV (topic,partition,offset)'))
      .option('to-earliest', flag('Reset to the first offset of each partition'))
      .option('to-latest', flag('Reset to the end of each partition (skip everything there is)'))
      .option('to-current', flag('Reset to the committed offset (the end where there is none)'))
      .option('to-offset', { type: 'string', describe: 'Reset to this offset (kept within each partition)' })
      .option('shift-by', { type: 'string', describe: 'Move the committed offset by N (negative to re-read, positive to skip)' })
      .option('from-file', { type: 'string', describe: 'Reset to the offsets of a CSV plan, as --export prints it (topic,partition,offset)' })
      .option('to-datetime', { type: 'string', describe: "Reset to the first record at or after YYYY-MM-DDTHH:mm:SS.sss (UTC unless it ends in Z/+hh:mm)" })
      .option('by-duration', { type: 'string', describe: 'Reset to the first record at or after now minus PnDTnHnMnS (e.g. PT30M)' })
      .option('timeout', { type: 'number', default: 5000, describe: 'Milliseconds each request to the broker may take' })
      .example('$0 consumer-groups --list', 'Names of the consumer groups')
      .example('$0 consumer-groups --describe --group wc', 'Offset, end and lag per partition')
      .epilog(
        [
          'Get past a bad record at offset 41 of partition 0 (stop the group first):',
          '  sluice consumer-groups --reset-offsets --group wc --topic words:0 --to-offset 42 --execute',
          'Replay the last two hours (a dry run until --execute):',
          '  sluice consumer-groups --reset-offsets --group wc --all-topics --by-duration PT2H',
        ].join('\n'),
      ) as unknown as Argv<Args>,
  handler: async (argv) => {
    const action = parseConsumerGroupsArgs(argv);
    if (!Number.isInteger(argv.timeout) || argv.timeout <= 0) throw new CliError(`--timeout must be a positive number of milliseconds, got ${argv.timeout}`);
    const address = resolveBrokerAddress(argv['bootstrap-server']);
    if (!(await isListening(address, 3_000))) {
      throw new CliError(`Cannot reach a Kafka broker at ${address} — start one with \`npx sluice broker\` or pass --bootstrap-server host:port`);
    }
    const admin = createGroupAdmin({ brokerAddress: address, clientId: 'sluice-consumer-groups', logger: createLogger('consumer-groups', 'silent'), connectTimeoutMs: 3_000, requestTimeoutMs: argv.timeout });
    try {
      await runConsumerGroups(admin, action, PROCESS_OUTPUT);
    } finally {
      await admin.close();
    }
  },
};
