import { describe, expect, it } from 'vitest';
import { parseConsumerGroupsArgs } from '../../src/cli/consumer-groups/consumer-groups-options.ts';
import { membersTable, offsetsTable, stateTable } from '../../src/cli/consumer-groups/group-tables.ts';
import { readResetPlan } from '../../src/cli/consumer-groups/reset-plan-file.ts';
import { parseResetDatetime, parseResetDuration } from '../../src/cli/consumer-groups/reset-time.ts';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

describe('consumer-groups flags', () => {
  it('turns Kafka flags into actions', () => {
    expect(parseConsumerGroupsArgs({ list: true })).toEqual({ kind: 'list', states: null });
    expect(parseConsumerGroupsArgs({ list: true, state: 'stable,EMPTY' })).toEqual({ kind: 'list', states: ['Stable', 'Empty'] });
    expect(parseConsumerGroupsArgs({ describe: true, 'all-groups': true, state: '' })).toEqual({ kind: 'describe', groups: { all: true }, view: 'state', verbose: false });
    expect(parseConsumerGroupsArgs({ 'reset-offsets': true, group: ['g'], topic: ['t:0,2', 'u'], 'shift-by': '-3' })).toEqual({
      kind: 'reset-offsets',
      groups: { all: false, groups: ['g'] },
      scope: { allTopics: false, topics: [{ topic: 't', partitions: [0, 2] }, { topic: 'u', partitions: null }] },
      scenario: { kind: 'shift-by', shift: -3 },
      execute: false,
      export: false,
      warnNoAction: true,
    });
  });

  it.each([
    [{}, 'Command must include exactly one action'],
    [{ list: true, describe: true }, 'Command must include exactly one action'],
    [{ describe: true }, 'Option [describe] takes one of these options: [group], [all-groups]'],
    [{ describe: true, group: ['g'], members: true, state: '' }, 'Option [describe] takes at most one of these options'],
    [{ describe: true, group: ['g'], state: 'stable' }, 'Option [describe] does not take a value for [state]'],
    [{ describe: true, group: ['g'], 'all-groups': true }, 'Option "[group]" can\'t be used with option "[all-groups]"'],
    [{ delete: true, group: ['g'], topic: ['t'] }, 'The consumer does not support topic-specific offset deletion'],
    [{ 'delete-offsets': true, group: ['g'] }, 'Option [delete-offsets] takes the following options'],
    [{ 'reset-offsets': true, group: ['g'], topic: ['t'] }, "Option '[reset-offsets]' requires one of the following scenarios"],
    [{ 'reset-offsets': true, group: ['g'], 'to-earliest': true }, 'One of the reset scopes should be defined: --all-topics, --topic.'],
    [{ 'reset-offsets': true, group: ['g'], topic: ['t'], 'to-earliest': true, 'to-offset': '3' }, 'Option "[to-offset]" can\'t be used with option "[to-earliest]"'],
    [{ 'reset-offsets': true, group: ['g'], topic: ['t'], 'to-latest': true, 'dry-run': true, execute: true }, 'only accepts one of [execute] and [dry-run]'],
    [{ 'reset-offsets': true, group: ['g'], topic: ['t:x'], 'to-latest': true }, "Invalid partition 'x' specified in topic arg 't:x'"],
    [{ 'reset-offsets': true, group: ['g'], topic: ['t'], 'to-offset': 'ten' }, "--to-offset needs a whole number, got 'ten'"],
    [{ list: true, state: 'sleepy' }, "Invalid state list 'sleepy'. Valid states are: PreparingRebalance"],
  ])('refuses %j with exit code 1: %s', (args, message) => {
    expect(() => parseConsumerGroupsArgs(args)).toThrow(expect.objectContaining({ exitCode: 1, message: expect.stringContaining(message) }));
  });

  it('reads --to-datetime as Kafka does (UTC without a zone) and --by-duration as Java durations', () => {
    expect(parseResetDatetime('2026-12-01T08:00:00.000')).toBe(Date.UTC(2026, 11, 1, 8));
    expect(parseResetDatetime('2026-12-01T09:30:00.000+01:30')).toBe(Date.UTC(2026, 11, 1, 8));
    expect(parseResetDatetime('2026-12-01T08:00:00.250Z')).toBe(Date.UTC(2026, 11, 1, 8) + 250);
    expect(() => parseResetDatetime('2026-02-30T08:00:00.000')).toThrow('--to-datetime');
    expect(() => parseResetDatetime('2026-12-01 08:00')).toThrow('YYYY-MM-DDTHH:mm:SS.sss');
    expect(parseResetDuration('PT1H30M')).toBe(5_400_000);
    expect(parseResetDuration('P2DT0.5S')).toBe(2 * 86_400_000 + 500);
    expect(() => parseResetDuration('PT')).toThrow('PnDTnHnMnS');
    expect(() => parseResetDuration('1h')).toThrow('PnDTnHnMnS');
  });
});

describe('consumer-groups --from-file plans', () => {
  const file = (text: string): string => {
    const path = join(mkdtempSync(join(tmpdir(), 'sluice-plan-')), 'plan.csv');
    writeFileSync(path, text);
    return path;
  };

  it('reads topic,partition,offset for one group and group,topic,partition,offset otherwise', () => {
    expect(readResetPlan(file('t,0,5\nt,1,7\n'), 'g')).toEqual(new Map([['g', [{ topic: 't', partition: 0, offset: 5 }, { topic: 't', partition: 1, offset: 7 }]]]));
    expect(readResetPlan(file('g,t,0,5\nh,t,0,9\n'), null)).toEqual(new Map([['g', [{ topic: 't', partition: 0, offset: 5 }]], ['h', [{ topic: 't', partition: 0, offset: 9 }]]]));
  });

  it('names the line that is not a plan line, and a file it cannot read', () => {
    expect(() => readResetPlan(file('t,0,5\nt,x,7\n'), 'g')).toThrow("line 2 is not topic,partition,offset: 't,x,7'");
    expect(() => readResetPlan('/nonexistent/plan.csv', 'g')).toThrow('Cannot read the reset plan --from-file /nonexistent/plan.csv');
  });
});

describe('consumer-groups tables', () => {
  it('lays out columns as Kafka does: widths grow with the values, at least 15', () => {
    const text = offsetsTable([{ group: 'g', topic: 'a-rather-long-topic-name', partition: 0, currentOffset: 4, logEndOffset: 6, lag: 2, consumerId: '-', host: '-', clientId: '-' }]);
    expect(text.split('\n')).toEqual([
      '',
      'GROUP           TOPIC                    PARTITION  CURRENT-OFFSET  LOG-END-OFFSET  LAG             CONSUMER-ID     HOST            CLIENT-ID',
      'g               a-rather-long-topic-name 0          4               6               2               -               -               -',
      '',
    ]);
    expect(membersTable([{ group: 'g', consumerId: 'c-1', groupInstanceId: null, host: '/127.0.0.1', clientId: 'app', assignment: [{ topic: 't', partition: 1 }, { topic: 't', partition: 0 }] }], true).split('\n')[2]).toBe(
      'g               c-1             /127.0.0.1      app             2               t(0,1)',
    );
    expect(stateTable({ group: 'g', coordinator: { nodeId: 1, host: 'localhost', port: 9092 }, assignmentStrategy: 'range', state: 'Stable', members: 2 }).split('\n')[2]).toBe(
      'g                         localhost:9092  (1)       range                Stable          2',
    );
  });
});
