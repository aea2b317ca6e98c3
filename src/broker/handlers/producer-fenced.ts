import { ErrorCode } from '../../protocol/error-codes.ts';

/**
 * PRODUCER_FENCED as a request version understands it: versions before `firstVersion` (the one
 * that added the code, KIP-588) get INVALID_PRODUCER_EPOCH instead, as Kafka answers them.
 *
 * @example
 * ```ts
 * errorCode: producerFencedFor(result.errorCode, ctx.apiVersion, 2), // EndTxn v0-1 → INVALID_PRODUCER_EPOCH
 * ```
 */
export function producerFencedFor(errorCode: number, apiVersion: number, firstVersion: number): number {
  return errorCode === ErrorCode.PRODUCER_FENCED && apiVersion < firstVersion ? ErrorCode.INVALID_PRODUCER_EPOCH : errorCode;
}
