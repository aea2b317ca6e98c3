import { compareTopicPartitions, type GroupAdmin, type GroupDescription, type TopicPartition } from '../../kafka/group-admin.ts';
import type { ConsumerGroupsAction } from './consumer-groups-options.ts';
import { announceGroupState, type GroupOutput } from './group-output.ts';
import { MISSING, membersTable, offsetsTable, stateTable, type OffsetRow } from './group-tables.ts';

type DescribeAction = Extract<ConsumerGroupsAction, { kind: 'describe' }>;

const tpKey = (tp: TopicPartition): string => `${tp.topic}:${tp.partition}`;

/**
 * `--describe`: for each group (sorted by id) Kafka's state line, then the offsets table (the
 * default, also `--offsets`), the members table (`--members`, `--verbose` adds assignments) or
 * the state table (`--state`).
 *
 * @example
 * ```ts
 * await describeGroups(admin, { kind: 'describe', groups: { all: false, groups: ['g'] }, view: 'offsets', verbose: false }, PROCESS_OUTPUT);
 * ```
 */
export async function describeGroups(admin: GroupAdmin, action: DescribeAction, out: GroupOutput): Promise<void> {
  const ids = action.groups.all ? (await admin.listGroups()).map((g) => g.groupId) : action.groups.groups;
  const described = (await admin.describeGroups([...new Set(ids)])).sort((a, b) => (a.groupId < b.groupId ? -1 : a.groupId > b.groupId ? 1 : 0));
  for (const group of described) {
    if (action.view === 'offsets') {
      const rows = group.state === 'Dead' ? [] : await offsetRows(admin, group);
      if (announceGroupState(group.groupId, group.state, rows.length, out)) out.stdout(offsetsTable(rows));
    } else if (action.view === 'members') {
      announceGroupState(group.groupId, group.state, group.members.length, out);
      const rows = group.state === 'Dead' ? [] : group.members.map((m) => ({ group: group.groupId, consumerId: m.memberId, groupInstanceId: m.groupInstanceId, host: m.host, clientId: m.clientId, assignment: m.assignment }));
      out.stdout(membersTable(rows, action.verbose));
    } else if (announceGroupState(group.groupId, group.state, 1, out)) {
      out.stdout(stateTable({ group: group.groupId, coordinator: group.coordinator, assignmentStrategy: group.assignmentStrategy, state: group.state, members: group.members.length }));
    }
  }
}

/**
 * The offsets table of one group as Kafka builds it: the partitions of each member with an
 * assignment (members with most partitions first), then committed partitions nobody owns (with
 * "-" as consumer); lag is the log end minus the committed offset.
 */
async function offsetRows(admin: GroupAdmin, group: GroupDescription): Promise<OffsetRow[]> {
  const offsets = await admin.groupOffsets(group.groupId);
  const committed = new Map(offsets.map((o) => [tpKey(o), o.offset]));
  const owners = group.members.filter((m) => m.assignment.length > 0).sort((a, b) => b.assignment.length - a.assignment.length);
  const owned = new Set(owners.flatMap((m) => m.assignment.map(tpKey)));
  const unowned = offsets.filter((o) => !owned.has(tpKey(o))).map(({ topic, partition }) => ({ topic, partition }));
  const all = [...owners.flatMap((m) => m.assignment), ...unowned];
  const ends = await logEndOffsets(admin, all);
  const row = (tp: TopicPartition, consumerId: string, host: string, clientId: string): OffsetRow => {
    const current = committed.get(tpKey(tp)) ?? null;
    const end = ends.get(tpKey(tp)) ?? null;
    return { group: group.groupId, topic: tp.topic, partition: tp.partition, currentOffset: current, logEndOffset: end, lag: current === null || end === null ? null : end - current, consumerId, host, clientId };
  };
  return [
    ...owners.flatMap((m) => [...m.assignment].sort(compareTopicPartitions).map((tp) => row(tp, m.memberId, m.host, m.clientId))),
    ...unowned.sort(compareTopicPartitions).map((tp) => row(tp, MISSING, MISSING, MISSING)),
  ];
}

/** Log end offsets of the partitions that still exist (a deleted topic's committed offsets show "-"). */
async function logEndOffsets(admin: GroupAdmin, partitions: readonly TopicPartition[]): Promise<Map<string, number>> {
  const existing = await admin.topicPartitions([...new Set(partitions.map((p) => p.topic))]);
  const known = partitions.filter((p) => existing.get(p.topic)?.includes(p.partition) === true);
  return admin.partitionOffsets(known, 'latest');
}
