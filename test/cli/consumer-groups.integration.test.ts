// `sluice consumer-groups` against a real broker (embedded, or Apache Kafka with SLUICE_TEST_BROKER):
// a group made by a kafkajs consumer that read part of a topic, described while it runs and after it
// stopped, reset each way (--dry-run changes nothing, --execute moves the next consumer), its offsets
// deleted, then the group. Most calls run the command in-process (the same code the CLI runs);
// a few run the real `sluice` process for the flags, exit codes and streams.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Consumer } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runConsumerGroups } from '../../src/cli/consumer-groups-command.ts';
import { parseConsumerGroupsArgs, type ConsumerGroupsArgs } from '../../src/cli/consumer-groups/consumer-groups-options.ts';
import { createGroupAdmin } from '../../src/kafka/create-group-admin.ts';
import type { GroupAdmin } from '../../src/kafka/group-admin.ts';
import { createLogger } from '../../src/logger.ts';
import { produceTimedRecords, startGroupMember } from '../support/consumer-group-fixture.ts';
import { uniqueName, useTestBroker, type TestBroker } from '../support/test-broker.ts';
import { CLI_TEST_TIMEOUT_MS, runCli } from './cli-support.ts';

const PARTITIONS = 3;
const PER_PARTITION = 10;
const HOUR = 3_600_000;

let broker: TestBroker;
let admin: GroupAdmin;
const topic = uniqueName('cg-topic');
const group = uniqueName('cg-group');
/** Record i of every partition has timestamp base + i seconds. */
const base = Date.now() - HOUR;

beforeAll(async () => {
  broker = await useTestBroker();
  admin = createGroupAdmin({ brokerAddress: broker.address, clientId: 'cg-test', logger: createLogger('cg-test', 'silent') });
  await produceTimedRecords(broker.address, topic, PARTITIONS, PER_PARTITION, base);
});
afterAll(async () => {
  await admin?.close();
  await broker?.close();
});

/** Runs one consumer-groups invocation in-process and returns what it printed. */
async function groups(args: ConsumerGroupsArgs): Promise<{ stdout: string; stderr: string }> {
  const out = { stdout: '', stderr: '' };
  await runConsumerGroups(admin, parseConsumerGroupsArgs(args), { stdout: (t) => (out.stdout += t), stderr: (t) => (out.stderr += t) });
  return out;
}

/** The non-empty lines of a table, split into columns. */
const rows = (text: string): string[][] => text.split('\n').filter((l) => l.trim() !== '').map((l) => l.trim().split(/\s+/));

async function committed(): Promise<Map<number, number>> {
  return new Map((await admin.groupOffsets(group)).filter((o) => o.topic === topic).map((o) => [o.partition, o.offset]));
}

const startMember = (until: number) => startGroupMember(broker.address, group, topic, until);

