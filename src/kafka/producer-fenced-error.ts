import { SluiceError } from '../errors.ts';

/**
 * Another producer with the same transactional id took over (Kafka's `PRODUCER_FENCED`, or
 * `INVALID_PRODUCER_EPOCH` from a transaction API): this producer's open transaction is aborted
 * and it can do nothing more. It is not retriable — the instance that got it is a zombie and must
 * stop (its partitions belong to the producer that fenced it).
 *
 * @example
 * ```ts
 * try { await tx.commit(); } catch (e) { if (e instanceof ProducerFencedError) { await tx.close(); process.exit(1); } }
 * ```
 */
export class ProducerFencedError extends SluiceError {
  constructor(
    /** The transactional id another producer now holds. */
    readonly transactionalId: string,
    /** What the producer was doing, e.g. "committing the transaction". */
    what: string,
    cause?: unknown,
  ) {
    super(
      `${what} failed: another producer with transactional id '${transactionalId}' took over (fenced); ` +
        `this producer's transaction was aborted. Stop this instance: the one that fenced it owns its partitions now`,
      { cause, retriable: false },
    );
  }
}
