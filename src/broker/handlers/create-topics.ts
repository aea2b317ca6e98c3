import type { ApiHandler, RequestContext } from '../handler.ts';
import type { CreateTopicsRequest, CreateTopicsResponse, CreatableTopicResult, CreatableTopic } from '../../protocol/generated/create-topics.ts';
import { ErrorCode } from '../../protocol/error-codes.ts';
import { topicNameProblem } from './validate-topic-name.ts';
import { isKnownTopicConfig } from './topic-configs.ts';

/** More partitions than this in one topic is almost surely a mistake on a single dev broker. */
export const MAX_PARTITIONS_PER_TOPIC = 10_000;

function check(t: CreatableTopic, ctx: RequestContext, seen: Set<string>): { errorCode: number; errorMessage: string | null; partitions: number } {
  const problem = topicNameProblem(t.name);
  const partitions = t.assignments.length > 0 ? t.assignments.length : t.numPartitions === -1 ? ctx.broker.config.defaultPartitions : t.numPartitions;
  const fail = (errorCode: number, errorMessage: string) => ({ errorCode, errorMessage, partitions });
  if (problem !== null) return fail(ErrorCode.INVALID_TOPIC_EXCEPTION, problem);
  if (seen.has(t.name)) return fail(ErrorCode.INVALID_REQUEST, `topic "${t.name}" appears twice in the request; list it once`);
  seen.add(t.name);
  if (ctx.broker.storage.topic(t.name)) return fail(ErrorCode.TOPIC_ALREADY_EXISTS, `topic "${t.name}" already exists`);
  if (partitions < 1 || partitions > MAX_PARTITIONS_PER_TOPIC) {
    return fail(ErrorCode.INVALID_PARTITIONS, `topic "${t.name}": number of partitions must be 1 to ${MAX_PARTITIONS_PER_TOPIC} (or -1 for the default), got ${t.numPartitions}`);
  }
  if (t.replicationFactor === 0 || t.replicationFactor < -1) {
    return fail(ErrorCode.INVALID_REPLICATION_FACTOR, `topic "${t.name}": replication factor must be at least 1 (or -1), got ${t.replicationFactor}`);
  }
  const unknown = t.configs.find((c) => !isKnownTopicConfig(c.name));
  if (unknown) return fail(ErrorCode.INVALID_CONFIG, `topic "${t.name}": unknown topic config "${unknown.name}"`);
  return { errorCode: ErrorCode.NONE, errorMessage: null, partitions };
}

/**
 * CreateTopics (key 19), v0–4: creates topics (num_partitions -1 = the broker default), with
 * their configs, or only validates them (`validate_only`). Any replication factor ≥ 1 is accepted
 * (this is one node; there is one replica). Errors: INVALID_TOPIC_EXCEPTION, TOPIC_ALREADY_EXISTS,
 * INVALID_PARTITIONS, INVALID_CONFIG.
 *
 * @example
 * ```ts
 * registry.set(createTopicsHandler.apiKey, createTopicsHandler);
 * ```
 */
export const createTopicsHandler: ApiHandler<CreateTopicsRequest, CreateTopicsResponse> = {
  apiKey: 19,
  name: 'CreateTopics',
  implemented: { min: 0, max: 4 },
  advertised: { min: 0, max: 4 },
  handle(req: CreateTopicsRequest, ctx: RequestContext): CreateTopicsResponse {
    const seen = new Set<string>();
    const topics: CreatableTopicResult[] = req.topics.map((t) => {
      const { errorCode, errorMessage, partitions } = check(t, ctx, seen);
      if (errorCode === ErrorCode.NONE && !req.validateOnly) {
        const configs: Record<string, string> = {};
        for (const c of t.configs) if (c.value !== null) configs[c.name] = c.value;
        ctx.broker.storage.createTopic(t.name, partitions, configs);
        ctx.broker.log.info({ topic: t.name, partitions, configs }, 'topic created');
      }
      return { name: t.name, errorCode, errorMessage, numPartitions: partitions, replicationFactor: 1, configs: null };
    });
    return { throttleTimeMs: 0, topics };
  },
};
