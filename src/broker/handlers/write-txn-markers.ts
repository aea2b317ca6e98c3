import type { ApiHandler, RequestContext } from '../handler.ts';
import type { WriteTxnMarkersRequest, WriteTxnMarkersResponse } from '../../protocol/generated/write-txn-markers.ts';
import { ErrorCode } from '../../protocol/error-codes.ts';
import { ProducerStateError } from '../storage/errors.ts';

/**
 * WriteTxnMarkers (key 27), v0–1: writes commit or abort markers into partitions. Kafka's
 * coordinators send it to partition leaders; on this single node the coordinator writes markers
 * itself, so what arrives here is an operator's `kafka-transactions.sh abort` of a hanging
 * transaction. A marker older than the producer's epoch is INVALID_PRODUCER_EPOCH.
 *
 * @example
 * ```ts
 * registry.set(writeTxnMarkersHandler.apiKey, writeTxnMarkersHandler);
 * ```
 */
export const writeTxnMarkersHandler: ApiHandler<WriteTxnMarkersRequest, WriteTxnMarkersResponse> = {
  apiKey: 27,
  name: 'WriteTxnMarkers',
  implemented: { min: 0, max: 1 },
  advertised: { min: 0, max: 1 },
  handle(req: WriteTxnMarkersRequest, ctx: RequestContext): WriteTxnMarkersResponse {
    const { storage, log } = ctx.broker;
    return {
      markers: req.markers.map((m) => ({
        producerId: m.producerId,
        topics: m.topics.map((t) => ({
          name: t.name,
          partitions: t.partitionIndexes.map((partitionIndex) => {
            const partition = storage.partition(t.name, partitionIndex);
            if (partition === undefined) return { partitionIndex, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION };
            try {
              partition.appendMarker({ producerId: Number(m.producerId), producerEpoch: m.producerEpoch, commit: m.transactionResult, coordinatorEpoch: m.coordinatorEpoch });
            } catch (err) {
              if (err instanceof ProducerStateError) return { partitionIndex, errorCode: ErrorCode.INVALID_PRODUCER_EPOCH };
              log.error({ err, topic: t.name, partition: partitionIndex }, 'writing a requested marker failed');
              return { partitionIndex, errorCode: ErrorCode.KAFKA_STORAGE_ERROR };
            }
            log.info({ topic: t.name, partition: partitionIndex, producerId: Number(m.producerId), peer: ctx.peer }, `wrote a ${m.transactionResult ? 'commit' : 'abort'} marker of producer ${m.producerId} into ${t.name}-${partitionIndex} on request`);
            return { partitionIndex, errorCode: ErrorCode.NONE };
          }),
        })),
      })),
    };
  },
};