describe('sluice consumer-groups', { timeout: CLI_TEST_TIMEOUT_MS }, () => {
  let member: Consumer | undefined;
  afterAll(async () => {
    await member?.disconnect();
  });

  it('describes an active group: offsets and lag, members, state; refuses to reset or delete it', async () => {
    const started = await startMember(PARTITIONS * PER_PARTITION);
    member = started.consumer;
    // The reader "processed" 4 records of partition 0 and all of partition 1; partition 2 has no commit.
    await member.commitOffsets([{ topic, partition: 0, offset: '4' }, { topic, partition: 1, offset: '10' }]);

    const described = await groups({ describe: true, group: [group] });
    expect(described.stderr).toBe('');
    const [header, ...lines] = rows(described.stdout);
    expect(header).toEqual(['GROUP', 'TOPIC', 'PARTITION', 'CURRENT-OFFSET', 'LOG-END-OFFSET', 'LAG', 'CONSUMER-ID', 'HOST', 'CLIENT-ID']);
    expect(lines.map((l) => l.slice(0, 6))).toEqual([
      [group, topic, '0', '4', '10', '6'],
      [group, topic, '1', '10', '10', '0'],
      [group, topic, '2', '-', '10', '-'],
    ]);
    const consumerIds = new Set(lines.map((l) => l[6]));
    expect(consumerIds.size).toBe(1);
    expect(lines.every((l) => /^\/?[\d.:a-f]+$/.test(l[7]!) && l[8] === 'cg-reader')).toBe(true);

    const members = rows((await groups({ describe: true, group: [group], members: true, verbose: true })).stdout);
    expect(members).toEqual([
      ['GROUP', 'CONSUMER-ID', 'HOST', 'CLIENT-ID', '#PARTITIONS', 'ASSIGNMENT'],
      [group, [...consumerIds][0], lines[0]![7], 'cg-reader', '3', `${topic}(0,1,2)`],
    ]);

    const state = rows((await groups({ describe: true, group: [group], state: '' })).stdout);
    expect(state[0]).toEqual(['GROUP', 'COORDINATOR', '(ID)', 'ASSIGNMENT-STRATEGY', 'STATE', '#MEMBERS']);
    expect(state[1]).toEqual([group, expect.stringMatching(/^[\w.-]+:\d+$/), expect.stringMatching(/^\(\d+\)$/), 'RoundRobinAssigner', 'Stable', '1']);

    expect((await groups({ list: true })).stdout.split('\n')).toContain(group);
    expect(rows((await groups({ list: true, state: 'stable' })).stdout)).toContainEqual([group, 'Stable']);

    const reset = await groups({ 'reset-offsets': true, group: [group], topic: [topic], 'to-earliest': true, execute: true });
    expect(reset.stdout).toContain(`Error: Assignments can only be reset if the group '${group}' is inactive, but the current state is Stable.`);
    expect(rows(reset.stdout).at(-1)).toEqual(['GROUP', 'TOPIC', 'PARTITION', 'NEW-OFFSET']);
    expect(await committed()).toEqual(new Map([[0, 4], [1, 10]]));

    const deleteOffsets = await groups({ 'delete-offsets': true, group: [group], topic: [`${topic}:0`] });
    expect(deleteOffsets.stdout).toContain('Error: Encounter some partition level error, see the follow-up details:');
    expect(deleteOffsets.stdout).toContain('GROUP_SUBSCRIBED_TO_TOPIC');
    expect(await committed()).toEqual(new Map([[0, 4], [1, 10]]));

    const deleted = await groups({ delete: true, group: [group] });
    expect(deleted.stdout).toContain(`* Group '${group}' could not be deleted due to: NON_EMPTY_GROUP`);
  });

  it('describes the group once its member left: "no active members", committed partitions without owner', async () => {
    await member!.disconnect();
    member = undefined;
    const described = await groups({ describe: true, group: [group] });
    expect(described.stderr).toBe(`\nConsumer group '${group}' has no active members.\n`);
    expect(rows(described.stdout).slice(1)).toEqual([
      [group, topic, '0', '4', '10', '6', '-', '-', '-'],
      [group, topic, '1', '10', '10', '0', '-', '-', '-'],
    ]);
    const state = rows((await groups({ describe: true, group: [group], state: '' })).stdout);
    expect(state[1]!.slice(3)).toEqual(['Empty', '0']);
  });

  it('--dry-run (the default, with Kafka\'s warning) shows new offsets and changes nothing', async () => {
    const planned = await groups({ 'reset-offsets': true, group: [group], 'all-topics': true, 'to-earliest': true });
    expect(planned.stderr).toContain('WARN: No action will be performed as the --execute option is missing.');
    expect(rows(planned.stdout)).toEqual([['GROUP', 'TOPIC', 'PARTITION', 'NEW-OFFSET'], [group, topic, '0', '0'], [group, topic, '1', '0']]);
    const shifted = await groups({ 'reset-offsets': true, group: [group], topic: [`${topic}:0`], 'shift-by': '-3', 'dry-run': true });
    expect(shifted.stderr).toBe('');
    expect(rows(shifted.stdout).slice(1)).toEqual([[group, topic, '0', '1']]);
    expect(await committed()).toEqual(new Map([[0, 4], [1, 10]]));
  });

  it('--execute resets to an offset, by a shift, to the latest, to a datetime and by a duration', async () => {
    const execute = (args: ConsumerGroupsArgs) => groups({ 'reset-offsets': true, group: [group], execute: true, ...args });

    await execute({ topic: [`${topic}:0,2`], 'to-offset': '2' });
    expect(await committed()).toEqual(new Map([[0, 2], [1, 10], [2, 2]]));

    await execute({ topic: [`${topic}:0`], 'shift-by': '3' });
    expect(await committed()).toEqual(new Map([[0, 5], [1, 10], [2, 2]]));

    const clamped = await execute({ topic: [`${topic}:2`], 'shift-by': '100' });
    expect(clamped.stderr).toContain(`New offset (102) is higher than latest offset for topic partition ${topic}-2. Value will be set to 10`);
    expect(await committed()).toEqual(new Map([[0, 5], [1, 10], [2, 10]]));

    // Record i has timestamp base + i s: the first record at or after base + 6.5 s is offset 7.
    const at = new Date(base + 6_500).toISOString().replace('Z', '');
    await execute({ 'all-topics': true, 'to-datetime': at });
    expect(await committed()).toEqual(new Map([[0, 7], [1, 7], [2, 7]]));

    // Every record is an hour old: none is within the last 30 minutes, so the end is taken (Kafka's warning).
    const recent = await execute({ topic: [`${topic}:1`], 'by-duration': 'PT30M' });
    expect(recent.stdout).toContain(`Warn: Partition 1 from topic ${topic} is empty. Falling back to latest known offset.`);
    expect(await committed()).toEqual(new Map([[0, 7], [1, 10], [2, 7]]));

    await execute({ topic: [topic], 'to-latest': true });
    expect(await committed()).toEqual(new Map([[0, 10], [1, 10], [2, 10]]));

    await execute({ topic: [`${topic}:0`], 'to-earliest': true });
    expect(await committed()).toEqual(new Map([[0, 0], [1, 10], [2, 10]]));
  });

  it('--export prints the plan as CSV and --from-file applies such a plan', async () => {
    const exported = await groups({ 'reset-offsets': true, group: [group], topic: [`${topic}:1`, `${topic}:2`], 'to-offset': '6', export: true });
    expect(exported.stdout).toBe(`${topic},1,6\n${topic},2,6\n`);
    const dir = mkdtempSync(join(tmpdir(), 'sluice-cg-plan-'));
    try {
      writeFileSync(join(dir, 'plan.csv'), exported.stdout);
      const applied = await groups({ 'reset-offsets': true, group: [group], 'from-file': join(dir, 'plan.csv'), execute: true });
      expect(rows(applied.stdout).slice(1)).toEqual([[group, topic, '1', '6'], [group, topic, '2', '6']]);
      expect(await committed()).toEqual(new Map([[0, 0], [1, 6], [2, 6]]));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('the next consumer of the group starts where --execute put the offsets', async () => {
    await groups({ 'reset-offsets': true, group: [group], 'all-topics': true, 'to-latest': true, execute: true });
    await groups({ 'reset-offsets': true, group: [group], topic: [`${topic}:0`], 'to-offset': '8', execute: true });
    const next = await startMember(2);
    member = next.consumer;
    await member.disconnect();
    member = undefined;
    expect(next.read).toEqual([{ partition: 0, offset: 8 }, { partition: 0, offset: 9 }]);
  });

  it('--delete-offsets removes one partition\'s offset, --delete the group', async () => {
    const deleted = await groups({ 'delete-offsets': true, group: [group], topic: [`${topic}:1`] });
    expect(deleted.stdout).toContain(`Request succeed for deleting offsets with topic ${topic}:1 group ${group}`);
    expect(rows(deleted.stdout).slice(-2)).toEqual([['TOPIC', 'PARTITION', 'STATUS'], [topic, '1', 'Successful']]);
    expect([...(await committed()).keys()].sort()).toEqual([0, 2]);

    const gone = await groups({ delete: true, group: [group] });
    expect(gone.stdout).toBe(`Deletion of requested consumer groups ('${group}') was successful.\n`);
    expect((await groups({ list: true })).stdout.split('\n')).not.toContain(group);
    expect((await groups({ describe: true, group: [group] })).stdout).toBe(`\nError: Consumer group '${group}' does not exist.\n`);
    expect((await groups({ 'delete-offsets': true, group: [group], topic: [topic] })).stdout).toContain(`Error: '${group}' does not exist.`);
  });

  it('as a process: Kafka\'s flags and exit codes (usage errors exit 1, a missing group is reported with 0)', async () => {
    const cli = (...args: string[]) => runCli(['consumer-groups', '--bootstrap-server', broker.address, ...args]);
    const missing = await cli('--describe', '--group', group);
    expect([missing.code, missing.stdout]).toEqual([0, `\nError: Consumer group '${group}' does not exist.\n`]);

    const noGroup = await cli('--describe');
    expect(noGroup.code).toBe(1);
    expect(noGroup.stderr).toContain('Option [describe] takes one of these options: [group], [all-groups]');

    const twoScenarios = await cli('--reset-offsets', '--group', group, '--topic', topic, '--to-earliest', '--to-latest');
    expect(twoScenarios.code).toBe(1);
    expect(twoScenarios.stderr).toContain('Option "[to-earliest]" can\'t be used with option "[to-latest]"');

    const made = uniqueName('cg-made');
    const planned = await runCli(['consumer-groups', '--broker', broker.address, '--reset-offsets', '--group', made, '--topic', `${topic}:1`, '--shift-by', '-2', '--dry-run']);
    expect(planned.code).toBe(1);
    expect(planned.stderr).toContain(`Cannot shift offset for partition ${topic}-1 since there is no current committed offset`);
    const created = await runCli(['consumer-groups', '--broker', broker.address, '--reset-offsets', '--group', made, '--topic', `${topic}:1`, '--to-offset', '3', '--execute']);
    expect(created.code).toBe(0);
    expect(rows(created.stdout)).toEqual([['GROUP', 'TOPIC', 'PARTITION', 'NEW-OFFSET'], [made, topic, '1', '3']]);
    expect((await admin.groupOffsets(made)).map((o) => o.offset)).toEqual([3]);
  });
});
