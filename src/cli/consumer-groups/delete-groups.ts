import { compareTopicPartitions, type GroupAdmin } from '../../kafka/group-admin.ts';
import type { ConsumerGroupsAction } from './consumer-groups-options.ts';
import type { GroupOutput } from './group-output.ts';
import { deleteOffsetsTable } from './group-tables.ts';
import { kafkaErrorText } from './kafka-error-text.ts';
import { resolveTopicArgs } from './resolve-topic-args.ts';

/**
 * `--delete`: deletes groups that have no active members (and their committed offsets), and
 * reports as Kafka's tool does: one success line, or "Error: Deletion of some consumer groups
 * failed:" and a line per group that was not deleted.
 *
 * @example
 * ```ts
 * await deleteGroups(admin, { kind: 'delete', groups: { all: false, groups: ['old'] } }, PROCESS_OUTPUT);
 * ```
 */
export async function deleteGroups(admin: GroupAdmin, action: Extract<ConsumerGroupsAction, { kind: 'delete' }>, out: GroupOutput): Promise<void> {
  const ids = action.groups.all ? (await admin.listGroups()).map((g) => g.groupId) : [...new Set(action.groups.groups)];
  const results = await admin.deleteGroups(ids);
  const failed = results.filter((r) => r.error !== null);
  const deleted = results.filter((r) => r.error === null).map((r) => r.groupId);
  if (failed.length === 0) {
    out.stdout(`Deletion of requested consumer groups ('${deleted.join(', ')}') was successful.\n`);
    return;
  }
  out.stdout('\nError: Deletion of some consumer groups failed:\n');
  for (const f of failed) out.stdout(`* Group '${f.groupId}' could not be deleted due to: ${kafkaErrorText(f.error!)}\n`);
  if (deleted.length > 0) out.stdout(`\nThese consumer groups were deleted successfully: ${deleted.map((g) => `'${g}'`).join(', ')}\n`);
}

/** Kafka's top-level line for a `--delete-offsets` answer. */
function deleteOffsetsHeadline(error: string | null, group: string, topics: readonly string[]): string {
  switch (error) {
    case null:
      return `Request succeed for deleting offsets with topic ${topics.join(', ')} group ${group}\n`;
    case 'INVALID_GROUP_ID':
      return `\nError: '${group}' is not valid.\n`;
    case 'GROUP_ID_NOT_FOUND':
      return `\nError: '${group}' does not exist.\n`;
    case 'GROUP_AUTHORIZATION_FAILED':
      return `\nError: Access to '${group}' is not authorized.\n`;
    case 'NON_EMPTY_GROUP':
      return `\nError: Deleting offsets of a consumer group '${group}' is forbidden if the group is not empty.\n`;
    case 'GROUP_SUBSCRIBED_TO_TOPIC':
    case 'TOPIC_AUTHORIZATION_FAILED':
    case 'UNKNOWN_TOPIC_OR_PARTITION':
      return '\nError: Encounter some partition level error, see the follow-up details:\n';
    default:
      return `\nError: Encounter some unknown error: ${error}\n`;
  }
}

/**
 * `--delete-offsets --group G --topic T[:P,...]`: deletes the group's committed offsets of those
 * partitions (every partition of a topic named without partitions) with the OffsetDelete API and
 * prints Kafka's headline and its TOPIC PARTITION STATUS table.
 *
 * @example
 * ```ts
 * await deleteGroupOffsets(admin, { kind: 'delete-offsets', group: 'g', topics: [{ topic: 't', partitions: null }] }, PROCESS_OUTPUT);
 * ```
 */
export async function deleteGroupOffsets(admin: GroupAdmin, action: Extract<ConsumerGroupsAction, { kind: 'delete-offsets' }>, out: GroupOutput): Promise<void> {
  const { partitions, missingTopics } = await resolveTopicArgs(admin, action.topics, { requirePartitionsExist: false });
  const result = await admin.deleteGroupOffsets(action.group, partitions);
  const firstPartitionError = result.partitions.find((p) => p.error !== null)?.error ?? null;
  out.stdout(deleteOffsetsHeadline(result.error ?? firstPartitionError, action.group, action.topics.map((t) => (t.partitions === null ? t.topic : `${t.topic}:${t.partitions.join(',')}`))));
  const status = (error: string | null): string => (error === null ? 'Successful' : `Error: :${kafkaErrorText(error)}`);
  const partitionError = new Map(result.partitions.map((p) => [`${p.topic}:${p.partition}`, p.error]));
  const rows = [
    ...missingTopics.map((topic) => ({ topic, partition: null, status: status('UNKNOWN_TOPIC_OR_PARTITION') })),
    ...partitions.map((p) => ({ topic: p.topic, partition: p.partition, status: status(result.error ?? partitionError.get(`${p.topic}:${p.partition}`) ?? null) })),
  ].sort((a, b) => compareTopicPartitions({ topic: a.topic, partition: a.partition ?? -1 }, { topic: b.topic, partition: b.partition ?? -1 }));
  out.stdout(deleteOffsetsTable(rows));
}
