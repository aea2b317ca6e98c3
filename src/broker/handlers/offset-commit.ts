import type { ApiHandler, RequestContext } from '../handler.ts';
import type { OffsetCommitRequest, OffsetCommitResponse } from '../../protocol/generated/offset-commit.ts';
import { ErrorCode } from '../../protocol/error-codes.ts';
import type { OffsetToCommit } from '../coordinator/coordinator-types.ts';

/**
 * OffsetCommit (key 8), v0–7: commits consumer offsets through the group coordinator, which
 * checks member and generation (generation -1 without member id = a standalone commit, allowed
 * for groups without members). Partitions the broker does not have are UNKNOWN_TOPIC_OR_PARTITION.
 *
 * @example
 * ```ts
 * registry.set(offsetCommitHandler.apiKey, offsetCommitHandler);
 * ```
 */
export const offsetCommitHandler: ApiHandler<OffsetCommitRequest, OffsetCommitResponse> = {
  apiKey: 8,
  name: 'OffsetCommit',
  implemented: { min: 0, max: 7 },
  advertised: { min: 0, max: 7 },
  handle(req: OffsetCommitRequest, ctx: RequestContext): OffsetCommitResponse {
    const { storage, coordinator } = ctx.broker;
    const known: OffsetToCommit[] = [];
    for (const t of req.topics) {
      for (const p of t.partitions) {
        if (storage.partition(t.name, p.partitionIndex) === undefined) continue;
        known.push({
          topic: t.name,
          partition: p.partitionIndex,
          offset: Number(p.committedOffset),
          leaderEpoch: p.committedLeaderEpoch ?? -1,
          metadata: p.committedMetadata,
        });
      }
    }
    const results = coordinator.commitOffsets({
      groupId: req.groupId,
      generationId: req.generationIdOrMemberEpoch ?? -1,
      memberId: req.memberId ?? '',
      groupInstanceId: req.groupInstanceId ?? null,
      offsets: known,
    });
    const errors = new Map(results.map((r) => [`${r.partition}:${r.topic}`, r.errorCode]));
    return {
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
