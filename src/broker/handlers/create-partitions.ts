import type { ApiHandler, RequestContext } from '../handler.ts';
import type { CreatePartitionsRequest, CreatePartitionsResponse } from '../../protocol/generated/create-partitions.ts';
import { ErrorCode } from '../../protocol/error-codes.ts';
import { MAX_PARTITIONS_PER_TOPIC } from './create-topics.ts';

/**
 * CreatePartitions (key 37), v0–1: grows topics to `count` partitions (never shrinks: a count not
 * above the current one answers INVALID_PARTITIONS), or only validates.
 *
 * @example
 * ```ts
 * registry.set(createPartitionsHandler.apiKey, createPartitionsHandler);
 * ```
 */
export const createPartitionsHandler: ApiHandler<CreatePartitionsRequest, CreatePartitionsResponse> = {
  apiKey: 37,
  name: 'CreatePartitions',
  implemented: { min: 0, max: 1 },
  advertised: { min: 0, max: 1 },
  handle(req: CreatePartitionsRequest, ctx: RequestContext): CreatePartitionsResponse {
    const { storage, log } = ctx.broker;
    const results = req.topics.map((t) => {
      const topic = storage.topic(t.name);
      if (!topic) return { name: t.name, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, errorMessage: `topic "${t.name}" does not exist` };
      if (t.count <= topic.partitions) {
        return { name: t.name, errorCode: ErrorCode.INVALID_PARTITIONS, errorMessage: `topic "${t.name}" has ${topic.partitions} partitions; the new count ${t.count} must be larger` };
      }
      if (t.count > MAX_PARTITIONS_PER_TOPIC) {
        return { name: t.name, errorCode: ErrorCode.INVALID_PARTITIONS, errorMessage: `topic "${t.name}": at most ${MAX_PARTITIONS_PER_TOPIC} partitions, asked for ${t.count}` };
      }
      if (!req.validateOnly) {
        storage.addPartitions(t.name, t.count);
        log.info({ topic: t.name, partitions: t.count }, 'topic partitions added');
      }
      return { name: t.name, errorCode: ErrorCode.NONE, errorMessage: null };
    });
    return { throttleTimeMs: 0, results };
  },
};
