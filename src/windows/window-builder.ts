import type { FrameNode } from '../dataframe/frame-node.ts';
import type { StreamingDataFrame } from '../dataframe/streaming-data-frame.ts';
import { ConfigError } from '../errors.ts';
import { isStatefulOperator } from '../state/stateful-operator.ts';
import type { Aggregator } from './aggregations/aggregator.ts';
import { agg } from './aggregations/agg.ts';
import { Collect } from './aggregations/collect.ts';
import { Count } from './aggregations/count.ts';
import { Max } from './aggregations/max.ts';
import { Mean } from './aggregations/mean.ts';
import { Min } from './aggregations/min.ts';
import { Reduce } from './aggregations/reduce.ts';
import { Sum } from './aggregations/sum.ts';
import type { Duration } from './parse-duration.ts';
import type { WallClock } from './wall-clock.ts';
import { windowOperator } from './window-operator.ts';
import { WindowRunner } from './window-runner.ts';
import type { WindowLogic } from './window-types.ts';

/** A window result with a single aggregate. */
export interface WindowValue<R> {
  start: number;
  end: number;
  value: R;
}

/** A window result of `agg({...})`: the aggregates next to `start` and `end`. */
export type WindowRecord<R> = { start: number; end: number } & R;

type NumericField<T> = { [F in keyof T]: T[F] extends number ? F : never }[keyof T] & string;

/** Options of `.final()`. */
export interface FinalOptions {
  /** Close a partition's windows after this much wall-clock time without records. */
  idleTimeout?: Duration;
  clock?: WallClock;
}

/**
 * A window with its aggregation chosen: pick how results are emitted. Each call adds the window
 * to the frame; a second window with the same store name on one of the frame's input topics is a
 * ConfigError (their state would mix): give one of them its own `name`.
 *
 * @example
 * ```ts
 * sdf.tumblingWindow({ duration: '1m' }).sum('amount').final(); // StreamingDataFrame<{ start, end, value: number }>
 * ```
 */
export class AggregatedWindow<R, K> {
  constructor(
    private readonly sdf: StreamingDataFrame<any, K>,
    private readonly window: WindowLogic<any>,
  ) {}

  /** Emits the window's new result on every record it receives. */
  current(): StreamingDataFrame<R, K> {
    return this.add(new WindowRunner(this.window, { mode: 'current' }));
  }

  /** Emits each window once, when the watermark (max timestamp − grace) passes its end. */
  final(options: FinalOptions = {}): StreamingDataFrame<R, K> {
    return this.add(new WindowRunner(this.window, { mode: 'final', ...options }));
  }

  private add(runner: WindowRunner<any>): StreamingDataFrame<R, K> {
    const roots = this.sdf.node.ancestry().filter((n) => n.isRoot);
    for (const root of roots) assertStoreFree(root, this.window.name);
    return this.sdf.pipe<R, K>(windowOperator(runner, { topics: roots.map((r) => r.topic!.name) }));
  }
}

/** Throws if a stateful step reading `root` (a window or `{ stateful: true }` step) already uses `storeName`. */
function assertStoreFree(root: FrameNode, storeName: string): void {
  const seen = new Set<FrameNode>();
  const stack = [root];
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (seen.has(node)) continue;
    seen.add(node);
    if (isStatefulOperator(node.operator) && node.operator.stores.includes(storeName)) {
      throw new ConfigError(
        `Window store "${storeName}" on topic "${root.topic!.name}" is already used by another window or stateful step; ` +
          `their state would mix. Pass option "name" to give this window its own store, e.g. { name: '${storeName}_2' }.`,
      );
    }
    stack.push(...node.children);
  }
}

/**
 * A window over a frame, waiting for its aggregation (Quix style:
 * `sdf.tumblingWindow({ duration: '1m' }).agg({ revenue: Sum('amount'), orders: Count() }).final()`).
 *
 * @example
 * ```ts
 * const perMinute = sdf.tumblingWindow({ duration: '1m', grace: '5s' }).count().current();
 * ```
 */
export class WindowBuilder<T, K> {
  constructor(
    private readonly sdf: StreamingDataFrame<T, K>,
    private readonly make: (aggregation: Aggregator<any, any, any>) => WindowLogic<any>,
  ) {}

  /** Sum of the values, or of their numeric `field`. */
  sum(field?: NumericField<T>): AggregatedWindow<WindowValue<number>, K> {
    return this.with(Sum(field));
  }

  /** Number of values. */
  count(): AggregatedWindow<WindowValue<number>, K> {
    return this.with(Count());
  }

  /** Mean of the values, or of their numeric `field`. */
  mean(field?: NumericField<T>): AggregatedWindow<WindowValue<number>, K> {
    return this.with(Mean(field));
  }

  /** Smallest value (or `field`). */
  min(field?: NumericField<T>): AggregatedWindow<WindowValue<number | null>, K> {
    return this.with(Min(field));
  }

  /** Largest value (or `field`). */
  max(field?: NumericField<T>): AggregatedWindow<WindowValue<number | null>, K> {
    return this.with(Max(field));
  }

  /** All values (or `field`s) in arrival order. */
  collect<F extends keyof T & string>(field?: F): AggregatedWindow<WindowValue<Array<F extends keyof T ? T[F] : T>>, K> {
    return this.with(Collect(field));
  }

  /** A fold from `init`; session windows also need `merge`. */
  reduce<A>(init: A, fn: (acc: A, value: T) => A, merge?: (a: A, b: A) => A): AggregatedWindow<WindowValue<A>, K> {
    return this.with(Reduce(init, fn, merge));
  }

  /** Several aggregations by name. */
  agg<S extends Record<string, Aggregator>>(spec: S): AggregatedWindow<WindowRecord<{ [N in keyof S]: S[N] extends Aggregator<any, any, infer R> ? R : never }>, K> {
    return this.with(agg(spec));
  }

  private with<R>(aggregation: Aggregator<any, any, any>): AggregatedWindow<R, K> {
    return new AggregatedWindow<R, K>(this.sdf, this.make(aggregation));
  }
}
