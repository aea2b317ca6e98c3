import type { ApiHandler, RequestContext } from '../handler.ts';
import type { AddOffsetsToTxnRequest, AddOffsetsToTxnResponse } from '../../protocol/generated/add-offsets-to-txn.ts';
import { producerFencedFor } from './producer-fenced.ts';

/**
 * AddOffsetsToTxn (key 25), v0–4: makes the consumer group's offsets part of the producer's open
 * transaction (starting one), so TxnOffsetCommit may follow. v2+ understands PRODUCER_FENCED.
 *
 * @example
 * ```ts
 * registry.set(addOffsetsToTxnHandler.apiKey, addOffsetsToTxnHandler);
 * ```
 */
export const addOffsetsToTxnHandler: ApiHandler<AddOffsetsToTxnRequest, AddOffsetsToTxnResponse> = {
  apiKey: 25,
  name: 'AddOffsetsToTxn',
  implemented: { min: 0, max: 4 },
  advertised: { min: 0, max: 4 },
  handle(req: AddOffsetsToTxnRequest, ctx: RequestContext): AddOffsetsToTxnResponse {
    const errorCode = ctx.broker.transactions.addOffsets({
      transactionalId: req.transactionalId, producerId: Number(req.producerId), producerEpoch: req.producerEpoch, groupId: req.groupId,
    });
    return { throttleTimeMs: 0, errorCode: producerFencedFor(errorCode, ctx.apiVersion, 2) };
  },
};
