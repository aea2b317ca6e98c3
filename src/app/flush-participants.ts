import type { TopicPartition } from '../topics/message-context.ts';
import { SinkBackpressureError } from '../sinks/base/sink-backpressure-error.ts';
import type { CheckpointParticipant } from './checkpoint.ts';

const tpKey = (p: TopicPartition): string => `${p.topic}\u0000${p.partition}`;

/**
 * Step 2 of a checkpoint: flushes every participant for `partitions` (all buffered when omitted),
 * in order. A participant that asks to pause takes its partitions out of the flushes of the
 * participants after it; the answer is one SinkBackpressureError naming every partition not
 * written (and the longest `retryAfterMs`), or undefined when all were. Any other rejection is
 * thrown as is.
 *
 * @example
 * ```ts
 * const pressure = await flushParticipants(sinks, [{ topic: 'orders', partition: 0 }]);
 * if (pressure) skipCommitOf(pressure.partitions);
 * ```
 */
export async function flushParticipants(
  participants: readonly CheckpointParticipant[],
  partitions: readonly TopicPartition[] | undefined,
): Promise<SinkBackpressureError | undefined> {
  let todo = partitions;
  const pressured = new Map<string, TopicPartition>();
  let retryAfterMs = 0;
  const sinks: string[] = [];
  for (const participant of participants) {
    if (todo?.length === 0) break;
    try {
      await participant.flush(todo);
    } catch (e) {
      if (!(e instanceof SinkBackpressureError)) throw e;
      const named = e.partitions.length > 0 ? e.partitions : (todo ?? []);
      for (const p of named) pressured.set(tpKey(p), { topic: p.topic, partition: p.partition });
      retryAfterMs = Math.max(retryAfterMs, e.retryAfterMs);
      if (e.sink) sinks.push(e.sink);
      // without a list (a tick flushes everything) the later participants wait for the next checkpoint
      if (!todo) break;
      todo = todo.filter((p) => !pressured.has(tpKey(p)));
    }
  }
  if (pressured.size === 0) return undefined;
  return new SinkBackpressureError(retryAfterMs, { partitions: [...pressured.values()], ...(sinks.length ? { sink: sinks.join("', '") } : {}) });
}
