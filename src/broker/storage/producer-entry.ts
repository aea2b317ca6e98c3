/**
 * What one partition remembers of one producer id (Kafka's ProducerStateEntry): its epoch, the
 * sequence ranges and offsets of its last five batches (clients keep at most five requests in
 * flight, so a retry is always among them), and where its open transaction began.
 */

/** How many batches per producer are remembered for duplicate detection. */
export const REMEMBERED_BATCHES = 5;

const INT32_MAX = 0x7fffffff;

/** Sequence range and offsets of one appended batch. */
export interface BatchMetadata {
  readonly firstSeq: number;
  readonly lastSeq: number;
  readonly firstOffset: number;
  readonly lastOffset: number;
}

/** The state of one producer id in one partition. Entries are immutable; updates make new ones. */
export interface ProducerEntry {
  readonly producerId: number;
  /** -1 when only a marker or nothing is known yet. */
  readonly epoch: number;
  /** The last batches, oldest first, at most {@link REMEMBERED_BATCHES}. */
  readonly batches: readonly BatchMetadata[];
  /** First offset of the producer's open transaction in this partition, -1 when none is open. */
  readonly txnFirstOffset: number;
  /** Broker time of the producer's last append (ms since the epoch), for expiry. */
  readonly lastAppendMs: number;
}

/**
 * The last sequence of a batch: base sequence plus the last offset delta, wrapping past 2^31 - 1
 * to 0 as Kafka's sequences do.
 *
 * @example
 * ```ts
 * lastSequence(10, 4); // 14
 * lastSequence(0x7fffffff, 1); // 0
 * ```
 */
export function lastSequence(baseSequence: number, lastOffsetDelta: number): number {
  if (baseSequence > INT32_MAX - lastOffsetDelta) return lastOffsetDelta - (INT32_MAX - baseSequence) - 1;
  return baseSequence + lastOffsetDelta;
}

/**
 * Whether `next` directly follows `last` (with the wrap from 2^31 - 1 to 0).
 *
 * @example
 * ```ts
 * inSequence(4, 5); // true
 * inSequence(4, 7); // false
 * ```
 */
export function inSequence(last: number, next: number): boolean {
  return next === last + 1 || (next === 0 && last === INT32_MAX);
}

/**
 * The sequence the producer's next batch must start with, or null when any is accepted (an
 * unknown producer, or one whose epoch is unknown).
 *
 * @example
 * ```ts
 * expectedSequence(entry); // 15 after a batch with sequences 10..14
 * ```
 */
export function expectedSequence(entry: ProducerEntry | undefined): number | null {
  if (entry === undefined || entry.epoch < 0) return null;
  const last = entry.batches.length > 0 ? entry.batches[entry.batches.length - 1]!.lastSeq : -1;
  return last === INT32_MAX ? 0 : last + 1;
}

/**
 * The remembered batch with exactly these sequences, when the epoch is the entry's (a retry).
 *
 * @example
 * ```ts
 * const dup = findDuplicate(entry, epoch, 10, 14);
 * if (dup) return { baseOffset: dup.firstOffset };
 * ```
 */
export function findDuplicate(entry: ProducerEntry | undefined, epoch: number, firstSeq: number, lastSeq: number): BatchMetadata | undefined {
  if (entry === undefined || entry.epoch !== epoch) return undefined;
  return entry.batches.find((b) => b.firstSeq === firstSeq && b.lastSeq === lastSeq);
}

/**
 * The entry after a batch (or marker) of `epoch`: a new epoch forgets the remembered batches;
 * `batch` is added keeping the last five.
 *
 * @example
 * ```ts
 * const next = withBatch(entry, 3, 0, { firstSeq: 0, lastSeq: 4, firstOffset: 100, lastOffset: 104 }, Date.now());
 * ```
 */
export function withBatch(
  entry: ProducerEntry | undefined,
  producerId: number,
  epoch: number,
  batch: BatchMetadata | null,
  txnFirstOffset: number,
  now: number,
): ProducerEntry {
  let batches = entry !== undefined && entry.epoch === epoch ? entry.batches : [];
  if (batch !== null) batches = [...batches.slice(-(REMEMBERED_BATCHES - 1)), batch];
  return { producerId, epoch, batches, txnFirstOffset, lastAppendMs: now };
}
