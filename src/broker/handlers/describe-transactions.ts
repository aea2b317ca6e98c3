import type { ApiHandler, RequestContext } from '../handler.ts';
import type { DescribeTransactionsRequest, DescribeTransactionsResponse } from '../../protocol/generated/describe-transactions.ts';
import { ErrorCode } from '../../protocol/error-codes.ts';

/**
 * DescribeTransactions (key 65), v0: the state of each transactional id — producer id and epoch,
 * timeout, when the open transaction began and its partitions (`kafka-transactions.sh describe`).
 * An unknown id is TRANSACTIONAL_ID_NOT_FOUND.
 *
 * @example
 * ```ts
 * registry.set(describeTransactionsHandler.apiKey, describeTransactionsHandler);
 * ```
 */
export const describeTransactionsHandler: ApiHandler<DescribeTransactionsRequest, DescribeTransactionsResponse> = {
  apiKey: 65,
  name: 'DescribeTransactions',
  implemented: { min: 0, max: 0 },
  advertised: { min: 0, max: 0 },
  handle(req: DescribeTransactionsRequest, ctx: RequestContext): DescribeTransactionsResponse {
    return {
      throttleTimeMs: 0,
      transactionStates: req.transactionalIds.map((transactionalId) => {
        const txn = ctx.broker.transactions.describe(transactionalId);
        if (txn === undefined) {
          return { errorCode: ErrorCode.TRANSACTIONAL_ID_NOT_FOUND, transactionalId, transactionState: '', transactionTimeoutMs: 0, transactionStartTimeMs: -1n, producerId: -1n, producerEpoch: -1, topics: [] };
        }
        const byTopic = new Map<string, number[]>();
        for (const p of txn.partitions) byTopic.set(p.topic, [...(byTopic.get(p.topic) ?? []), p.partition]);
        return {
          errorCode: ErrorCode.NONE,
          transactionalId,
          transactionState: txn.state,
          transactionTimeoutMs: txn.timeoutMs,
          transactionStartTimeMs: BigInt(txn.startMs),
          producerId: BigInt(txn.producerId),
          producerEpoch: txn.producerEpoch,
          topics: [...byTopic].map(([topic, partitions]) => ({ topic, partitions })),
        };
      }),
    };
  },
};
