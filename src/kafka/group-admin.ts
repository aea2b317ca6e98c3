import type { TopicPartition } from '../topics/message-context.ts';
import type { CommitOffset } from './group-consumer.ts';

export type { TopicPartition };

/**
 * Orders partitions by topic, then partition number (for `Array.prototype.sort`).
 *
 * @example
 * ```ts
 * partitions.sort(compareTopicPartitions);
 * ```
 */
export function compareTopicPartitions(a: TopicPartition, b: TopicPartition): number {
  return a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : a.partition - b.partition;
}

/**
 * A consumer group as ListGroups names it.
 *
 * @example
 * ```ts
 * const [g]: GroupListing[] = await groups.listGroups();
 * g.state; // 'Stable' (null when the broker does not say)
 * ```
 */
export interface GroupListing {
  groupId: string;
  /** `consumer`, or `''` for a group that only has committed offsets. */
  protocolType: string;
  /** `Empty`, `Stable`, `PreparingRebalance`, ...; null from brokers before ListGroups v4. */
  state: string | null;
}

/**
 * One member of a consumer group and the partitions it was assigned.
 *
 * @example
 * ```ts
 * member.assignment; // [{ topic: 'orders', partition: 0 }]
 * ```
 */
export interface GroupMemberDescription {
  memberId: string;
  groupInstanceId: string | null;
  clientId: string;
  /** Where the member connects from, as the broker reports it (`/127.0.0.1`). */
  host: string;
  assignment: TopicPartition[];
}

/**
 * A consumer group as DescribeGroups shows it, with the broker that coordinates it.
 *
 * @example
 * ```ts
 * const [d]: GroupDescription[] = await groups.describeGroups(['word-count']);
 * if (d.state === 'Dead') console.log('no such group');
 * ```
 */
export interface GroupDescription {
  groupId: string;
  /** `Empty`, `Stable`, `PreparingRebalance`, `CompletingRebalance`, or `Dead` for an unknown group. */
  state: string;
  protocolType: string;
  /** The assignor the members chose (`range`, `RoundRobinAssigner`, ...); empty unless Stable. */
  assignmentStrategy: string;
  coordinator: { nodeId: number; host: string; port: number };
  members: GroupMemberDescription[];
}

/**
 * The answer to {@link GroupAdmin.deleteGroupOffsets}: a group-level error, or one per partition.
 * Errors are Kafka's names (`GROUP_ID_NOT_FOUND`, `GROUP_SUBSCRIBED_TO_TOPIC`, ...).
 *
 * @example
 * ```ts
 * const { error, partitions } = await groups.deleteGroupOffsets('g', [{ topic: 't', partition: 0 }]);
 * ```
 */
export interface OffsetDeletion {
  error: string | null;
  partitions: (TopicPartition & { error: string | null })[];
}

/**
 * Where to look offsets up with {@link GroupAdmin.partitionOffsets}: the first offset, the end
 * (high watermark), or the first offset whose record timestamp is at or after an epoch-ms time.
 *
 * @example
 * ```ts
 * const spec: OffsetSpec = { timestamp: Date.parse('2026-12-01T00:00:00Z') };
 * ```
 */
export type OffsetSpec = 'earliest' | 'latest' | { timestamp: number };

/**
 * Consumer-group administration, what Kafka's `kafka-consumer-groups` does: list, describe,
 * read and set committed offsets, delete groups and their offsets. Make one with
 * `createGroupAdmin`.
 *
 * @example
 * ```ts
 * const groups = createGroupAdmin({ brokerAddress: 'localhost:9092', clientId: 'ops', logger });
 * for (const g of await groups.listGroups()) console.log(g.groupId);
 * await groups.close();
 * ```
 */
export interface GroupAdmin {
  /** Every consumer group of the cluster (groups of other protocol types are left out, as Kafka's tool does). */
  listGroups(): Promise<GroupListing[]>;
  /** The groups' state, members and assignments; an unknown group is described as `Dead`. */
  describeGroups(groupIds: readonly string[]): Promise<GroupDescription[]>;
  /** Every partition the group has a committed offset for, sorted by topic and partition. */
  groupOffsets(groupId: string): Promise<CommitOffset[]>;
  /** Commits `offsets` for the group as an outside admin (the group must have no active members). */
  alterGroupOffsets(groupId: string, offsets: readonly CommitOffset[]): Promise<void>;
  /** Deletes groups without members and their offsets; per group null or the Kafka error name. */
  deleteGroups(groupIds: readonly string[]): Promise<{ groupId: string; error: string | null }[]>;
  /** Deletes committed offsets of some partitions of a group (OffsetDelete). */
  deleteGroupOffsets(groupId: string, partitions: readonly TopicPartition[]): Promise<OffsetDeletion>;
  /**
   * The offset `spec` names for each partition, keyed `topic:partition`; -1 where no record is
   * at or after the timestamp. Reads what read_uncommitted consumers see, as Kafka's tool does.
   */
  partitionOffsets(partitions: readonly TopicPartition[], spec: OffsetSpec): Promise<Map<string, number>>;
  /** The partition numbers of each topic; a topic that does not exist is left out. */
  topicPartitions(topics: readonly string[]): Promise<Map<string, number[]>>;
  close(): Promise<void>;
}
