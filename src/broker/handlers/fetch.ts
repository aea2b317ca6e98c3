import type { ApiHandler, BrokerContext, RequestContext } from '../handler.ts';
import type { PartitionLog } from '../storage/log-storage.ts';
import type { FetchRequest, FetchResponse, FetchableTopicResponse, PartitionData } from '../../protocol/generated/fetch.ts';
import { ErrorCode } from '../../protocol/error-codes.ts';
import { BATCH } from '../../protocol/record-batch.ts';
import { readInt64 } from '../storage/batch-header.ts';

const EMPTY = Buffer.alloc(0);
const READ_COMMITTED = 1;

/** The offset after the last batch in `records` (which holds whole batches). */
function endOffsetOf(records: Buffer): number {
  let pos = 0;
  let end = -1;
  while (records.length - pos >= BATCH.headerSize) {
    end = readInt64(records, pos + BATCH.baseOffset) + records.readInt32BE(pos + BATCH.lastOffsetDelta) + 1;
    pos += records.readInt32BE(pos + BATCH.batchLength) + BATCH.logOverhead;
  }
  return end;
}

interface Built {
  readonly response: FetchResponse;
  readonly bytes: number;
  /** A partition answered with an error: reply at once instead of waiting. */
  readonly hasError: boolean;
  readonly logs: PartitionLog[];
}

function emptyPartition(partitionIndex: number, errorCode: number, log?: PartitionLog): PartitionData {
  return {
    partitionIndex, errorCode, highWatermark: BigInt(log ? log.logEndOffset : -1), lastStableOffset: BigInt(log ? log.lastStableOffset : -1),
    logStartOffset: BigInt(log ? log.logStartOffset : -1), abortedTransactions: [], preferredReadReplica: -1, records: EMPTY,
  };
}

/** Reads every requested partition once, within the per-partition and total byte limits. */
function build(req: FetchRequest, broker: BrokerContext): Built {
  let remaining = req.maxBytes ?? 0x7fffffff;
  let bytes = 0;
  let hasError = false;
  const logs: PartitionLog[] = [];
  const responses: FetchableTopicResponse[] = [];
  const committed = req.isolationLevel === READ_COMMITTED;
  for (const t of req.topics) {
    const topic = t.topic ?? '';
    const partitions: PartitionData[] = [];
    responses.push({ topic, partitions });
    for (const p of t.partitions) {
      const log = broker.storage.partition(topic, p.partition);
      if (!log) {
        hasError = true;
        partitions.push(emptyPartition(p.partition, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION));
        continue;
      }
      logs.push(log);
      const offset = Number(p.fetchOffset);
      if (offset < log.logStartOffset || offset > log.logEndOffset) {
        hasError = true;
        partitions.push(emptyPartition(p.partition, ErrorCode.OFFSET_OUT_OF_RANGE, log));
        continue;
      }
      let records: Buffer = EMPTY;
      const visibleEnd = committed ? log.lastStableOffset : log.logEndOffset;
      if (offset < visibleEnd && remaining > 0) {
        try {
          records = log.read(offset, Math.min(p.partitionMaxBytes, remaining), visibleEnd);
        } catch (err) {
          // Retention may have moved the log start between the check and the read.
          const moved = offset < log.logStartOffset || offset > log.logEndOffset;
          if (!moved) broker.log.error({ topic, partition: p.partition, offset, err }, 'read failed');
          hasError = true;
          partitions.push(emptyPartition(p.partition, moved ? ErrorCode.OFFSET_OUT_OF_RANGE : ErrorCode.KAFKA_STORAGE_ERROR, log));
          continue;
        }
        // Only the first non-empty partition may exceed the total limit (so one big batch still flows).
        if (bytes > 0 && records.length > remaining) records = EMPTY;
      }
      bytes += records.length;
      remaining -= records.length;
      const aborted = committed && records.length > 0 ? log.abortedTransactions(offset, endOffsetOf(records)) : [];
      partitions.push({
        ...emptyPartition(p.partition, ErrorCode.NONE, log),
        records,
        abortedTransactions: aborted.map((a) => ({ producerId: BigInt(a.producerId), firstOffset: BigInt(a.firstOffset) })),
      });
    }
  }
  return { response: { throttleTimeMs: 0, errorCode: ErrorCode.NONE, sessionId: 0, responses }, bytes, hasError, logs };
}

/**
 * Fetch (key 1), v4–11, without fetch sessions (session id 0, full responses). Answers at once
 * when `min_bytes` are available or a partition has an error, else waits up to `max_wait_ms`,
 * waking on appends to the requested partitions (markers included, so a read_committed fetch wakes
 * when a transaction ends). The high watermark is the log end offset; the last stable offset the
 * first offset of the oldest open transaction. With `isolation_level` 1 (read_committed) records
 * stop at the last stable offset and the aborted transactions of the returned range are listed,
 * so the client can drop their records.
 *
 * @example
 * ```ts
 * registry.set(fetchHandler.apiKey, fetchHandler);
 * ```
 */
export const fetchHandler: ApiHandler<FetchRequest, FetchResponse> = {
  apiKey: 1,
  name: 'Fetch',
  implemented: { min: 4, max: 11 },
  advertised: { min: 0, max: 11 },
  handle(req: FetchRequest, ctx: RequestContext): FetchResponse | Promise<FetchResponse> {
    const { broker } = ctx;
    const first = build(req, broker);
    if (first.bytes >= req.minBytes || first.hasError || req.maxWaitMs <= 0) return first.response;
    return new Promise<FetchResponse>((resolve, reject) => {
      let done = false;
      let scheduled = false;
      const unsubscribe: (() => void)[] = [];
      const finish = (force: boolean): void => {
        if (done) return;
        let built: Built;
        try {
          built = build(req, broker);
        } catch (err) {
          done = true;
          cleanup();
          reject(err);
          return;
        }
        if (!force && built.bytes < req.minBytes && !built.hasError) return;
        done = true;
        cleanup();
        resolve(built.response);
      };
      const timer = setTimeout(() => finish(true), req.maxWaitMs);
      timer.unref();
      const cleanup = (): void => {
        clearTimeout(timer);
        for (const u of unsubscribe) u();
      };
      const onAppend = (): void => {
        if (scheduled || done) return;
        scheduled = true;
        setImmediate(() => {
          scheduled = false;
          finish(false);
        });
      };
      for (const log of first.logs) unsubscribe.push(log.onAppend(onAppend));
    });
  },
};
