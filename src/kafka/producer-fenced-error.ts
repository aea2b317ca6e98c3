import { SluiceError } from '../errors.ts';

/**
 * Another producer with the same transactional id took over (Kafka's `PRODUCER_FENCED`, or
 * `INVALID_PRODUCER_EPOCH` from a transaction API): this producer's open transaction is aborted
 * and it can do nothing more. It is not retriable — the instance that got it is a zombie (its
 * partitions belong to the producer that fenced it). A sluice app under exactly-once handles it:
 * it drops the uncommitted work of those partitions and goes on once the group assigns it
 * partitions again.
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

/**
 * Kafka error types that mean a transactional producer (or the group member it commits for) was
 * replaced: another producer with its `transactional.id` registered (a new epoch), the broker
 * aborted its transaction (timeout), or the group moved on to a generation without this member.
 */
const FENCING_TYPES = new Set(['PRODUCER_FENCED', 'INVALID_PRODUCER_EPOCH', 'FENCED_INSTANCE_ID', 'ILLEGAL_GENERATION', 'UNKNOWN_MEMBER_ID']);

/**
 * Whether `error` (or an error it wraps) says that a transactional producer or the group member
 * it commits offsets for was fenced: a {@link ProducerFencedError}, or a Kafka error of type
 * PRODUCER_FENCED, INVALID_PRODUCER_EPOCH, FENCED_INSTANCE_ID, ILLEGAL_GENERATION or UNKNOWN_MEMBER_ID.
 *
 * @example
 * ```ts
 * if (isFencingError(e)) logger.warn('fenced: another instance owns these partitions now');
 * ```
 */
export function isFencingError(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e && typeof e === 'object' && depth < 8; e = (e as { cause?: unknown }).cause, depth++) {
    if (e instanceof ProducerFencedError) return true;
    const type = (e as { type?: unknown }).type;
    if (typeof type === 'string' && FENCING_TYPES.has(type)) return true;
  }
  return false;
}
