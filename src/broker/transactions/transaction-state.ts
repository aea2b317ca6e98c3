import { SluiceError } from '../../errors.ts';

/**
 * The states of a transactional id, named as Kafka names them (DescribeTransactions, logs).
 *
 * - `Empty`: a producer id and epoch are assigned; no transaction has begun.
 * - `Ongoing`: partitions or consumer-group offsets were added; records may be written.
 * - `PrepareCommit` / `PrepareAbort`: the end was decided and written to the transaction log;
 *   markers are being written (a restart finishes them).
 * - `CompleteCommit` / `CompleteAbort`: markers written, offsets applied or dropped.
 * - `Dead`: the transactional id expired and is forgotten.
 *
 * @example
 * ```ts
 * const state: TransactionState = 'Ongoing';
 * ```
 */
export type TransactionState = 'Empty' | 'Ongoing' | 'PrepareCommit' | 'PrepareAbort' | 'CompleteCommit' | 'CompleteAbort' | 'Dead';

/**
 * Every state, in the order Kafka documents them.
 *
 * @example
 * ```ts
 * TRANSACTION_STATES.includes(value as TransactionState);
 * ```
 */
export const TRANSACTION_STATES: readonly TransactionState[] = ['Empty', 'Ongoing', 'PrepareCommit', 'PrepareAbort', 'CompleteCommit', 'CompleteAbort', 'Dead'];

/** For each target state, the states a transaction may move to it from (as in Kafka's TransactionState). */
const VALID_PREVIOUS_STATES: Readonly<Record<TransactionState, readonly TransactionState[]>> = {
  Empty: ['Empty', 'CompleteCommit', 'CompleteAbort'],
  Ongoing: ['Ongoing', 'Empty', 'CompleteCommit', 'CompleteAbort'],
  PrepareCommit: ['Ongoing'],
  PrepareAbort: ['Ongoing'],
  CompleteCommit: ['PrepareCommit'],
  CompleteAbort: ['PrepareAbort'],
  Dead: ['Empty', 'CompleteCommit', 'CompleteAbort'],
};

/**
 * The transaction coordinator tried to move a transactional id between two states its state
 * machine does not connect.
 *
 * @example
 * ```ts
 * try { assertTxnTransition('orders-0', 'Empty', 'PrepareCommit'); } catch (e) { log.error((e as Error).message); }
 * ```
 */
export class IllegalTransactionTransitionError extends SluiceError {
  constructor(transactionalId: string, from: TransactionState, to: TransactionState) {
    super(
      `Transactional id '${transactionalId}' cannot move from ${from} to ${to}; ${to} is reached only from ` +
        `${VALID_PREVIOUS_STATES[to].join(', ')}. This is a bug in the transaction coordinator.`,
    );
  }
}

/**
 * Whether the transition table allows moving from `from` to `to`.
 *
 * @example
 * ```ts
 * canTxnTransition('Ongoing', 'PrepareCommit'); // true
 * canTxnTransition('Empty', 'PrepareCommit');   // false
 * ```
 */
export function canTxnTransition(from: TransactionState, to: TransactionState): boolean {
  return VALID_PREVIOUS_STATES[to].includes(from);
}

/**
 * Throws {@link IllegalTransactionTransitionError} unless the table allows `from` → `to`.
 *
 * @example
 * ```ts
 * assertTxnTransition('orders-0', 'Ongoing', 'PrepareAbort');
 * ```
 */
export function assertTxnTransition(transactionalId: string, from: TransactionState, to: TransactionState): void {
  if (!canTxnTransition(from, to)) throw new IllegalTransactionTransitionError(transactionalId, from, to);
}

/** Whether a transaction in this state has ended (its offsets are applied or dropped). */
export function isTxnEnded(state: TransactionState): boolean {
  return state === 'Empty' || state === 'CompleteCommit' || state === 'CompleteAbort' || state === 'Dead';
}
