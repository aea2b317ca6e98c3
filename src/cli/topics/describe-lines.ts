import type { TopicDetails } from './topic-admin.ts';

const ids = (nodes: readonly number[]): string => nodes.join(',');

/**
 * The lines Kafka 3.9's `kafka-topics --describe` prints for a topic: one with the topic id (when
 * the broker has one), partition count, replication factor and the configs that are not at their
 * defaults, then one per partition with leader, replicas, in-sync replicas and the eligible leader
 * replicas (`N/A` when the broker does not report them).
 *
 * @example
 * ```ts
 * describeLines(details);
 * // ['Topic: t\tPartitionCount: 1\tReplicationFactor: 1\tConfigs: ', '\tTopic: t\tPartition: 0\tLeader: 1\tReplicas: 1\tIsr: 1\tElr: N/A\tLastKnownElr: N/A']
 * ```
 */
export function describeLines(topic: TopicDetails): string[] {
  const replicationFactor = topic.partitions[0]?.replicas.length ?? 0;
  const header =
    `Topic: ${topic.name}` +
    (topic.topicId === null ? '' : `\tTopicId: ${topic.topicId}`) +
    `\tPartitionCount: ${topic.partitions.length}\tReplicationFactor: ${replicationFactor}` +
    `\tConfigs: ${topic.configs.map(([name, value]) => `${name}=${value}`).join(',')}`;
  const partitions = topic.partitions.map(
    (p) =>
      `\tTopic: ${topic.name}\tPartition: ${p.partition}\tLeader: ${p.leader >= 0 ? p.leader : 'none'}\tReplicas: ${ids(p.replicas)}\tIsr: ${ids(p.isr)}` +
      `\tElr: ${p.elr === null ? 'N/A' : ids(p.elr)}\tLastKnownElr: ${p.lastKnownElr === null ? 'N/A' : ids(p.lastKnownElr)}`,
  );
  return [header, ...partitions];
}
