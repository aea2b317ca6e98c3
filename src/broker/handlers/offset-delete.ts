import type { ApiHandler, RequestContext } from '../handler.ts';
import type { OffsetDeleteRequest, OffsetDeleteResponse } from '../../protocol/generated/offset-delete.ts';
import { ErrorCode } from '../../protocol/error-codes.ts';
import type { TopicPartitions } from '../coordinator/coordinator-types.ts';

/**
 * OffsetDelete (key 47), v0: removes a group's committed offsets for the given partitions, durably.
 * A group error (GROUP_ID_NOT_FOUND, NON_EMPTY_GROUP for a non-consumer group with members,
 * INVALID_GROUP_ID, COORDINATOR_NOT_AVAILABLE) is answered at the top level with no topics;
 * otherwise each partition has its own code: UNKNOWN_TOPIC_OR_PARTITION for partitions the broker
 * does not have, GROUP_SUBSCRIBED_TO_TOPIC for topics the group's members consume, NONE when
 * deleted (also when nothing was committed) — as Apache Kafka answers.
 *
 * @example
 * ```ts
 * registry.set(offsetDeleteHandler.apiKey, offsetDeleteHandler);
 * ```
 */
export const offsetDeleteHandler: ApiHandler<OffsetDeleteRequest, OffsetDeleteResponse> = {
  apiKey: 47,
  name: 'OffsetDelete',
  implemented: { min: 0, max: 0 },
  advertised: { min: 0, max: 0 },
  handle(req: OffsetDeleteRequest, ctx: RequestContext): OffsetDeleteResponse {
    const { storage, coordinator } = ctx.broker;
    const known: TopicPartitions[] = req.topics.map((t) => ({
      topic: t.name,
      partitions: t.partitions.map((p) => p.partitionIndex).filter((p) => storage.partition(t.name, p) !== undefined),
    }));
    const result = coordinator.deleteOffsets(req.groupId, known.filter((t) => t.partitions.length > 0));
    if (result.errorCode !== ErrorCode.NONE) return { errorCode: result.errorCode, throttleTimeMs: 0, topics: [] };
    const errors = new Map(result.partitions.map((r) => [`${r.partition}:${r.topic}`, r.errorCode]));
    return {
      errorCode: ErrorCode.NONE,
      throttleTimeMs: 0,
      topics: req.topics.map((t) => ({
        name: t.name,
        partitions: t.partitions.map((p) => ({
          partitionIndex: p.partitionIndex,
          errorCode: errors.get(`${p.partitionIndex}:${t.name}`) ?? ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
        })),
      })),
    };
  },
};
