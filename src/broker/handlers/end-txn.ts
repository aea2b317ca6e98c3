import type { ApiHandler, RequestContext } from '../handler.ts';
import type { EndTxnRequest, EndTxnResponse } from '../../protocol/generated/end-txn.ts';
import { producerFencedFor } from './producer-fenced.ts';

/**
 * EndTxn (key 26), v0–4: commits or aborts the producer's open transaction — markers go into every
 * partition of it and its pending offsets are applied (commit) or dropped (abort) before the
 * answer. A retry of an end that completed answers NONE. v2+ understands PRODUCER_FENCED.
 *
 * @example
 * ```ts
 * registry.set(endTxnHandler.apiKey, endTxnHandler);
 * ```
 */
export const endTxnHandler: ApiHandler<EndTxnRequest, EndTxnResponse> = {
  apiKey: 26,
  name: 'EndTxn',
  implemented: { min: 0, max: 4 },
  advertised: { min: 0, max: 4 },
  handle(req: EndTxnRequest, ctx: RequestContext): EndTxnResponse {
    const errorCode = ctx.broker.transactions.endTxn({
      transactionalId: req.transactionalId, producerId: Number(req.producerId), producerEpoch: req.producerEpoch, commit: req.committed,
    });
    return { throttleTimeMs: 0, errorCode: producerFencedFor(errorCode, ctx.apiVersion, 2) };
  },
};
