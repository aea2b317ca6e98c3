// `sluice consumer-groups` next to Apache Kafka 3.9's own ConsumerGroupCommand, against the same
// broker and group (the test broker: embedded, or Apache Kafka with SLUICE_TEST_BROKER): the same
// header and the same rows for --list, --describe (offsets, members, state) and each --reset-offsets
// plan, and Kafka's tool deleting offsets through the broker's OffsetDelete. Kafka 3.9 prints some
// tables with every row on one line; both outputs are compared as tokens cut into rows.
import type { Consumer } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runConsumerGroups } from '../../src/cli/consumer-groups-command.ts';
import { parseConsumerGroupsArgs, type ConsumerGroupsArgs } from '../../src/cli/consumer-groups/consumer-groups-options.ts';
import { createGroupAdmin } from '../../src/kafka/create-group-admin.ts';
import type { GroupAdmin } from '../../src/kafka/group-admin.ts';
import { createLogger } from '../../src/logger.ts';
import { produceTimedRecords, startGroupMember } from '../support/consumer-group-fixture.ts';
import { uniqueName, useTestBroker, type TestBroker } from '../support/test-broker.ts';
import { clients, run } from './compat-clients.ts';

const JVM_TIMEOUT_MS = 90_000;
const TOOL = 'org.apache.kafka.tools.consumer.group.ConsumerGroupCommand';

let broker: TestBroker;
let admin: GroupAdmin;
let kafkaSh: string;
let member: Consumer | undefined;
const topic = uniqueName('cgt-topic');
const group = uniqueName('cgt-group');
const base = Date.now() - 3_600_000;

beforeAll(async () => {
  kafkaSh = clients.kafkaSh();
  broker = await useTestBroker();
  admin = createGroupAdmin({ brokerAddress: broker.address, clientId: 'cgt', logger: createLogger('cgt', 'silent') });
  await produceTimedRecords(broker.address, topic, 3, 10, base);
});
afterAll(async () => {
  await member?.disconnect();
  await admin?.close();
  await broker?.close();
});

const kafkaTool = async (...args: string[]): Promise<string> =>
  (await run(kafkaSh, ['tool', TOOL, '--bootstrap-server', broker.address, ...args], { timeoutMs: JVM_TIMEOUT_MS })).stdout;

async function sluice(args: ConsumerGroupsArgs): Promise<string> {
  let stdout = '';
  await runConsumerGroups(admin, parseConsumerGroupsArgs(args), { stdout: (t) => (stdout += t), stderr: () => {} });
  return stdout;
}

/** The table that starts with `firstHeader` in `text`: its header, and its rows (sorted), `width` tokens each. */
function table(text: string, firstHeader: string, width: number): { header: string[]; rows: string[] } {
  const tokens = text.split(/\s+/).filter((t) => t !== '');
  const start = tokens.indexOf(firstHeader);
  expect(start, `a table headed ${firstHeader} in:\n${text}`).toBeGreaterThanOrEqual(0);
  const chunks: string[] = [];
  for (let i = start; i < tokens.length; i += width) chunks.push(tokens.slice(i, i + width).join(' '));
  return { header: chunks[0]!.split(' '), rows: chunks.slice(1).sort() };
}

describe("sluice consumer-groups prints what Kafka's ConsumerGroupCommand prints", () => {
  it('for an active group: --list, --describe, --members, --state', async () => {
    const started = await startGroupMember(broker.address, group, topic, 30);
    member = started.consumer;
    await member.commitOffsets([{ topic, partition: 0, offset: '4' }, { topic, partition: 1, offset: '10' }]);

    expect(new Set((await sluice({ list: true })).split('\n').filter(Boolean))).toEqual(new Set((await kafkaTool('--list')).split('\n').filter(Boolean)));
    for (const [args, first, width] of [
      [['--describe', '--group', group], 'GROUP', 9],
      [['--describe', '--group', group, '--members'], 'GROUP', 5],
      [['--describe', '--group', group, '--state'], 'GROUP', 6],
    ] as const) {
      const ours = await sluice({ describe: true, group: [group], members: args.includes('--members'), ...(args.includes('--state') ? { state: '' } : {}) });
      const theirs = await kafkaTool(...args);
      expect(table(ours, first, width), args.join(' ')).toEqual(table(theirs, first, width));
    }
  });

  it('for the group after its member left: --describe and every --reset-offsets plan (dry run)', async () => {
    await member!.disconnect();
    member = undefined;
    expect(table(await sluice({ describe: true, group: [group] }), 'GROUP', 9)).toEqual(table(await kafkaTool('--describe', '--group', group), 'GROUP', 9));
    const at = new Date(base + 6_500).toISOString().replace('Z', '');
    const plans: [ConsumerGroupsArgs, string[]][] = [
      [{ 'all-topics': true, 'to-earliest': true }, ['--all-topics', '--to-earliest']],
      [{ topic: [topic], 'to-latest': true }, ['--topic', topic, '--to-latest']],
      [{ topic: [`${topic}:0,2`], 'to-offset': '3' }, ['--topic', `${topic}:0,2`, '--to-offset', '3']],
      [{ 'all-topics': true, 'shift-by': '-2' }, ['--all-topics', '--shift-by', '-2']],
      [{ topic: [topic], 'to-datetime': at }, ['--topic', topic, '--to-datetime', at]],
      [{ topic: [topic], 'by-duration': 'P1D' }, ['--topic', topic, '--by-duration', 'P1D']],
    ];
    for (const [ours, theirs] of plans) {
      const expected = table(await kafkaTool('--reset-offsets', '--group', group, '--dry-run', ...theirs), 'GROUP', 4);
      expect(table(await sluice({ 'reset-offsets': true, group: [group], 'dry-run': true, ...ours }), 'GROUP', 4), theirs.join(' ')).toEqual(expected);
    }
    expect((await admin.groupOffsets(group)).map((o) => o.offset)).toEqual([4, 10]);
  });

  it("Kafka's tool deletes offsets through the broker's OffsetDelete; both describe the result alike", async () => {
    const deleted = await kafkaTool('--delete-offsets', '--group', group, '--topic', `${topic}:0`);
    expect(deleted).toContain(`Request succeed for deleting offsets with topic ${topic}:0 group ${group}`);
    expect(table(deleted, 'TOPIC', 3).rows).toEqual([`${topic} 0 Successful`]);
    expect((await admin.groupOffsets(group)).map((o) => [o.partition, o.offset])).toEqual([[1, 10]]);
    expect(table(await sluice({ describe: true, group: [group] }), 'GROUP', 9)).toEqual(table(await kafkaTool('--describe', '--group', group), 'GROUP', 9));
    const ours = await sluice({ 'delete-offsets': true, group: [group], topic: [topic] });
    expect(table(ours, 'TOPIC', 3).rows).toEqual([0, 1, 2].map((p) => `${topic} ${p} Successful`));
  });
});
