import { SluiceError } from '../../errors.ts';

/**
 * A topic name breaks Kafka's rules (empty, longer than 249 characters, `.` or `..`, or a
 * character outside `[a-zA-Z0-9._-]`). Nothing is written to disk for such a name.
 *
 * @example
 * ```ts
 * try { storage.createTopic('a/b', 1); } catch (e) { if (e instanceof InvalidTopicError) errorCode = 17; }
 * ```
 */
export class InvalidTopicError extends SluiceError {}

/**
 * `createTopic` was called for a topic that already exists.
 *
 * @example
 * ```ts
 * try { storage.createTopic('jokes', 3); } catch (e) { if (e instanceof TopicExistsError) errorCode = 36; }
 * ```
 */
export class TopicExistsError extends SluiceError {}

/**
 * The topic named does not exist in the storage (delete, addPartitions, alterConfigs).
 *
 * @example
 * ```ts
 * try { storage.deleteTopic('nope'); } catch (e) { if (e instanceof UnknownTopicError) errorCode = 3; }
 * ```
 */
export class UnknownTopicError extends SluiceError {}

/**
 * An offset lies outside `[logStartOffset, logEndOffset]` of a partition. Consumers reset their
 * position (earliest or latest) and fetch again.
 *
 * @example
 * ```ts
 * try { log.read(offset, 1 << 20); } catch (e) { if (e instanceof OffsetOutOfRangeError) errorCode = 1; }
 * ```
 */
export class OffsetOutOfRangeError extends SluiceError {
  constructor(
    readonly topic: string,
    readonly partition: number,
    readonly offset: number,
    readonly logStartOffset: number,
    readonly logEndOffset: number,
  ) {
    super(
      `offset ${offset} of ${topic}-${partition} is out of range [${logStartOffset}, ${logEndOffset}]; ` +
        'reset the consumer position to the earliest or latest offset',
    );
  }
}

/**
 * The storage's files could not be used as expected (an unreadable `topic.json`, a file system
 * error, a partition that was closed). The message names the file and what to check.
 *
 * @example
 * ```ts
 * try { new FileLogStorage({ dataDir }); } catch (e) { if (e instanceof StorageError) log.error(e.message); }
 * ```
 */
export class StorageError extends SluiceError {}

/**
 * An append was refused because of what the partition knows of its producer (sequence, epoch,
 * transaction). Nothing of the append was written. The produce handler answers each subclass
 * with its Kafka error code.
 *
 * @example
 * ```ts
 * try { log.append(batches); } catch (e) { if (e instanceof ProducerStateError) answerWithCodeFor(e); }
 * ```
 */
export class ProducerStateError extends SluiceError {}

/**
 * An idempotent batch does not follow the producer's last sequence in the partition (a gap:
 * earlier batches were lost). Kafka's OUT_OF_ORDER_SEQUENCE_NUMBER.
 *
 * @example
 * ```ts
 * throw new OutOfOrderSequenceError('producer 7 in jokes-0: expected sequence 5, got 9; ...');
 * ```
 */
export class OutOfOrderSequenceError extends ProducerStateError {}

/**
 * A batch or marker carries an epoch older than the producer's current one in the partition: a
 * newer producer with the same transactional id (or a bumped epoch) fenced it. Kafka's
 * INVALID_PRODUCER_EPOCH.
 *
 * @example
 * ```ts
 * throw new InvalidProducerEpochError('producer 7 in jokes-0 has epoch 3; a batch of epoch 2 is fenced ...');
 * ```
 */
export class InvalidProducerEpochError extends ProducerStateError {}

/**
 * A write contradicts the producer's transaction in the partition (e.g. a non-transactional batch
 * while its transaction is open). Kafka's INVALID_TXN_STATE.
 *
 * @example
 * ```ts
 * throw new InvalidTxnStateError('producer 7 has an open transaction in jokes-0; ...');
 * ```
 */
export class InvalidTxnStateError extends ProducerStateError {}

/**
 * A batch that clients may not write: a control batch (only the transaction coordinator writes
 * markers) or a transactional batch without a producer id. Kafka's INVALID_RECORD.
 *
 * @example
 * ```ts
 * throw new InvalidRecordError('control batches are written by the transaction coordinator only');
 * ```
 */
export class InvalidRecordError extends ProducerStateError {}
