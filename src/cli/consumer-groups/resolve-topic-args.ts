import type { GroupAdmin, TopicPartition } from '../../kafka/group-admin.ts';
import { CliError } from '../cli-error.ts';
import type { TopicArg } from './consumer-groups-options.ts';

/**
 * Turns `--topic` arguments into partitions: `t:0,2` as given, `t` as every partition of `t`.
 * Topics named without partitions that do not exist are returned in `missingTopics`; with
 * `requirePartitionsExist` any unknown topic or partition is a CliError instead.
 *
 * @example
 * ```ts
 * const { partitions } = await resolveTopicArgs(admin, [{ topic: 'orders', partitions: null }], { requirePartitionsExist: true });
 * ```
 */
export async function resolveTopicArgs(
  admin: GroupAdmin,
  topics: readonly TopicArg[],
  options: { requirePartitionsExist: boolean },
): Promise<{ partitions: TopicPartition[]; missingTopics: string[] }> {
  const lookUp = topics.filter((t) => t.partitions === null || options.requirePartitionsExist).map((t) => t.topic);
  const existing = await admin.topicPartitions([...new Set(lookUp)]);
  const partitions: TopicPartition[] = [];
  const missingTopics: string[] = [];
  const seen = new Set<string>();
  const add = (topic: string, partition: number): void => {
    if (seen.has(`${topic}:${partition}`)) return;
    seen.add(`${topic}:${partition}`);
    partitions.push({ topic, partition });
  };
  for (const t of topics) {
    const known = existing.get(t.topic);
    if (options.requirePartitionsExist && known === undefined) {
      throw new CliError(`Topic '${t.topic}' does not exist — check the name with \`sluice topics list\``);
    }
    if (t.partitions === null) {
      if (known === undefined) missingTopics.push(t.topic);
      else for (const p of known) add(t.topic, p);
      continue;
    }
    for (const p of t.partitions) {
      if (options.requirePartitionsExist && !known!.includes(p)) {
        throw new CliError(`Topic '${t.topic}' has no partition ${p} (it has partitions ${known!.join(', ')})`);
      }
      add(t.topic, p);
    }
  }
  return { partitions, missingTopics };
}
