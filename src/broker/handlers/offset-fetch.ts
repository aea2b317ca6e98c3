import type { ApiHandler, RequestContext } from '../handler.ts';
import type { OffsetFetchRequest, OffsetFetchResponse } from '../../protocol/generated/offset-fetch.ts';

/**
 * OffsetFetch (key 9), v0–4: a group's committed offsets; -1 with metadata "" for partitions
 * never committed. From v2 `topics: null` asks for every committed partition and the answer
 * carries a top-level error code.
 *
 * @example
 * ```ts
 * registry.set(offsetFetchHandler.apiKey, offsetFetchHandler);
 * ```
 */
export const offsetFetchHandler: ApiHandler<OffsetFetchRequest, OffsetFetchResponse> = {
  apiKey: 9,
  name: 'OffsetFetch',
  implemented: { min: 0, max: 4 },
  advertised: { min: 0, max: 4 },
  handle(req: OffsetFetchRequest, ctx: RequestContext): OffsetFetchResponse {
    const topics = req.topics == null ? null : req.topics.map((t) => ({ topic: t.name, partitions: t.partitionIndexes }));
    const result = ctx.broker.coordinator.fetchOffsets(req.groupId ?? '', topics);
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
