import type { ProcessingStats } from '../app/processing-stats.ts';
import type { StateAccess } from '../state/state-access.ts';
import type { WallClock } from '../windows/wall-clock.ts';
import type { Topic } from '../topics/topic.ts';
import type { Row } from './row.ts';
import type { Sink } from '../sinks/base/sink.ts';

/**
 * What a compiled pipeline needs from whoever runs it: where `toTopic` rows go and what happens
 * when a callback throws. The Processor (Kafka, TestDriver) and `sdf.test` each provide one.
 *
 * @example
 * ```ts
 * const env: PipelineEnv = { produce: (topic, row, key) => out.push({ topic: topic.name, value: row.value, key }), fail: (e) => { throw e; } };
 * ```
 */
export interface PipelineEnv {
  /** Sends `row` to `topic` with `key`; may throw (e.g. SerializationError). */
  produce(topic: Topic<any, any>, row: Row, key: unknown): void;
  /**
   * Takes a row reaching `sdf.sink(sink)`: the runner buffers it with the message's outputs and
   * hands it to `sink.add` once the message succeeded. Absent where no sink can run.
   */
  sink?(sink: Sink<any>, row: Row): void;
  /** Called with what a callback threw for `row` (in the operator named `operator`); must not throw. */
  fail(error: unknown, row: Row, operator: string): void;
  /** State stores for stateful operators and windows (absent in `sdf.test`: they then keep state in memory). */
  state?: StateAccess;
  /** Wall clock for idle window closing (default: the system clock). */
  clock?: WallClock;
  /** Registers work to run on each `processor.tick()` (idle window closing), outside any batch. */
  onTick?(fn: () => void): void;
  /** Counters operators update: windows add their late records to `lateRecords`. */
  stats?: ProcessingStats;
}
