import type { TopicPartition } from '../topics/message-context.ts';
import { SinkBackpressureError } from '../sinks/base/sink-backpressure-error.ts';
import type { CheckpointParticipant } from './checkpoint.ts';

/**
 * What {@link flushParticipants} did: `written` lists the partitions every participant made
 * durable; `pressure` names those a participant pushed back on; `failure` is the first other
 * error (the partitions from the one it failed on were not flushed).
 *
 * @example
 * ```ts
 * const { written, pressure, failure } = await flushParticipants(sinks, partitions);
 * ```
 */
export interface FlushOutcome {
  written: TopicPartition[];
  pressure?: SinkBackpressureError;
  failure?: Error;
}

/**
 * Step 2 of a checkpoint: flushes the participants partition by partition, so that when one fails
 * or pushes back the partitions written before it can still be committed. Without `partitions`
 * (a tick: everything buffered) each participant flushes once and `written` stays empty.
 *
 * @example
 * ```ts
 * const { written, pressure, failure } = await flushParticipants(sinks, [{ topic: 'orders', partition: 0 }]);
 * commit(offsetsOf(written));
 * if (failure) throw failure;
 * ```
 */
export async function flushParticipants(participants: readonly CheckpointParticipant[], partitions: readonly TopicPartition[] | undefined): Promise<FlushOutcome> {
  const written: TopicPartition[] = [];
  const pressured: TopicPartition[] = [];
  let retryAfterMs = 0;
  const sinks = new Set<string>();
  const pressure = (): SinkBackpressureError | undefined =>
    pressured.length === 0 ? undefined : new SinkBackpressureError(retryAfterMs, { partitions: pressured, ...(sinks.size ? { sink: [...sinks].join("', '") } : {}) });
  const pushedBack = (e: SinkBackpressureError, fallback: readonly TopicPartition[]): void => {
    pressured.push(...(e.partitions.length > 0 ? e.partitions : fallback));
    retryAfterMs = Math.max(retryAfterMs, e.retryAfterMs);
    if (e.sink) sinks.add(e.sink);
  };
  if (!partitions) {
    for (const participant of participants) {
      try {
        await participant.flush();
      } catch (e) {
        if (!(e instanceof SinkBackpressureError)) return { written, failure: e as Error };
        pushedBack(e, []);
        break; // the later participants flush at the next checkpoint
      }
    }
    return { written, ...(pressured.length ? { pressure: pressure() } : {}) };
  }
  for (const tp of partitions) {
    let ok = true;
    for (const participant of participants) {
      try {
        await participant.flush([tp]);
      } catch (e) {
        if (!(e instanceof SinkBackpressureError)) return { written, failure: e as Error, ...(pressured.length ? { pressure: pressure() } : {}) };
        pushedBack(e, [tp]);
        ok = false;
        break;
      }
    }
    if (ok) written.push(tp);
  }
  return { written, ...(pressured.length ? { pressure: pressure() } : {}) };
}
