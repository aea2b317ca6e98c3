import { compareTopicPartitions, type GroupAdmin, type TopicPartition } from '../../kafka/group-admin.ts';
import type { CommitOffset } from '../../kafka/group-consumer.ts';
import { CliError } from '../cli-error.ts';
import { NO_EXECUTE_WARNING, type ConsumerGroupsAction, type ResetScenario } from './consumer-groups-options.ts';
import type { GroupOutput } from './group-output.ts';
import { resetTable } from './group-tables.ts';
import { readResetPlan } from './reset-plan-file.ts';
import { resolveTopicArgs } from './resolve-topic-args.ts';

type ResetAction = Extract<ConsumerGroupsAction, { kind: 'reset-offsets' }>;

const tpKey = (tp: TopicPartition): string => `${tp.topic}:${tp.partition}`;

/**
 * `--reset-offsets`: for each group without active members (Empty, or Dead: never seen), works
 * out the new offset of every partition in scope and, with `--execute`, commits them; prints
 * Kafka's GROUP TOPIC PARTITION NEW-OFFSET plan (or CSV with `--export`). A group with members
 * is refused with Kafka's error line and left alone. `now` is the clock `--by-duration` counts
 * back from.
 *
 * @example
 * ```ts
 * await resetOffsets(admin, parseConsumerGroupsArgs({ 'reset-offsets': true, group: ['g'], topic: ['t'], 'to-earliest': true, execute: true }), PROCESS_OUTPUT);
 * ```
 */
export async function resetOffsets(admin: GroupAdmin, action: ResetAction, out: GroupOutput, now: () => number = Date.now): Promise<void> {
  if (action.warnNoAction) out.stderr(`${NO_EXECUTE_WARNING}\n`);
  const ids = action.groups.all ? (await admin.listGroups()).map((g) => g.groupId) : [...new Set(action.groups.groups)];
  const plans: { group: string; offsets: CommitOffset[] }[] = [];
  const scenario = action.scenario;
  const fromFile = scenario.kind === 'from-file' ? readResetPlan(scenario.path, !action.groups.all && ids.length === 1 ? ids[0]! : null) : new Map<string, CommitOffset[]>();
  for (const group of await admin.describeGroups(ids)) {
    if (group.state !== 'Empty' && group.state !== 'Dead') {
      out.stdout(`\nError: Assignments can only be reset if the group '${group.groupId}' is inactive, but the current state is ${group.state}.\n`);
      plans.push({ group: group.groupId, offsets: [] });
      continue;
    }
    let offsets: CommitOffset[];
    if (scenario.kind === 'from-file') {
      const planned = fromFile.get(group.groupId);
      if (planned === undefined) out.stdout(`\nError: No reset plan for group ${group.groupId} found\n`);
      offsets = await clamp(admin, planned ?? [], out);
    } else {
      const partitions = await partitionsInScope(admin, group.groupId, action.scope);
      offsets = await newOffsets(admin, group.groupId, partitions, scenario, out, now);
    }
    if (action.execute) await admin.alterGroupOffsets(group.groupId, offsets);
    plans.push({ group: group.groupId, offsets });
  }
  const rows = plans.flatMap((p) => p.offsets.map((o) => ({ group: p.group, ...o }))).sort((a, b) => (a.group < b.group ? -1 : a.group > b.group ? 1 : compareTopicPartitions(a, b)));
  if (action.export) {
    const single = !action.groups.all && ids.length === 1;
    out.stdout(`${rows.map((r) => (single ? `${r.topic},${r.partition},${r.offset}` : `${r.group},${r.topic},${r.partition},${r.offset}`)).join('\n')}\n`);
  } else if (plans.length > 0) {
    out.stdout(resetTable(rows));
  }
}

/** `--all-topics`: every partition the group committed; `--topic`: the partitions named. */
async function partitionsInScope(admin: GroupAdmin, groupId: string, scope: ResetAction['scope']): Promise<TopicPartition[]> {
  if (scope.allTopics) return (await admin.groupOffsets(groupId)).map(({ topic, partition }) => ({ topic, partition }));
  return (await resolveTopicArgs(admin, scope.topics, { requirePartitionsExist: true })).partitions;
}

