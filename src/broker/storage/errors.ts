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
