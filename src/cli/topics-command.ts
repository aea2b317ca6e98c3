import type { Argv, CommandModule } from 'yargs';
import { CliError } from './cli-error.ts';
import { resolveBrokerAddress } from './broker-address.ts';
import { TopicAdmin } from './topics/topic-admin.ts';
import { alterTopics, createTopic, deleteTopics, describeTopics, listTopics, type TopicsOutput, type TopicsRequest } from './topics/topic-actions.ts';
import { helpExamples } from './help-examples.ts';

interface TopicsArgs {
  broker?: string;
  topic?: string | string[];
  topics?: string[];
  partitions?: number;
  'replication-factor'?: number;
  config?: string | string[];
  'if-not-exists': boolean;
  'if-exists': boolean;
  'exclude-internal': boolean;
  list: boolean;
  describe: boolean;
  create: boolean;
  alter: boolean;
  delete: boolean;
}

type Action = 'list' | 'describe' | 'create' | 'alter' | 'delete';
const ACTIONS: readonly Action[] = ['list', 'describe', 'create', 'alter', 'delete'];
const OUTPUT: TopicsOutput = { out: (line) => console.log(line), err: (line) => console.error(line) };

const asList = (value: string | string[] | undefined): string[] => (value === undefined ? [] : (Array.isArray(value) ? value : [value]).map(String));

function configs(flags: string | string[] | undefined): Array<[string, string]> {
  return asList(flags).map((flag) => {
    const at = flag.indexOf('=');
    if (at <= 0) throw new CliError(`--config ${flag}: expected name=value, e.g. --config retention.ms=86400000`);
    return [flag.slice(0, at), flag.slice(at + 1)];
  });
}

function request(argv: TopicsArgs): TopicsRequest {
  return {
    topics: [...(argv.topics ?? []).map(String), ...asList(argv.topic)],
    partitions: argv.partitions,
    replicationFactor: argv['replication-factor'],
    configs: configs(argv.config),
    ifNotExists: argv['if-not-exists'],
    ifExists: argv['if-exists'],
    excludeInternal: argv['exclude-internal'],
  };
}

async function run(action: Action, argv: TopicsArgs, annotateList: boolean): Promise<void> {
  const admin = new TopicAdmin(resolveBrokerAddress(argv.broker));
  try {
    await admin.connect();
    const req = request(argv);
    if (action === 'list') await listTopics(admin, req, OUTPUT, annotateList);
    else if (action === 'describe') await describeTopics(admin, req, OUTPUT);
    else if (action === 'create') await createTopic(admin, req, OUTPUT);
    else if (action === 'alter') await alterTopics(admin, req, OUTPUT);
    else await deleteTopics(admin, req, OUTPUT);
  } finally {
    admin.close();
  }
}

function subcommand(action: Action, command: string, describe: string, examples: Array<[string, string]>): CommandModule<TopicsArgs, TopicsArgs> {
  return {
    command,
    describe,
    builder: (y: Argv<TopicsArgs>) =>
      y.positional('topics', { type: 'string', array: true, describe: 'Topic names' }).example(helpExamples(examples)) as unknown as Argv<TopicsArgs>,
    handler: (argv) => run(action, argv, true),
  };
}

/** `sluice topics list|describe|create|alter|delete`, or Kafka's `sluice topics --list|--describe|--create|--alter|--delete --topic T` */
export const topicsCommand: CommandModule<object, TopicsArgs> = {
  command: 'topics',
  describe: "List, describe, create, alter or delete topics (kafka-topics' flags work too)",
  builder: (yargs: Argv) =>
    yargs
      .option('broker', { type: 'string', alias: 'bootstrap-server', describe: 'Kafka bootstrap address host:port (default SLUICE_BROKER_ADDRESS or localhost:9092)' })
      .option('topic', { type: 'string', describe: 'Topic name (repeatable), as kafka-topics spells it' })
      .option('partitions', { type: 'number', describe: 'create: partition count (default: the broker\'s num.partitions); alter: the new, higher count' })
      .option('replication-factor', { type: 'number', describe: "create: replicas per partition (default: the broker's)" })
      .option('config', { type: 'string', describe: 'create: topic config name=value (repeatable), e.g. cleanup.policy=compact' })
      .option('if-not-exists', { type: 'boolean', default: false, describe: 'create: no error when the topic exists' })
      .option('if-exists', { type: 'boolean', default: false, describe: 'describe, alter, delete: skip topics that do not exist' })
      .option('exclude-internal', { type: 'boolean', default: false, describe: 'list, describe: leave out internal topics (__consumer_offsets, __transaction_state)' })
      .option('list', { type: 'boolean', default: false, describe: 'Kafka style: list topic names' })
      .option('describe', { type: 'boolean', default: false, describe: 'Kafka style: describe --topic (all topics without one)' })
      .option('create', { type: 'boolean', default: false, describe: 'Kafka style: create --topic' })
      .option('alter', { type: 'boolean', default: false, describe: 'Kafka style: alter --topic --partitions N' })
      .option('delete', { type: 'boolean', default: false, describe: 'Kafka style: delete --topic' })
      .command(subcommand('list', 'list', 'List topic names (sluice changelog and repartition topics say what they are for)', [['$0 topics list --exclude-internal', 'Names without __consumer_offsets ...']]))
      .command(subcommand('describe', 'describe [topics..]', 'Partitions, leaders, replicas and configs, as kafka-topics --describe prints them', [['$0 topics describe orders payments', 'Two topics']]))
      .command(
        subcommand('create', 'create [topics..]', 'Create a topic', [
          ['$0 topics create orders --partitions 3', '3 partitions'],
          ['$0 topics create prices --config cleanup.policy=compact', 'A compacted topic'],
        ]),
      )
      .command(subcommand('alter', 'alter [topics..]', 'Raise the partition count of a topic', [['$0 topics alter orders --partitions 6', 'Up to 6 partitions']]))
      .command(subcommand('delete', 'delete [topics..]', 'Delete topics and their records', [['$0 topics delete words word-counts', 'Two topics']]))
      .example(
        helpExamples([
          ['$0 topics list', 'Topic names'],
          ['$0 topics describe jokes', 'Partitions and configs of jokes'],
          ['$0 topics --bootstrap-server localhost:9092 --describe --topic jokes', 'The same, kafka-topics style'],
        ]),
      ) as unknown as Argv<TopicsArgs>,
  handler: async (argv) => {
    const chosen = ACTIONS.filter((a) => argv[a]);
    if (chosen.length !== 1) {
      throw new CliError(chosen.length === 0 ? 'Name an action: sluice topics list|describe|create|alter|delete (or --list, --describe, ...)' : `One action at a time: got --${chosen.join(', --')}`);
    }
    await run(chosen[0]!, argv, false);
  },
};
