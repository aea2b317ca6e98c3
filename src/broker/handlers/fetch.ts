import type { ApiHandler, BrokerContext, RequestContext } from '../handler.ts';
import type { PartitionLog } from '../storage/log-storage.ts';
import type { FetchRequest, FetchResponse, FetchableTopicResponse, PartitionData } from '../../protocol/generated/fetch.ts';
import { ErrorCode } from '../../protocol/error-codes.ts';
import { BATCH } from '../../protocol/record-batch.ts';
import { readInt64 } from '../storage/batch-header.ts';
import type { FetchContext } from '../fetch-sessions/fetch-session-cache.ts';
import type { FetchTarget, PartitionAnswer } from '../fetch-sessions/fetch-session.ts';

const EMPTY = Buffer.alloc(0);
const READ_COMMITTED = 1;

/** One partition's answer with the facts the session compares. */
interface Answered {
  readonly topic: string;
  readonly data: PartitionData;
  readonly answer: PartitionAnswer;
}

interface Built {
  readonly answers: Answered[];
  readonly bytes: number;
  /** A partition answered with an error: reply at once instead of waiting. */
  readonly hasError: boolean;
  readonly logs: PartitionLog[];
}

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

function answered(topic: string, partitionIndex: number, errorCode: number, log?: PartitionLog, records: Buffer = EMPTY, aborted: PartitionData['abortedTransactions'] = []): Answered {
  const highWatermark = log ? log.logEndOffset : -1;
  const lastStableOffset = log ? log.lastStableOffset : -1;
  const logStartOffset = log ? log.logStartOffset : -1;
  return {
    topic,
    data: {
      partitionIndex, errorCode, highWatermark: BigInt(highWatermark), lastStableOffset: BigInt(lastStableOffset), logStartOffset: BigInt(logStartOffset),
      abortedTransactions: aborted, preferredReadReplica: -1, records,
    },
    answer: { errorCode, highWatermark, lastStableOffset, logStartOffset, recordBytes: records.length },
  };
}

/** Reads every target partition once, within the per-partition and total byte limits. */
function build(targets: readonly FetchTarget[], req: FetchRequest, broker: BrokerContext): Built {
  let remaining = req.maxBytes ?? 0x7fffffff;
  let bytes = 0;
  let hasError = false;
  const logs: PartitionLog[] = [];
  const answers: Answered[] = [];
  const committed = req.isolationLevel === READ_COMMITTED;
  for (const { topic, partition, fetchOffset: offset, maxBytes } of targets) {
    const log = broker.storage.partition(topic, partition);
    if (!log) {
      hasError = true;
      answers.push(answered(topic, partition, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION));
      continue;
    }
    logs.push(log);
    if (offset < log.logStartOffset || offset > log.logEndOffset) {
      hasError = true;
      answers.push(answered(topic, partition, ErrorCode.OFFSET_OUT_OF_RANGE, log));
      continue;
    }
    let records: Buffer = EMPTY;
    const visibleEnd = committed ? log.lastStableOffset : log.logEndOffset;
    if (offset < visibleEnd && remaining > 0) {
      try {
        records = log.read(offset, Math.min(maxBytes, remaining), visibleEnd);
      } catch (err) {
        // Retention may have moved the log start between the check and the read.
        const moved = offset < log.logStartOffset || offset > log.logEndOffset;
        if (!moved) broker.log.error({ topic, partition, offset, err }, 'read failed');
        hasError = true;
        answers.push(answered(topic, partition, moved ? ErrorCode.OFFSET_OUT_OF_RANGE : ErrorCode.KAFKA_STORAGE_ERROR, log));
        continue;
      }
      // Only the first non-empty partition may exceed the total limit (so one big batch still flows).
      if (bytes > 0 && records.length > remaining) records = EMPTY;
    }
    bytes += records.length;
    remaining -= records.length;
    const aborted = committed && records.length > 0 ? log.abortedTransactions(offset, endOffsetOf(records)) : [];
    answers.push(answered(topic, partition, ErrorCode.NONE, log, records, aborted.map((a) => ({ producerId: BigInt(a.producerId), firstOffset: BigInt(a.firstOffset) }))));
  }
  return { answers, bytes, hasError, logs };
}

/** The response for `built`: all partitions, or within a session only those with news (which the session then remembers). */
function respond(built: Built, context: Exclude<FetchContext, { kind: 'error' }>): FetchResponse {
  const responses: FetchableTopicResponse[] = [];
  for (const a of built.answers) {
    if (context.kind === 'incremental' && !context.session.mustAnswer(a.topic, a.data.partitionIndex, a.answer)) continue;
    if (context.kind !== 'sessionless') context.session.recordSent(a.topic, a.data.partitionIndex, a.answer);
    const last = responses[responses.length - 1];
    if (last !== undefined && last.topic === a.topic) last.partitions.push(a.data);
    else responses.push({ topic: a.topic, partitions: [a.data] });
  }
  return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, sessionId: context.kind === 'sessionless' ? 0 : context.session.id, responses };
}

/** The request's partitions, in request order. */
function targetsOf(req: FetchRequest): FetchTarget[] {
  return req.topics.flatMap((t) => t.partitions.map((p) => ({ topic: t.topic ?? '', partition: p.partition, fetchOffset: Number(p.fetchOffset), maxBytes: p.partitionMaxBytes })));
}

/**
 * Fetch (key 1), v4–11, with fetch sessions from v7 (KIP-227): epoch 0 opens a session (full
 * answer with its id), later epochs send only changed partitions and get only partitions with
 * records, changed offsets or errors, epoch -1 closes it; an unknown session or wrong epoch is
 * FETCH_SESSION_ID_NOT_FOUND / INVALID_FETCH_SESSION_EPOCH. Answers at once when `min_bytes` are
 * available or a partition has an error, else waits up to `max_wait_ms`, waking on appends to the
 * partitions (markers included, so a read_committed fetch wakes when a transaction ends). The
 * high watermark is the log end offset; the last stable offset the first offset of the oldest
 * open transaction. With `isolation_level` 1 (read_committed) records stop at the last stable
 * offset and the aborted transactions of the returned range are listed, so the client can drop
 * their records.
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
    const requested = targetsOf(req);
    const context: FetchContext = ctx.apiVersion >= 7
      ? broker.fetchSessions.open({
        sessionId: req.sessionId ?? 0,
        sessionEpoch: req.sessionEpoch ?? -1,
        targets: requested,
        forgotten: (req.forgottenTopicsData ?? []).flatMap((f) => f.partitions.map((partition) => ({ topic: f.topic ?? '', partition }))),
      })
      : { kind: 'sessionless', targets: requested };
    if (context.kind === 'error') return { throttleTimeMs: 0, errorCode: context.errorCode, sessionId: 0, responses: [] };
    const first = build(context.targets, req, broker);
    if (first.bytes >= req.minBytes || first.hasError || req.maxWaitMs <= 0) return respond(first, context);
    return new Promise<FetchResponse>((resolve, reject) => {
      let done = false;
      let scheduled = false;
      const unsubscribe: (() => void)[] = [];
      const finish = (force: boolean): void => {
        if (done) return;
        let built: Built;
        try {
          built = build(context.targets, req, broker);
        } catch (err) {
          done = true;
          cleanup();
          reject(err);
          return;
        }
        if (!force && built.bytes < req.minBytes && !built.hasError) return;
        done = true;
        cleanup();
        resolve(respond(built, context));
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
