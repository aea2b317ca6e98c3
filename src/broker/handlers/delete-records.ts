import type { ApiHandler, RequestContext } from '../handler.ts';
import type { DeleteRecordsRequest, DeleteRecordsResponse } from '../../protocol/generated/delete-records.ts';
import { ErrorCode } from '../../protocol/error-codes.ts';

/**
 * DeleteRecords (key 21), v0–1: moves each partition's log start offset forward to the given
 * offset (-1 = the high watermark). An offset past the log end answers OFFSET_OUT_OF_RANGE.
 *
 * @example
 * ```ts
 * registry.set(deleteRecordsHandler.apiKey, deleteRecordsHandler);
 * ```
 */
export const deleteRecordsHandler: ApiHandler<DeleteRecordsRequest, DeleteRecordsResponse> = {
  apiKey: 21,
  name: 'DeleteRecords',
  implemented: { min: 0, max: 1 },
  advertised: { min: 0, max: 1 },
  handle(req: DeleteRecordsRequest, ctx: RequestContext): DeleteRecordsResponse {
    const topics = req.topics.map((t) => ({
      name: t.name,
      partitions: t.partitions.map((p) => {
        const log = ctx.broker.storage.partition(t.name, p.partitionIndex);
        if (!log) return { partitionIndex: p.partitionIndex, lowWatermark: -1n, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION };
        const offset = p.offset === -1n ? log.logEndOffset : Number(p.offset);
        if (offset < 0 || offset > log.logEndOffset) {
          return { partitionIndex: p.partitionIndex, lowWatermark: BigInt(log.logStartOffset), errorCode: ErrorCode.OFFSET_OUT_OF_RANGE };
        }
        const lowWatermark = offset <= log.logStartOffset ? log.logStartOffset : log.deleteRecordsBefore(offset);
        return { partitionIndex: p.partitionIndex, lowWatermark: BigInt(lowWatermark), errorCode: ErrorCode.NONE };
      }),
    }));
    return { throttleTimeMs: 0, topics };
  },
};
