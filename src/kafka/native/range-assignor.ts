import type { TopicPartition } from '../../topics/message-context.ts';

/**
 * Kafka's `range` assignment (Java's RangeAssignor): per topic, the members subscribed to it in
 * member-id order each take a contiguous range of partitions, the first `partitions % members`
 * one more than the rest.
 *
 * @example
 * ```ts
 * rangeAssign(new Map([['a', ['t']], ['b', ['t']]]), new Map([['t', 3]]));
 * // Map { 'a' => [t/0, t/1], 'b' => [t/2] }
 * ```
 */
export function rangeAssign(subscriptions: ReadonlyMap<string, readonly string[]>, partitionCounts: ReadonlyMap<string, number>): Map<string, TopicPartition[]> {
  const out = new Map<string, TopicPartition[]>();
  for (const member of subscriptions.keys()) out.set(member, []);
  const topics = new Set<string>();
  for (const list of subscriptions.values()) for (const t of list) topics.add(t);
  for (const topic of [...topics].sort()) {
    const members = [...subscriptions].filter(([, list]) => list.includes(topic)).map(([m]) => m).sort();
    const n = partitionCounts.get(topic) ?? 0;
    const per = Math.floor(n / members.length);
    const extra = n % members.length;
    members.forEach((member, i) => {
      const start = i * per + Math.min(i, extra);
      const length = per + (i < extra ? 1 : 0);
      for (let p = start; p < start + length; p++) out.get(member)!.push({ topic, partition: p });
    });
  }
  return out;
}
