import type { Logger } from 'pino';
import type { Topic } from '../topics/topic.ts';
import type { KafkaAdmin } from './kafka-admin.ts';
import { TopicLayoutError } from './topic-layout-error.ts';

/** What {@link prepareTopics} found and did. */
export interface TopicLayout {
  /** Names of the topics it created. */
  readonly created: readonly string[];
  /** Partition count on the broker of every topic of the app that exists. */
  readonly partitions: ReadonlyMap<string, number>;
}

/** Options of {@link prepareTopics}. */
export interface PrepareTopicsOptions {
  logger: Logger;
  /** Create the missing topics (the app's `autoCreateTopics`); default true. */
  create?: boolean;
}

/**
 * Brings the broker's topics in line with the app's. Missing topics are created (with `create`):
 * first those with their own settings, then the internal topics that follow a source topic
 * (`topic.sourceTopic`), each with as many partitions as its source has on the broker — a
 * changelog must have a partition for every input partition, or the state of the others could not
 * be written. An internal topic that exists with fewer partitions than its source is a
 * {@link TopicLayoutError}.
 *
 * @example
 * ```ts
 * const { created, partitions } = await prepareTopics(client.admin, app.topics.all(), { logger });
 * partitions.get('transactions'); // 3
 * ```
 */
export async function prepareTopics(admin: KafkaAdmin, topics: readonly Topic<any, any>[], options: PrepareTopicsOptions): Promise<TopicLayout> {
  const create = options.create ?? true;
  const unique = [...new Map(topics.map((t) => [t.name, t])).values()];
  const existing = new Set(await admin.listTopics());
  const created: string[] = [];
  const createMissing = async (missing: { topic: Topic<any, any>; numPartitions: number }[]): Promise<void> => {
    if (!create || missing.length === 0) return;
    await admin.createTopics(
      missing.map(({ topic, numPartitions }) => ({
        name: topic.name,
        numPartitions,
        replicationFactor: topic.config.replicationFactor,
        configs: topic.config.extra,
      })),
    );
    for (const { topic } of missing) existing.add(topic.name);
    created.push(...missing.map(({ topic }) => topic.name));
    options.logger.info({ topics: missing.map(({ topic }) => topic.name) }, 'created missing topics');
  };

  await createMissing(unique.filter((t) => t.sourceTopic === undefined && !existing.has(t.name)).map((topic) => ({ topic, numPartitions: topic.config.numPartitions })));
  const partitions = await partitionCounts(admin, unique.filter((t) => existing.has(t.name)).map((t) => t.name));

  // Internal topics follow their sources, which may be internal too (a repartition topic's changelog).
  let pending = unique.filter((t) => t.sourceTopic !== undefined);
  while (pending.length > 0) {
    const ready = pending.filter((t) => partitions.has(t.sourceTopic!));
    if (ready.length === 0) break; // sources that do not exist (and are not created): nothing to follow
    pending = pending.filter((t) => !ready.includes(t));
    for (const t of ready) {
      const have = partitions.get(t.name);
      const need = partitions.get(t.sourceTopic!)!;
      if (have !== undefined && have < need) {
        throw new TopicLayoutError(
          t.name,
          `internal topic '${t.name}' has ${have} partition(s) but its source topic '${t.sourceTopic}' has ${need}; ` +
            `records of partitions ${have}..${need - 1} would have nowhere to go. Delete it (npx sluice topics delete ${t.name}) ` +
            `so that sluice recreates it with ${need}, or run under a new consumer group.`,
        );
      }
    }
    const missing = ready.filter((t) => !partitions.has(t.name));
    await warnOnCleanupPolicy(admin, ready.filter((t) => partitions.has(t.name)), options.logger);
    await createMissing(missing.map((topic) => ({ topic, numPartitions: partitions.get(topic.sourceTopic!)! })));
    for (const t of missing) if (existing.has(t.name)) partitions.set(t.name, partitions.get(t.sourceTopic!)!);
  }
  return { created, partitions };
}

/**
 * Warns about existing internal topics whose `cleanup.policy` is not the one sluice creates them
 * with: a changelog that is deleted by retention instead of compacted loses state after
 * `retention.ms`, and the next rebuild from it would be incomplete.
 */
async function warnOnCleanupPolicy(admin: KafkaAdmin, topics: readonly Topic<any, any>[], logger: Logger): Promise<void> {
  const checked = topics.filter((t) => t.config.extra['cleanup.policy'] !== undefined);
  if (checked.length === 0) return;
  const configs = await admin.topicConfigs(checked.map((t) => t.name), ['cleanup.policy']);
  for (const t of checked) {
    const want = t.config.extra['cleanup.policy'];
    const have = configs.get(t.name)?.['cleanup.policy'];
    if (want === undefined || have === undefined || have === want) continue;
    logger.warn(
      { topic: t.name, cleanupPolicy: have, expected: want },
      `internal topic '${t.name}' has cleanup.policy=${have}, not ${want}: old state may be deleted by retention. ` +
        `Fix it with: kafka-configs --bootstrap-server <broker> --alter --entity-type topics --entity-name ${t.name} --add-config cleanup.policy=${want}`,
    );
  }
}

async function partitionCounts(admin: KafkaAdmin, names: string[]): Promise<Map<string, number>> {
  if (names.length === 0) return new Map();
  const topics = await admin.describeTopics(names);
  return new Map(topics.map((t) => [t.name, t.partitions.length]));
}
