import type { ApiHandler, RequestContext } from '../handler.ts';
import type { ProduceRequest, ProduceResponse, PartitionProduceResponse, TopicProduceResponse } from '../../protocol/generated/produce.ts';
import { ErrorCode } from '../../protocol/error-codes.ts';
import { BATCH, validateRecordBatches } from '../../protocol/record-batch.ts';
import { readBatchHeader } from '../storage/batch-header.ts';
import { CorruptRecordError } from '../../protocol/protocol-error.ts';
import { findOrCreateTopic } from './auto-create-topic.ts';
import { InvalidProducerEpochError, InvalidRecordError, InvalidTxnStateError, OutOfOrderSequenceError, ProducerStateError } from '../storage/errors.ts';

/**
 * For each transactional batch, the transaction coordinator's verdict (KIP-890): its producer must
 * have added the partition to its open transaction, with this epoch. NONE when all pass.
 */
function verifyTransactional(records: Buffer, topic: string, partition: number, ctx: RequestContext): number {
  for (let pos = 0; pos + BATCH.headerSize <= records.length; pos += records.readInt32BE(pos + BATCH.batchLength) + BATCH.logOverhead) {
    const h = readBatchHeader(records, pos);
    if (!h.transactional || h.control || h.producerId < 0) continue;
    const errorCode = ctx.broker.transactions.verifyProduce(h.producerId, h.producerEpoch, topic, partition);
    if (errorCode !== ErrorCode.NONE) return errorCode;
  }
  return ErrorCode.NONE;
}

/** The Kafka error code answering a refused append. */
function producerStateCode(err: ProducerStateError): number {
  if (err instanceof OutOfOrderSequenceError) return ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER;
  if (err instanceof InvalidProducerEpochError) return ErrorCode.INVALID_PRODUCER_EPOCH;
  if (err instanceof InvalidTxnStateError) return ErrorCode.INVALID_TXN_STATE;
  if (err instanceof InvalidRecordError) return ErrorCode.INVALID_RECORD;
  return ErrorCode.UNKNOWN_SERVER_ERROR;
}

const failed = (index: number, errorCode: number, errorMessage: string | null = null): PartitionProduceResponse => ({
  index, errorCode, baseOffset: -1n, logAppendTimeMs: -1n, logStartOffset: -1n, recordErrors: [], errorMessage,
});

/**
 * Produce (key 0), v3–7: checks each partition's record batches (size, magic 2, CRC-32C →
 * CORRUPT_MESSAGE), auto-creates unknown topics when allowed, and appends them. Batches of
 * idempotent producers are checked against the partition's producer state: a retry of one of the
 * last five batches is answered NONE with its original base offset, a sequence gap with
 * OUT_OF_ORDER_SEQUENCE_NUMBER, a fenced epoch with INVALID_PRODUCER_EPOCH. A transactional batch
 * is accepted only from a producer whose open transaction holds the partition (else
 * INVALID_TXN_STATE, or INVALID_PRODUCER_EPOCH for a fenced one). acks=0 gets no
 * response; acks=-1 equals acks=1 on this single node.
 *
 * @example
 * ```ts
 * registry.set(produceHandler.apiKey, produceHandler);
 * ```
 */
export const produceHandler: ApiHandler<ProduceRequest, ProduceResponse> = {
  apiKey: 0,
  name: 'Produce',
  implemented: { min: 3, max: 7 },
  advertised: { min: 0, max: 7 },
  handle(req: ProduceRequest, ctx: RequestContext): ProduceResponse | undefined {
    const { broker } = ctx;
    const validAcks = req.acks === 0 || req.acks === 1 || req.acks === -1;
    const responses: TopicProduceResponse[] = [];
    for (const t of req.topicData) {
      const partitionResponses: PartitionProduceResponse[] = [];
      responses.push({ name: t.name, partitionResponses });
      const found = validAcks ? findOrCreateTopic(broker, t.name, broker.config.autoCreateTopics) : undefined;
      for (const p of t.partitionData) {
        if (!found) {
          partitionResponses.push(failed(p.index, ErrorCode.INVALID_REQUIRED_ACKS, `acks must be 0, 1 or -1, got ${req.acks}`));
          continue;
        }
        const log = found.topic ? broker.storage.partition(t.name, p.index) : undefined;
        if (!log) {
          partitionResponses.push(failed(p.index, found.errorCode || ErrorCode.UNKNOWN_TOPIC_OR_PARTITION));
          continue;
        }
        if (p.records === null || p.records.length === 0) {
          partitionResponses.push(failed(p.index, ErrorCode.CORRUPT_MESSAGE, 'the partition holds no record batch'));
          continue;
        }
        try {
          validateRecordBatches(p.records);
        } catch (err) {
          if (!(err instanceof CorruptRecordError)) throw err;
          broker.log.warn({ topic: t.name, partition: p.index, peer: ctx.peer, reason: err.message }, 'rejected corrupt record batch');
          partitionResponses.push(failed(p.index, ErrorCode.CORRUPT_MESSAGE, err.message));
          continue;
        }
        const verdict = verifyTransactional(p.records, t.name, p.index, ctx);
        if (verdict !== ErrorCode.NONE) {
          partitionResponses.push(failed(p.index, verdict, `the transactional batch's producer has no open transaction with ${t.name}-${p.index} at this epoch; call AddPartitionsToTxn first`));
          continue;
        }
        let result;
        try {
          result = log.append(p.records);
        } catch (err) {
          if (err instanceof ProducerStateError) {
            broker.log.debug({ topic: t.name, partition: p.index, peer: ctx.peer, reason: err.message }, 'refused a produce');
            partitionResponses.push(failed(p.index, producerStateCode(err), err.message));
            continue;
          }
          broker.log.error({ topic: t.name, partition: p.index, err }, 'append failed');
          partitionResponses.push(failed(p.index, ErrorCode.KAFKA_STORAGE_ERROR, `append to ${t.name}-${p.index} failed: ${(err as Error).message}`));
          continue;
        }
        partitionResponses.push({
          index: p.index,
          errorCode: ErrorCode.NONE,
          baseOffset: BigInt(result.baseOffset),
          logAppendTimeMs: BigInt(result.logAppendTime),
          logStartOffset: BigInt(result.logStartOffset),
          recordErrors: [],
          errorMessage: null,
        });
      }
    }
    if (req.acks === 0) return undefined;
    return { responses, throttleTimeMs: 0 };
  },
};
