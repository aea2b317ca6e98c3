import { SluiceError } from '../../errors.ts';
import { ErrorCode } from '../../protocol/error-codes.ts';

const NAMES = new Map<number, string>(Object.entries(ErrorCode).map(([name, code]) => [code, name]));

/** Error codes Kafka clients retry (Kafka's RetriableException subclasses, plus a rebalance). */
const RETRIABLE = new Set<number>([
  ErrorCode.CORRUPT_MESSAGE,
  ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
  ErrorCode.LEADER_NOT_AVAILABLE,
  ErrorCode.NOT_LEADER_OR_FOLLOWER,
  ErrorCode.REQUEST_TIMED_OUT,
  13, // NETWORK_EXCEPTION
  ErrorCode.COORDINATOR_LOAD_IN_PROGRESS,
  ErrorCode.COORDINATOR_NOT_AVAILABLE,
  ErrorCode.NOT_COORDINATOR,
  19, // NOT_ENOUGH_REPLICAS
  20, // NOT_ENOUGH_REPLICAS_AFTER_APPEND
  ErrorCode.REBALANCE_IN_PROGRESS,
  ErrorCode.CONCURRENT_TRANSACTIONS,
  ErrorCode.KAFKA_STORAGE_ERROR,
  ErrorCode.FETCH_SESSION_ID_NOT_FOUND,
  ErrorCode.INVALID_FETCH_SESSION_EPOCH,
  74, // FENCED_LEADER_EPOCH
  75, // UNKNOWN_LEADER_EPOCH
  78, // OFFSET_NOT_AVAILABLE
  80, // PREFERRED_LEADER_NOT_AVAILABLE
  ErrorCode.UNSTABLE_OFFSET_COMMIT,
  89, // THROTTLING_QUOTA_EXCEEDED
]);

/**
 * The name Kafka gives an error code (`NOT_LEADER_OR_FOLLOWER`), or `ERROR_<code>`.
 *
 * @example
 * ```ts
 * errorName(6); // 'NOT_LEADER_OR_FOLLOWER'
 * ```
 */
export function errorName(code: number): string {
  return NAMES.get(code) ?? `ERROR_${code}`;
}

/**
 * A broker answered a request with an error code. `retriable` follows Kafka's clients: a leader
 * that moved, a coordinator that is loading, a rebalance, a timeout may pass; a record too large,
 * a topic that may not be written may not.
 *
 * @example
 * ```ts
 * if (errorCode !== 0) throw new KafkaProtocolError(errorCode, `producing to 'words' partition 2`);
 * ```
 */
export class KafkaProtocolError extends SluiceError {
  /** Kafka's name of the code, e.g. `NOT_LEADER_OR_FOLLOWER`. */
  readonly type: string;

  constructor(
    readonly code: number,
    /** What was being done, e.g. "producing to topic 'words' partition 2". */
    what: string,
    detail?: string | null,
  ) {
    super(`${what} failed: the broker answered ${errorName(code)} (${code})${detail ? `: ${detail}` : ''}`, { retriable: RETRIABLE.has(code) });
    this.type = errorName(code);
  }
}

/**
 * A connection to a broker failed or closed with requests in flight; always retriable.
 *
 * @example
 * ```ts
 * socket.on('close', () => reject(new BrokerConnectionError('127.0.0.1:9092', 'the connection closed')));
 * ```
 */
export class BrokerConnectionError extends SluiceError {
  constructor(
    readonly address: string,
    reason: string,
    cause?: unknown,
  ) {
    super(`Kafka broker ${address}: ${reason}`, { cause, retriable: true });
  }
}
