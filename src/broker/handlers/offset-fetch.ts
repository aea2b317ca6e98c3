import type { ApiHandler, RequestContext } from '../handler.ts';
import type { OffsetFetchRequest, OffsetFetchResponse, OffsetFetchResponseGroup } from '../../protocol/generated/offset-fetch.ts';
import type { FetchOffsetsResult, TopicPartitions } from '../coordinator/coordinator-types.ts';
import { ErrorCode } from '../../protocol/error-codes.ts';

/**
 * One group's committed offsets; with `requireStable`, a partition whose offset an open
 * transaction holds answers -1 with UNSTABLE_OFFSET_COMMIT (the consumer retries until the
 * transaction ends).
 */
function fetchGroup(groupId: string, topics: readonly TopicPartitions[] | null, requireStable: boolean, ctx: RequestContext): FetchOffsetsResult {
  const result = ctx.broker.coordinator.fetchOffsets(groupId, topics);
  if (!requireStable) return result;
  const { transactions } = ctx.broker;
  return {
    errorCode: result.errorCode,
    topics: result.topics.map((t) => ({
      topic: t.topic,
      partitions: t.partitions.map((p) => (transactions.hasPendingOffset(groupId, t.topic, p.partition)
        ? { ...p, offset: -1, leaderEpoch: -1, errorCode: ErrorCode.UNSTABLE_OFFSET_COMMIT }
        : p)),
    })),
  };
}

/**
 * OffsetFetch (key 9), v0–9: a group's committed offsets; -1 with metadata "" for partitions
 * never committed. From v2 `topics: null` asks for every committed partition and the answer
 * carries a top-level error code; v7 adds `require_stable` (offsets held by an open transaction
 * answer UNSTABLE_OFFSET_COMMIT); v8+ fetches several groups at once. The v9 member id and epoch
 * belong to the new consumer protocol (KIP-848) and are not checked for classic groups.
 *
 * @example
 * ```ts
 * registry.set(offsetFetchHandler.apiKey, offsetFetchHandler);
 * ```
 */
export const offsetFetchHandler: ApiHandler<OffsetFetchRequest, OffsetFetchResponse> = {
  apiKey: 9,
  name: 'OffsetFetch',
  implemented: { min: 0, max: 9 },
  advertised: { min: 0, max: 9 },
  handle(req: OffsetFetchRequest, ctx: RequestContext): OffsetFetchResponse {
    const requireStable = req.requireStable === true;
    if (ctx.apiVersion >= 8) {
      const groups: OffsetFetchResponseGroup[] = (req.groups ?? []).map((g) => {
        const topics = g.topics == null ? null : g.topics.map((t) => ({ topic: t.name, partitions: t.partitionIndexes }));
        const result = fetchGroup(g.groupId, topics, requireStable, ctx);
        return {
          groupId: g.groupId,
          errorCode: result.errorCode,
          topics: result.topics.map((t) => ({
            name: t.topic,
            partitions: t.partitions.map((p) => ({
              partitionIndex: p.partition, committedOffset: BigInt(p.offset), committedLeaderEpoch: p.leaderEpoch, metadata: p.metadata, errorCode: p.errorCode,
            })),
          })),
        };
      });
      return { throttleTimeMs: 0, groups };
    }
    const topics = req.topics == null ? null : req.topics.map((t) => ({ topic: t.name, partitions: t.partitionIndexes }));
    const result = fetchGroup(req.groupId ?? '', topics, requireStable, ctx);
    return {
      throttleTimeMs: 0,
      errorCode: result.errorCode,
      topics: result.topics.map((t) => ({
        name: t.topic,
        partitions: t.partitions.map((p) => ({
          partitionIndex: p.partition,
          committedOffset: BigInt(p.offset),
          committedLeaderEpoch: p.leaderEpoch,
          metadata: p.metadata,
          // Before v2 there is no top-level error; a group error is repeated per partition.
          errorCode: p.errorCode !== 0 || ctx.apiVersion >= 2 ? p.errorCode : result.errorCode,
        })),
      })),
    };
  },
};
