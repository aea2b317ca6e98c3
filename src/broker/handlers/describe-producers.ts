import type { ApiHandler, RequestContext } from '../handler.ts';
import type { DescribeProducersRequest, DescribeProducersResponse } from '../../protocol/generated/describe-producers.ts';
import { ErrorCode } from '../../protocol/error-codes.ts';

/**
 * DescribeProducers (key 61), v0: the producers each partition remembers — epoch, last sequence,
 * last append time and where their open transaction began (`kafka-transactions.sh
 * describe-producers`, and its search for hanging transactions). The coordinator epoch of the last
 * marker is not kept and answered -1.
 *
 * @example
 * ```ts
 * registry.set(describeProducersHandler.apiKey, describeProducersHandler);
 * ```
 */
export const describeProducersHandler: ApiHandler<DescribeProducersRequest, DescribeProducersResponse> = {
  apiKey: 61,
  name: 'DescribeProducers',
  implemented: { min: 0, max: 0 },
  advertised: { min: 0, max: 0 },
  handle(req: DescribeProducersRequest, ctx: RequestContext): DescribeProducersResponse {
    return {
      throttleTimeMs: 0,
      topics: req.topics.map((t) => ({
        name: t.name,
        partitions: t.partitionIndexes.map((partitionIndex) => {
          const log = ctx.broker.storage.partition(t.name, partitionIndex);
          if (log === undefined) {
            return { partitionIndex, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, errorMessage: `${t.name}-${partitionIndex} does not exist`, activeProducers: [] };
          }
          return {
            partitionIndex,
            errorCode: ErrorCode.NONE,
            errorMessage: null,
            activeProducers: log.producers().map((p) => ({
              producerId: BigInt(p.producerId),
              producerEpoch: p.epoch,
              lastSequence: p.batches.length > 0 ? p.batches[p.batches.length - 1]!.lastSeq : -1,
              lastTimestamp: BigInt(p.lastAppendMs),
              coordinatorEpoch: -1,
              currentTxnStartOffset: BigInt(p.txnFirstOffset),
            })),
          };
        }),
      })),
    };
  },
};
