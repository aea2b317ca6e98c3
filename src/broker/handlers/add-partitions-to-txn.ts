import type { ApiHandler, RequestContext } from '../handler.ts';
import type {
  AddPartitionsToTxnRequest,
  AddPartitionsToTxnResponse,
  AddPartitionsToTxnTopic,
  AddPartitionsToTxnTopicResult,
} from '../../protocol/generated/add-partitions-to-txn.ts';
import { ErrorCode } from '../../protocol/error-codes.ts';
import { producerFencedFor } from './producer-fenced.ts';

interface OneTransaction {
  readonly transactionalId: string;
  readonly producerId: bigint;
  readonly producerEpoch: number;
  readonly verifyOnly: boolean;
  readonly topics: readonly AddPartitionsToTxnTopic[];
}

/** Adds (or, with verifyOnly, checks) one transaction's partitions; unknown partitions fail the whole request as Kafka does. */
function addOne(txn: OneTransaction, ctx: RequestContext): AddPartitionsToTxnTopicResult[] {
  const { storage, transactions } = ctx.broker;
  const partitions = txn.topics.flatMap((t) => t.partitions.map((partition) => ({ topic: t.name, partition })));
  const unknown = new Set(partitions.filter((p) => storage.partition(p.topic, p.partition) === undefined).map((p) => `${p.partition}:${p.topic}`));
  const identity = { transactionalId: txn.transactionalId, producerId: Number(txn.producerId), producerEpoch: txn.producerEpoch, partitions };
  let codeOf: (topic: string, partition: number) => number;
  if (unknown.size > 0) {
    codeOf = (topic, partition) => (unknown.has(`${partition}:${topic}`) ? ErrorCode.UNKNOWN_TOPIC_OR_PARTITION : ErrorCode.OPERATION_NOT_ATTEMPTED);
  } else if (txn.verifyOnly) {
    const verified = transactions.verifyPartitions(identity);
    codeOf = (topic, partition) => (verified.errorCode !== ErrorCode.NONE ? verified.errorCode : verified.partitions.get(`${partition}:${topic}`) ?? ErrorCode.INVALID_TXN_STATE);
  } else {
    const errorCode = producerFencedFor(transactions.addPartitions(identity), ctx.apiVersion, 2);
    codeOf = () => errorCode;
  }
  return txn.topics.map((t) => ({
    name: t.name,
    resultsByPartition: t.partitions.map((partitionIndex) => ({ partitionIndex, partitionErrorCode: codeOf(t.name, partitionIndex) })),
  }));
}

/**
 * AddPartitionsToTxn (key 24), v0–5: adds partitions to the producer's open transaction (starting
 * one), so its transactional batches may be written there. v0–3 carry one transaction (clients);
 * v4+ several, each optionally `verifyOnly` (Kafka's brokers ask this before appending; answered
 * NONE for partitions in the transaction, INVALID_TXN_STATE for others). An unknown partition
 * gets UNKNOWN_TOPIC_OR_PARTITION and the others OPERATION_NOT_ATTEMPTED.
 *
 * @example
 * ```ts
 * registry.set(addPartitionsToTxnHandler.apiKey, addPartitionsToTxnHandler);
 * ```
 */
export const addPartitionsToTxnHandler: ApiHandler<AddPartitionsToTxnRequest, AddPartitionsToTxnResponse> = {
  apiKey: 24,
  name: 'AddPartitionsToTxn',
  implemented: { min: 0, max: 5 },
  advertised: { min: 0, max: 5 },
  handle(req: AddPartitionsToTxnRequest, ctx: RequestContext): AddPartitionsToTxnResponse {
    if (ctx.apiVersion <= 3) {
      const results = addOne({
        transactionalId: req.v3AndBelowTransactionalId ?? '',
        producerId: req.v3AndBelowProducerId ?? -1n,
        producerEpoch: req.v3AndBelowProducerEpoch ?? -1,
        verifyOnly: false,
        topics: req.v3AndBelowTopics ?? [],
      }, ctx);
      return { throttleTimeMs: 0, resultsByTopicV3AndBelow: results };
    }
    return {
      throttleTimeMs: 0,
      errorCode: ErrorCode.NONE,
      resultsByTransaction: (req.transactions ?? []).map((t) => ({ transactionalId: t.transactionalId, topicResults: addOne(t, ctx) })),
    };
  },
};
