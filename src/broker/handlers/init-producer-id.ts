import type { ApiHandler } from '../handler.ts';
import type { InitProducerIdRequest, InitProducerIdResponse } from '../../protocol/generated/init-producer-id.ts';
import { ErrorCode } from '../../protocol/error-codes.ts';

/**
 * InitProducerId (key 22), v0–1: hands out increasing producer ids with epoch 0, enough for
 * idempotent producers (sequence numbers are not checked). The first id is the broker's start
 * time in seconds times 1000, so ids keep increasing across restarts.
 *
 * @example
 * ```ts
 * const handler = createInitProducerIdHandler();
 * registry.set(handler.apiKey, handler);
 * ```
 */
export function createInitProducerIdHandler(): ApiHandler<InitProducerIdRequest, InitProducerIdResponse> {
  let next = Math.floor(Date.now() / 1000) * 1000;
  return {
    apiKey: 22,
    name: 'InitProducerId',
    implemented: { min: 0, max: 1 },
    advertised: { min: 0, max: 1 },
    handle: () => ({ throttleTimeMs: 0, errorCode: ErrorCode.NONE, producerId: BigInt(next++), producerEpoch: 0 }),
  };
}
