import { ConfigError } from '../errors.ts';
import type { Topic } from '../topics/topic.ts';

/**
 * The topics an Application knows: those it reads, writes and keeps for itself (changelogs,
 * repartition topics). At start the missing ones are created (with `autoCreateTopics`).
 *
 * @example
 * ```ts
 * app.topics.register(new Topic('orders-changelog', { internal: true, config: { extra: { 'cleanup.policy': 'compact' } } }));
 * app.topics.get('orders-changelog')?.internal; // true
 * ```
 */
export class TopicRegistry {
  private readonly byName = new Map<string, Topic<any, any>>();

  /**
   * Adds a topic; a topic of the same name replaces the earlier one unless their partition or
   * replication settings disagree (a ConfigError then).
   *
   * @example
   * ```ts
   * registry.register(new Topic('jokes'));
   * ```
   */
  register<T extends Topic<any, any>>(topic: T): T {
    const earlier = this.byName.get(topic.name);
    if (
      earlier &&
      (earlier.config.numPartitions !== topic.config.numPartitions || earlier.config.replicationFactor !== topic.config.replicationFactor)
    ) {
      throw new ConfigError(
        `topic '${topic.name}' is declared twice with different settings (${earlier.config.numPartitions} vs ${topic.config.numPartitions} partitions, ` +
          `replication ${earlier.config.replicationFactor} vs ${topic.config.replicationFactor}); declare it once and reuse the Topic`,
      );
    }
    this.byName.set(topic.name, topic);
    return topic;
  }

  /**
   * The topic named `name`, if registered.
   *
   * @example
   * ```ts
   * registry.get('jokes');
   * ```
   */
  get(name: string): Topic<any, any> | undefined {
    return this.byName.get(name);
  }

  /**
   * All registered topics, in registration order.
   *
   * @example
   * ```ts
   * registry.all().map((t) => t.name);
   * ```
   */
  all(): Topic<any, any>[] {
    return [...this.byName.values()];
  }
}
