import type { ApiHandler, RequestContext } from '../handler.ts';
import type { InitProducerIdRequest, InitProducerIdResponse } from '../../protocol/generated/init-producer-id.ts';
import { producerFencedFor } from './producer-fenced.ts';

/**
 * InitProducerId (key 22), v0–5: a fresh producer id (epoch 0) for an idempotent producer; for a
 * transactional id the transaction coordinator's producer id with a bumped epoch, which fences
 * the previous producer and aborts its open transaction. v3+ carries the producer's id and epoch
 * for a KIP-360 bump; v4+ understands PRODUCER_FENCED (older versions get INVALID_PRODUCER_EPOCH).
 *
 * @example
 * ```ts
 * registry.set(initProducerIdHandler.apiKey, initProducerIdHandler);
 * ```
 */
export const initProducerIdHandler: ApiHandler<InitProducerIdRequest, InitProducerIdResponse> = {
  apiKey: 22,
  name: 'InitProducerId',
  implemented: { min: 0, max: 5 },
  advertised: { min: 0, max: 5 },
  handle(req: InitProducerIdRequest, ctx: RequestContext): InitProducerIdResponse {
    const result = ctx.broker.transactions.initProducerId({
      transactionalId: req.transactionalId ?? null,
      transactionTimeoutMs: req.transactionTimeoutMs,
      producerId: Number(req.producerId ?? -1n),
      producerEpoch: req.producerEpoch ?? -1,
    });
    return {
      throttleTimeMs: 0,
      errorCode: producerFencedFor(result.errorCode, ctx.apiVersion, 4),
      producerId: BigInt(result.producerId),
      producerEpoch: result.producerEpoch,
    };
  },
};
