import type { Admin } from 'kafkajs';
import type { Argv, CommandModule } from 'yargs';
import { describeInternalTopic, internalTopicSummary } from '../state/internal-topic.ts';
import { CliError } from './cli-error.ts';
import { resolveBrokerAddress } from './broker-address.ts';
import { cliKafka, connectOrExplain } from './kafka-client.ts';

interface TopicsArgs {
  broker?: string;
  topic?: string;
  topics?: string[];
  partitions: number;
  'replication-factor': number;
  internal: boolean;
}

async function withAdmin<T>(brokerFlag: string | undefined, fn: (admin: Admin) => Promise<T>): Promise<T> {
  const address = resolveBrokerAddress(brokerFlag);
  const admin = cliKafka(address, 'sluice-cli-admin').admin();
  await connectOrExplain(admin, address);
  try {
    return await fn(admin);
  } finally {
    await admin.disconnect();
  }
}

/** Topic names, one a line; sluice's own changelog and repartition topics get a tab and what they are for. */
async function listTopics(admin: Admin, internal: boolean): Promise<void> {
  const names = (await admin.listTopics()).filter((t) => internal || !t.startsWith('__')).sort();
  for (const name of names) {
    const own = describeInternalTopic(name);
    console.log(own ? `${name}\t${internalTopicSummary(own)}` : name);
  }
}

async function describeTopics(admin: Admin, topics: string[]): Promise<void> {
  const existing = new Set(await admin.listTopics());
  const missing = topics.filter((t) => !existing.has(t));
  if (missing.length > 0) throw new CliError(`No such topic: ${missing.join(', ')} — see \`npx sluice topics list\``);
  const metadata = await admin.fetchTopicMetadata({ topics });
  for (const topic of metadata.topics) {
    const offsets = await admin.fetchTopicOffsets(topic.name);
    const byPartition = new Map(offsets.map((o) => [o.partition, o]));
    console.log(`Topic: ${topic.name}\tPartitionCount: ${topic.partitions.length}`);
    for (const p of [...topic.partitions].sort((a, b) => a.partitionId - b.partitionId)) {
      const o = byPartition.get(p.partitionId);
      console.log(
        `\tPartition: ${p.partitionId}\tLeader: ${p.leader}\tReplicas: ${p.replicas.join(',')}\tIsr: ${p.isr.join(',')}` +
          `\tLow: ${o?.low ?? '?'}\tHigh: ${o?.high ?? '?'}`,
      );
    }
  }
}

async function createTopic(admin: Admin, topic: string, partitions: number, replicationFactor: number): Promise<void> {
  const created = await admin.createTopics({ waitForLeaders: true, topics: [{ topic, numPartitions: partitions, replicationFactor }] });
  if (!created) throw new CliError(`Topic ${topic} already exists — see \`npx sluice topics describe ${topic}\``);
  console.log(`Created topic ${topic} with ${partitions} partition(s)`);
}

async function deleteTopics(admin: Admin, topics: string[]): Promise<void> {
  const existing = new Set(await admin.listTopics());
  const missing = topics.filter((t) => !existing.has(t));
  if (missing.length > 0) throw new CliError(`No such topic: ${missing.join(', ')} — see \`npx sluice topics list\``);
  await admin.deleteTopics({ topics });
  for (const t of topics) console.log(`Deleted topic ${t}`);
}

const brokerOption = { type: 'string', describe: 'Kafka bootstrap address host:port (default SLUICE_BROKER_ADDRESS or localhost:9092)' } as const;

/** `sluice topics list|describe|create|delete` */
export const topicsCommand: CommandModule<object, TopicsArgs> = {
  command: 'topics',
  describe: 'List, describe, create or delete topics',
  builder: (yargs: Argv) =>
    yargs
      .command<TopicsArgs>({
        command: 'list',
        describe: 'List topic names',
        builder: (y: Argv) =>
          y
            .option('broker', brokerOption)
            .option('internal', { type: 'boolean', default: false, describe: "Include the broker's own topics (__consumer_offsets ...); sluice's changelog and repartition topics are always listed, described after a tab" })
            .example('$0 topics list', 'Topic names on localhost:9092') as unknown as Argv<TopicsArgs>,
        handler: (argv) => withAdmin(argv.broker, (admin) => listTopics(admin, argv.internal)),
      })
      .command<TopicsArgs>({
        command: 'describe <topics..>',
        describe: 'Show partitions, leaders and offsets of topics',
        builder: (y: Argv) =>
          y
            .positional('topics', { type: 'string', array: true, describe: 'Topic names' })
            .option('broker', brokerOption)
            .example('$0 topics describe jokes words', 'Partitions and offsets of two topics') as unknown as Argv<TopicsArgs>,
        handler: (argv) => withAdmin(argv.broker, (admin) => describeTopics(admin, argv.topics ?? [])),
      })
      .command<TopicsArgs>({
        command: 'create <topic>',
        describe: 'Create a topic',
        builder: (y: Argv) =>
          y
            .positional('topic', { type: 'string', describe: 'Topic name' })
            .option('broker', brokerOption)
            .option('partitions', { type: 'number', default: 1, describe: 'Number of partitions' })
            .option('replication-factor', { type: 'number', default: 1, describe: 'Replicas per partition' })
            .example('$0 topics create orders --partitions 3', 'A topic with 3 partitions') as unknown as Argv<TopicsArgs>,
        handler: (argv) => withAdmin(argv.broker, (admin) => createTopic(admin, argv.topic ?? '', argv.partitions, argv['replication-factor'])),
      })
      .command<TopicsArgs>({
        command: 'delete <topics..>',
        describe: 'Delete topics and their records',
        builder: (y: Argv) =>
          y
            .positional('topics', { type: 'string', array: true, describe: 'Topic names' })
            .option('broker', brokerOption)
            .example('$0 topics delete words word-counts', 'Delete two topics') as unknown as Argv<TopicsArgs>,
        handler: (argv) => withAdmin(argv.broker, (admin) => deleteTopics(admin, argv.topics ?? [])),
      })
      .demandCommand(1, 'Name an action: list, describe, create or delete')
      .example('$0 topics list', 'Topic names')
      .example('$0 topics describe jokes', 'Partitions and offsets of jokes') as unknown as Argv<TopicsArgs>,
  handler: () => {},
};
