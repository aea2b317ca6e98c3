import type { TopicInfo } from '../storage/log-storage.ts';
import type { BrokerContext } from '../handler.ts';
import { ErrorCode } from '../../protocol/error-codes.ts';
import { topicNameProblem } from './validate-topic-name.ts';

/** A topic found or created, or the error code to answer. */
export type TopicLookup = { topic: TopicInfo; errorCode: 0 } | { topic: undefined; errorCode: number };

/**
 * Finds a topic, creating it with the broker's default partition count when `create` is true and
 * the name is valid. Logs each creation at info level.
 *
 * @example
 * ```ts
 * const { topic, errorCode } = findOrCreateTopic(ctx.broker, 'jokes', ctx.broker.config.autoCreateTopics);
 * ```
 */
export function findOrCreateTopic(broker: BrokerContext, name: string, create: boolean): TopicLookup {
  const existing = broker.storage.topic(name);
  if (existing) return { topic: existing, errorCode: 0 };
  if (topicNameProblem(name) !== null) return { topic: undefined, errorCode: ErrorCode.INVALID_TOPIC_EXCEPTION };
  if (!create) return { topic: undefined, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION };
  const topic = broker.storage.createTopic(name, broker.config.defaultPartitions);
  broker.log.info({ topic: name, partitions: topic.partitions }, 'topic auto-created');
  return { topic, errorCode: 0 };
}
