import type { Admin } from 'kafkajs';
import type { Logger } from 'pino';
import type { Topic } from '../topics/topic.ts';

/**
 * Creates those of `topics` the broker does not have yet, with each topic's partitions,
 * replication factor and extra configs; returns the names it created.
 *
 * @example
 * ```ts
 * const created = await ensureTopics(admin, [app.topic('jokes')], logger);
 * ```
 */
export async function ensureTopics(admin: Admin, topics: readonly Topic<any, any>[], logger: Logger): Promise<string[]> {
  const existing = new Set(await admin.listTopics());
  const missing = topics.filter((t, i) => !existing.has(t.name) && topics.findIndex((u) => u.name === t.name) === i);
  if (missing.length === 0) return [];
  try {
    await admin.createTopics({
      waitForLeaders: true,
      topics: missing.map((t) => ({
        topic: t.name,
        numPartitions: t.config.numPartitions,
        replicationFactor: t.config.replicationFactor,
        configEntries: Object.entries(t.config.extra).map(([name, value]) => ({ name, value })),
      })),
    });
  } catch (e) {
    // Another app may have created some of them meanwhile; only fail if some are still missing.
    const now = new Set(await admin.listTopics());
    if (missing.some((t) => !now.has(t.name))) throw e;
  }
  logger.info({ topics: missing.map((t) => t.name) }, 'created missing topics');
  return missing.map((t) => t.name);
}
