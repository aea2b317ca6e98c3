/**
 * Whether a kafkajs (or sluice) error may go away by trying again: the error, or an error it wraps
 * (kafkajs wraps the last failure in KafkaJSNumberOfRetriesExceeded), says `retriable: true`. A
 * broker that is down or restarting, a leader that moved and a rebalance are retriable; a record
 * that is too large or a topic that is not allowed are not.
 *
 * @example
 * ```ts
 * try { await producer.send(batch); } catch (e) { if (!isRetriable(e)) throw e; }
 * ```
 */
export function isRetriable(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e && typeof e === 'object' && depth < 8; e = (e as { cause?: unknown }).cause, depth++) {
    if ((e as { retriable?: unknown }).retriable === true) return true;
  }
  return false;
}
