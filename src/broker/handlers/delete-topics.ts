import type { ApiHandler, RequestContext } from '../handler.ts';
import type { DeleteTopicsRequest, DeleteTopicsResponse } from '../../protocol/generated/delete-topics.ts';
import { ErrorCode } from '../../protocol/error-codes.ts';

/**
 * DeleteTopics (key 20), v0–1: deletes topics by name; an unknown one answers
 * UNKNOWN_TOPIC_OR_PARTITION.
 *
 * @example
 * ```ts
 * registry.set(deleteTopicsHandler.apiKey, deleteTopicsHandler);
 * ```
 */
export const deleteTopicsHandler: ApiHandler<DeleteTopicsRequest, DeleteTopicsResponse> = {
  apiKey: 20,
  name: 'DeleteTopics',
  implemented: { min: 0, max: 1 },
  advertised: { min: 0, max: 1 },
  handle(req: DeleteTopicsRequest, ctx: RequestContext): DeleteTopicsResponse {
    const { storage, log } = ctx.broker;
    const responses = (req.topicNames ?? []).map((name) => {
      if (!storage.topic(name)) return { name, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION };
      storage.deleteTopic(name);
      log.info({ topic: name }, 'topic deleted');
      return { name, errorCode: ErrorCode.NONE };
    });
    return { throttleTimeMs: 0, responses };
  },
};
