import type { Sink } from '../../sinks/base/sink.ts';
import { defineOperator, type FrameOperator } from '../define-operator.ts';

/** The operator `sdf.sink(sink)` adds: it hands each row to the pipeline's `env.sink`. */
export interface SinkOperator extends FrameOperator {
  readonly sink: Sink<any>;
}

/**
 * Hands each row to `sink` (through `env.sink`, which buffers it with the message's outputs so a
 * row that fails later in another branch leaves nothing in the sink) and emits nothing.
 *
 * @example
 * ```ts
 * const op = sinkOperator(new MemorySink({ name: 'm' }));
 * ```
 */
export function sinkOperator(sink: Sink<any>): SinkOperator {
  const op = defineOperator('sink', (env) => (row) => {
    if (!env.sink) throw new TypeError(`this pipeline runs without sinks; sink '${sink.name}' cannot take rows here`);
    env.sink(sink, row);
  });
  return { ...op, sink };
}

/**
 * Whether `op` is a {@link SinkOperator} (how the Processor finds the sinks it runs).
 *
 * @example
 * ```ts
 * const sinks = nodes.map((n) => n.operator).filter(isSinkOperator).map((op) => op.sink);
 * ```
 */
export function isSinkOperator(op: FrameOperator | undefined): op is SinkOperator {
  return op !== undefined && 'sink' in op;
}
