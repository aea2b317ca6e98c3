import type { ApiHandler, RequestContext } from '../handler.ts';
import type { ListOffsetsRequest, ListOffsetsResponse, ListOffsetsTopicResponse, ListOffsetsPartitionResponse } from '../../protocol/generated/list-offsets.ts';
import { ErrorCode } from '../../protocol/error-codes.ts';

const LATEST = -1;
const EARLIEST = -2;
const READ_COMMITTED = 1;

/**
 * ListOffsets (key 2), v0–3: -1 gives the log end offset, -2 the log start offset, any other
 * timestamp the first record whose timestamp is at or after it (offset -1 when none; within a
 * compressed batch its first offset).
 * With `isolation_level` 1 (read_committed, v2+) the last stable offset stands in for the log end:
 * -1 answers it, and a timestamp lookup finds only offsets before it.
 *
 * @example
 * ```ts
 * registry.set(listOffsetsHandler.apiKey, listOffsetsHandler);
 * ```
 */
export const listOffsetsHandler: ApiHandler<ListOffsetsRequest, ListOffsetsResponse> = {
  apiKey: 2,
  name: 'ListOffsets',
  implemented: { min: 0, max: 3 },
  advertised: { min: 0, max: 3 },
  handle(req: ListOffsetsRequest, ctx: RequestContext): ListOffsetsResponse {
    const committed = req.isolationLevel === READ_COMMITTED;
    const topics: ListOffsetsTopicResponse[] = req.topics.map((t) => ({
      name: t.name,
      partitions: t.partitions.map((p): ListOffsetsPartitionResponse => {
        const log = ctx.broker.storage.partition(t.name, p.partitionIndex);
        if (!log) {
          return { partitionIndex: p.partitionIndex, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, oldStyleOffsets: [], timestamp: -1n, offset: -1n };
        }
        const ts = Number(p.timestamp);
        let offset: number;
        let timestamp = -1;
        const end = committed ? log.lastStableOffset : log.logEndOffset;
        if (ts === LATEST) offset = end;
        else if (ts === EARLIEST) offset = log.logStartOffset;
        else {
          const found = log.offsetForTimestamp(ts);
          const hit = found !== null && found.offset < end ? found : null;
          offset = hit ? hit.offset : -1;
          timestamp = hit ? hit.timestamp : -1;
        }
        return {
          partitionIndex: p.partitionIndex, errorCode: ErrorCode.NONE,
          oldStyleOffsets: offset >= 0 ? [BigInt(offset)] : [], timestamp: BigInt(timestamp), offset: BigInt(offset),
        };
      }),
    }));
    return { throttleTimeMs: 0, topics };
  },
};
