import type { ApiHandler, RequestContext } from '../handler.ts';
import type { ListTransactionsRequest, ListTransactionsResponse } from '../../protocol/generated/list-transactions.ts';
import { ErrorCode } from '../../protocol/error-codes.ts';
import { TRANSACTION_STATES } from '../transactions/transaction-state.ts';

/**
 * ListTransactions (key 66), v0–1: every transactional id with its producer id and state
 * (`kafka-transactions.sh list`), filtered by states (unknown ones are echoed back), producer ids,
 * and from v1 by how long the open transaction has been running.
 *
 * @example
 * ```ts
 * registry.set(listTransactionsHandler.apiKey, listTransactionsHandler);
 * ```
 */
export const listTransactionsHandler: ApiHandler<ListTransactionsRequest, ListTransactionsResponse> = {
  apiKey: 66,
  name: 'ListTransactions',
  implemented: { min: 0, max: 1 },
  advertised: { min: 0, max: 1 },
  handle(req: ListTransactionsRequest, ctx: RequestContext): ListTransactionsResponse {
    const { transactions } = ctx.broker;
    const known = new Set<string>(TRANSACTION_STATES);
    const states = new Set(req.stateFilters.filter((s) => known.has(s)));
    const producerIds = new Set(req.producerIdFilters.map(Number));
    const duration = Number(req.durationFilter ?? -1n);
    const now = Date.now();
    const listed = transactions.transactionalIds().map((id) => transactions.describe(id)!).filter((t) =>
      (req.stateFilters.length === 0 || states.has(t.state))
      && (producerIds.size === 0 || producerIds.has(t.producerId))
      && (duration < 0 || (t.startMs >= 0 && now - t.startMs >= duration)));
    return {
      throttleTimeMs: 0,
      errorCode: ErrorCode.NONE,
      unknownStateFilters: req.stateFilters.filter((s) => !known.has(s)),
      transactionStates: listed.map((t) => ({ transactionalId: t.transactionalId, producerId: BigInt(t.producerId), transactionState: t.state })),
    };
  },
};