/** The new offset of each partition as Kafka's tool works it out for `scenario`. */
async function newOffsets(admin: GroupAdmin, groupId: string, partitions: readonly TopicPartition[], scenario: Exclude<ResetScenario, { kind: 'from-file' }>, out: GroupOutput, now: () => number): Promise<CommitOffset[]> {
  const at = (offsets: Map<string, number>): CommitOffset[] => partitions.map((tp) => ({ ...tp, offset: offsets.get(tpKey(tp))! }));
  switch (scenario.kind) {
    case 'to-earliest':
      return at(await admin.partitionOffsets(partitions, 'earliest'));
    case 'to-latest':
      return at(await admin.partitionOffsets(partitions, 'latest'));
    case 'to-offset':
      return clamp(admin, partitions.map((tp) => ({ ...tp, offset: scenario.offset })), out);
    case 'shift-by': {
      const committed = await committedOffsets(admin, groupId);
      return clamp(
        admin,
        partitions.map((tp) => {
          const current = committed.get(tpKey(tp));
          if (current === undefined) {
            throw new CliError(`Cannot shift offset for partition ${tp.topic}-${tp.partition} since there is no current committed offset`);
          }
          return { ...tp, offset: current + scenario.shift };
        }),
        out,
      );
    }
    case 'to-current': {
      const committed = await committedOffsets(admin, groupId);
      const ends = await admin.partitionOffsets(partitions.filter((tp) => !committed.has(tpKey(tp))), 'latest');
      return partitions.map((tp) => ({ ...tp, offset: committed.get(tpKey(tp)) ?? ends.get(tpKey(tp))! }));
    }
    case 'to-datetime':
      return byTimestamp(admin, partitions, scenario.timestamp, out);
    case 'by-duration':
      return byTimestamp(admin, partitions, now() - scenario.durationMs, out);
  }
}

async function committedOffsets(admin: GroupAdmin, groupId: string): Promise<Map<string, number>> {
  return new Map((await admin.groupOffsets(groupId)).map((o) => [tpKey(o), o.offset]));
}

/** The first offset at or after `timestamp`; partitions without such a record fall back to their end (Kafka's warning on stdout). */
async function byTimestamp(admin: GroupAdmin, partitions: readonly TopicPartition[], timestamp: number, out: GroupOutput): Promise<CommitOffset[]> {
  const found = await admin.partitionOffsets(partitions, { timestamp });
  const empty = partitions.filter((tp) => (found.get(tpKey(tp)) ?? -1) < 0);
  for (const tp of empty) out.stdout(`\nWarn: Partition ${tp.partition} from topic ${tp.topic} is empty. Falling back to latest known offset.\n`);
  const ends = await admin.partitionOffsets(empty, 'latest');
  return partitions.map((tp) => ({ ...tp, offset: (found.get(tpKey(tp)) ?? -1) >= 0 ? found.get(tpKey(tp))! : ends.get(tpKey(tp))! }));
}

/** Keeps requested offsets within each partition's first and end offset, warning (stderr) as Kafka does. */
async function clamp(admin: GroupAdmin, requested: readonly CommitOffset[], out: GroupOutput): Promise<CommitOffset[]> {
  if (requested.length === 0) return [];
  const [starts, ends] = await Promise.all([admin.partitionOffsets(requested, 'earliest'), admin.partitionOffsets(requested, 'latest')]);
  return requested.map((r) => {
    const start = starts.get(tpKey(r))!;
    const end = ends.get(tpKey(r))!;
    if (r.offset > end) {
      out.stderr(`WARN New offset (${r.offset}) is higher than latest offset for topic partition ${r.topic}-${r.partition}. Value will be set to ${end}\n`);
      return { ...r, offset: end };
    }
    if (r.offset < start) {
      out.stderr(`WARN New offset (${r.offset}) is lower than earliest offset for topic partition ${r.topic}-${r.partition}. Value will be set to ${start}\n`);
      return { ...r, offset: start };
    }
    return r;
  });
}
