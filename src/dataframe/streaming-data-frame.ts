import type { MessageContext, MessageHeaders } from '../topics/message-context.ts';
import type { Topic } from '../topics/topic.ts';
import type { FrameOperator } from './define-operator.ts';
import { FrameNode } from './frame-node.ts';
import { applyOperator } from './operators/apply.ts';
import { assignOperator } from './operators/assign.ts';
import { dropOperator } from './operators/drop.ts';
import { expandOperator } from './operators/expand.ts';
import { filterOperator } from './operators/filter.ts';
import { printOperator, type PrintOptions } from './operators/print.ts';
import { selectOperator } from './operators/select.ts';
import { setHeadersOperator } from './operators/set-headers.ts';
import { setTimestampOperator } from './operators/set-timestamp.ts';
import { sinkOperator } from './operators/sink.ts';
import type { Sink } from '../sinks/base/sink.ts';
import { toTopicOperator } from './operators/to-topic.ts';
import { updateOperator } from './operators/update.ts';
import { runFrameTest, type TestMeta, type TestOutput } from './run-frame-test.ts';
import { groupBy, type GroupByOptions } from '../state/group-by.ts';
import { statefulOperator, type StatefulCallback, type StatefulOptions } from '../state/stateful-operator.ts';
import { HoppingCountWindow } from '../windows/hopping-count-window.ts';
import { HoppingWindow, type HoppingWindowOptions } from '../windows/hopping-window.ts';
import { SessionWindow, type SessionWindowOptions } from '../windows/session-window.ts';
import { SlidingCountWindow } from '../windows/sliding-count-window.ts';
import { SlidingWindow, type SlidingWindowOptions } from '../windows/sliding-window.ts';
import { TumblingCountWindow } from '../windows/tumbling-count-window.ts';
import { TumblingWindow, type TumblingWindowOptions } from '../windows/tumbling-window.ts';
import { WindowBuilder } from '../windows/window-builder.ts';

/** Window options as given to `sdf.<kind>Window(...)`: everything but the aggregation. */
export type WindowOptions<O> = Omit<O, 'aggregation'>;

/**
 * Options of the count windows of a frame.
 *
 * @example
 * ```ts
 * sdf.tumblingCountWindow(10, { name: 'batches_of_10' }).sum('amount').final();
 * ```
 */
export interface CountWindowOptions {
  /** Store name; default `<kind>_count_window_<count>[_<step>]_<aggregation label>`. */
  name?: string;
}

/**
 * Options of `app.dataframe(topic, options)`.
 *
 * @example
 * ```ts
 * const users = app.dataframe(app.topic<User>('users'), { tombstones: true }); // values are User | null
 * ```
 */
export interface FrameOptions {
  /**
   * Receive messages whose value is null (tombstones: a deleted key of a compacted topic) as
   * `null` values. Default false: such a message is a TombstoneError, handled like a value that
   * cannot be deserialized (`onDeserializationError`, `deadLetterTopic`, or the app stops).
   */
  tombstones?: boolean;
}

/**
 * A pipeline callback: the value and the context of the message it came from.
 *
 * @example
 * ```ts
 * const stamp: FrameCallback<Joke, string, string> = (j, ctx) => `${ctx.key}@${ctx.timestamp}: ${j.text}`;
 * ```
 */
export type FrameCallback<T, K, R> = (value: T, ctx: MessageContext<K>) => R;

/**
 * A typed, declarative description of how the messages of a topic are processed. Every method
 * returns a NEW frame; the frame it was called on is unchanged, so a frame can branch:
 * `const a = sdf.filter(p); const b = sdf.apply(f);` — both branches run for every message, in
 * declaration order. Values are passed by reference: callbacks other than `update` must not
 * mutate the value they receive (return a new one), or a later branch sees the change.
 *
 * @example
 * ```ts
 * interface Joke { id: number; text: string; category: string }
 * const app = new Application({ consumerGroup: 'jokes' });
 * const jokes = app.topic<Joke>('jokes');
 * app.dataframe(jokes)
 *   .filter((j) => j.category !== 'dark')
 *   .assign('length', (j) => j.text.length)
 *   .select('id', 'length')
 *   .toTopic(app.topic('joke-lengths'));
 * await app.run();
 * ```
 */
export class StreamingDataFrame<T, K = string> {
  /** The graph node this frame ends at (used by the runners and by extensions). */
  readonly node: FrameNode;

  constructor(node: FrameNode) {
    this.node = node;
  }

  /**
   * A frame reading `topic` (use `app.dataframe(topic)`, which also registers it to run). With
   * `{ tombstones: true }` messages with a null value reach the frame as `null` (its values are
   * `V | null`); otherwise such a message is a TombstoneError.
   *
   * @example
   * ```ts
   * const sdf = StreamingDataFrame.fromTopic(new Topic<number>('numbers'));
   * const withDeletes = StreamingDataFrame.fromTopic(new Topic<number>('numbers'), { tombstones: true }); // StreamingDataFrame<number | null>
   * ```
   */
  static fromTopic<V, K>(topic: Topic<V, K>, options?: { tombstones?: false }): StreamingDataFrame<V, K>;
  static fromTopic<V, K>(topic: Topic<V, K>, options: { tombstones: true }): StreamingDataFrame<V | null, K>;
  static fromTopic<V, K>(topic: Topic<V, K>, options: FrameOptions = {}): StreamingDataFrame<V | null, K> {
    return new StreamingDataFrame<V | null, K>(FrameNode.root(topic, options.tombstones ?? false));
  }

  /**
   * A frame that applies a custom operator (the extension point for stateful operators).
   *
   * @example
   * ```ts
   * const doubled = sdf.pipe<number>(defineOperator('double', () => (row, push) => push({ ...row, value: (row.value as number) * 2 })));
   * ```
   */
  pipe<R, K2 = K>(operator: FrameOperator): StreamingDataFrame<R, K2> {
    return new StreamingDataFrame<R, K2>(this.node.derive(operator));
  }

  /**
   * Replaces each value with what `fn` returns.
   *
   * @example
   * ```ts
   * const lengths = sdf.apply((j: Joke) => j.text.length); // StreamingDataFrame<number>
   * ```
   */
  apply<R>(fn: FrameCallback<T, K, R>): StreamingDataFrame<R, K>;
  /** Stateful form: `fn(value, state, ctx)` also gets the {@link State} of the message key. */
  apply<R>(fn: StatefulCallback<T, K, R>, options: StatefulOptions): StreamingDataFrame<R, K>;
  apply<R>(fn: FrameCallback<T, K, R> | StatefulCallback<T, K, R>, options?: StatefulOptions): StreamingDataFrame<R, K> {
    if (options?.stateful) return this.pipe(statefulOperator('apply', fn as StatefulCallback<T, K, R>, options.store));
    return this.pipe(applyOperator(fn as FrameCallback<T, K, R>));
  }

  /**
   * Runs `fn` for its side effect (it may mutate the value); the value passes on.
   *
   * @example
   * ```ts
   * sdf.update((j) => { j.text = j.text.trim(); });
   * ```
   */
  update(fn: FrameCallback<T, K, unknown>): StreamingDataFrame<T, K>;
  /** Stateful form: `fn(value, state, ctx)` also gets the {@link State} of the message key. */
  update(fn: StatefulCallback<T, K, unknown>, options: StatefulOptions): StreamingDataFrame<T, K>;
  update(fn: FrameCallback<T, K, unknown> | StatefulCallback<T, K, unknown>, options?: StatefulOptions): StreamingDataFrame<T, K> {
    if (options?.stateful) return this.pipe(statefulOperator('update', fn as StatefulCallback<T, K, unknown>, options.store));
    return this.pipe(updateOperator(fn as FrameCallback<T, K, unknown>));
  }

  /**
   * Keeps the values for which `predicate` returns a truthy value. A type-guard predicate narrows
   * the frame's type.
   *
   * @example
   * ```ts
   * const long = sdf.filter((j) => j.text.length > 80);
   * ```
   */
  filter<S extends T>(predicate: (value: T, ctx: MessageContext<K>) => value is S): StreamingDataFrame<S, K>;
  filter(predicate: FrameCallback<T, K, unknown>): StreamingDataFrame<T, K>;
  /** Stateful form: `predicate(value, state, ctx)` also gets the {@link State} of the message key. */
  filter(predicate: StatefulCallback<T, K, unknown>, options: StatefulOptions): StreamingDataFrame<T, K>;
  filter(predicate: FrameCallback<T, K, unknown> | StatefulCallback<T, K, unknown>, options?: StatefulOptions): StreamingDataFrame<T, K> {
    if (options?.stateful) return this.pipe(statefulOperator('filter', predicate as StatefulCallback<T, K, unknown>, options.store));
    return this.pipe(filterOperator(predicate as FrameCallback<T, K, unknown>));
  }

  /**
   * Emits one row per item of the iterable `fn` returns (all with the input's key and context).
   *
   * @example
   * ```ts
   * const words = sdf.expand((j) => j.text.split(/\s+/)); // StreamingDataFrame<string>
   * ```
   */
  expand<R>(fn: FrameCallback<T, K, Iterable<R>>): StreamingDataFrame<R, K> {
    return this.pipe(expandOperator(fn));
  }

  /**
   * Produces each value to `topic` — keyed by `options.key(value, ctx)`, else by the message key —
   * and passes it on. The value must fit the topic's value type; an untyped topic
   * (`app.topic('out')`, i.e. `Topic<unknown>`) takes any value.
   *
   * @example
   * ```ts
   * words.toTopic(app.topic<string>('words'), { key: (word) => word });
   * ```
   */
  toTopic<K2 = K>(topic: Topic<T, K2> | Topic<unknown, K2>, options: { key?: FrameCallback<T, K, K2> } = {}): StreamingDataFrame<T, K> {
    return this.pipe(toTopicOperator(topic, options.key));
  }

  /**
   * Ends the frame in `sink` (a file, a database table, ...): each value is buffered and written
   * at the next checkpoint, before the offsets are committed (at-least-once; see `Sink`). Terminal:
   * nothing follows a sink. A frame may branch into several sinks and topics.
   *
   * @example
   * ```ts
   * sdf.filter((o) => o.amount > 0).sink(new CsvSink({ name: 'orders-csv', dir: 'output_data' }));
   * ```
   */
  sink(sink: Sink<T>): void {
    this.pipe(sinkOperator(sink));
  }

  /**
   * Writes each value as JSON to a stream (stdout by default); the value passes on.
   *
   * @example
   * ```ts
   * sdf.print({ metadata: true });
   * ```
   */
  print(options: PrintOptions = {}): StreamingDataFrame<T, K> {
    return this.pipe(printOperator(options));
  }

  /**
   * Sets each row's event time (used by `toTopic` and windows) to what `fn` returns (epoch ms).
   *
   * @example
   * ```ts
   * sdf.setTimestamp((order) => Date.parse(order.createdAt));
   * ```
   */
  setTimestamp(fn: FrameCallback<T, K, number>): StreamingDataFrame<T, K> {
    return this.pipe(setTimestampOperator(fn));
  }

  /**
   * Replaces each row's headers with what `fn` returns.
   *
   * @example
   * ```ts
   * sdf.setHeaders((v, ctx) => ({ ...ctx.headers, 'x-source': 'sluice' }));
   * ```
   */
  setHeaders(fn: FrameCallback<T, K, MessageHeaders>): StreamingDataFrame<T, K> {
    return this.pipe(setHeadersOperator(fn));
  }

  /**
   * Adds (or overwrites) the field `field` with what `fn` returns; values must be objects.
   *
   * @example
   * ```ts
   * const withLength = sdf.assign('length', (j) => j.text.length); // Joke & { length: number }
   * ```
   */
  assign<F extends string, R>(field: T extends object ? F : never, fn: FrameCallback<T, K, R>): StreamingDataFrame<Assigned<T, F, R>, K> {
    return this.pipe(assignOperator(field, fn));
  }

  /**
   * Keeps only the named fields of each (object) value; an unknown field name is a compile error.
   *
   * @example
   * ```ts
   * const slim = sdf.select('id', 'text'); // StreamingDataFrame<Pick<Joke, 'id' | 'text'>>
   * ```
   */
  select<F extends keyof T & string>(...fields: F[]): StreamingDataFrame<Pick<T, F>, K> {
    return this.pipe(selectOperator(fields));
  }

  /**
   * Removes the named fields from each (object) value; an unknown field name is a compile error.
   *
   * @example
   * ```ts
   * const safe = users.drop('password'); // StreamingDataFrame<Omit<User, 'password'>>
   * ```
   */
  drop<F extends keyof T & string>(...fields: F[]): StreamingDataFrame<Omit<T, F>, K> {
    return this.pipe(dropOperator(fields));
  }

  /**
   * A frame carrying the rows of this frame and of `other`, each in its own arrival order.
   *
   * @example
   * ```ts
   * const all = webOrders.merge(shopOrders);
   * ```
   */
  merge<U>(other: StreamingDataFrame<U, K>): StreamingDataFrame<T | U, K> {
    return new StreamingDataFrame<T | U, K>(FrameNode.union([this.node, other.node]));
  }

  /**
   * Re-keys the frame by a field or function so that state for the new key lives on one
   * partition (through the internal topic `repartition__<group>--<topic>--<name>`).
   *
   * @example
   * ```ts
   * const byProduct = sdf.groupBy('product_id');
   * const byDomain = sdf.groupBy((u) => u.email.split('@')[1], { name: 'domain' });
   * ```
   */
  groupBy(by: (keyof T & string) | FrameCallback<T, K, unknown>, options: GroupByOptions = {}): StreamingDataFrame<T, string> {
    return groupBy(this, by, options);
  }

  /**
   * Non-overlapping windows of `duration` per key; then choose an aggregation and `.current()`/`.final()`.
   *
   * @example
   * ```ts
   * sdf.tumblingWindow({ duration: '1m', grace: '5s' }).agg({ revenue: Sum('amount'), orders: Count() }).final();
   * ```
   */
  tumblingWindow(options: WindowOptions<TumblingWindowOptions<unknown>>): WindowBuilder<T, K> {
    return new WindowBuilder(this, (aggregation) => new TumblingWindow({ ...options, aggregation }));
  }

  /**
   * Windows of `duration` starting every `step` per key.
   *
   * @example
   * ```ts
   * sdf.hoppingWindow({ duration: '1m', step: '10s' }).mean('amount').current();
   * ```
   */
  hoppingWindow(options: WindowOptions<HoppingWindowOptions<unknown>>): WindowBuilder<T, K> {
    return new WindowBuilder(this, (aggregation) => new HoppingWindow({ ...options, aggregation }));
  }

  /**
   * A window of `duration` ending at every record, per key.
   *
   * @example
   * ```ts
   * sdf.slidingWindow({ duration: '30s' }).count().current();
   * ```
   */
  slidingWindow(options: WindowOptions<SlidingWindowOptions<unknown>>): WindowBuilder<T, K> {
    return new WindowBuilder(this, (aggregation) => new SlidingWindow({ ...options, aggregation }));
  }

  /**
   * Per-key sessions closed after `gap` of inactivity (records less than `gap` apart share one).
   *
   * @example
   * ```ts
   * sdf.sessionWindow({ gap: '30m', grace: '1m' }).count().final();
   * ```
   */
  sessionWindow(options: WindowOptions<SessionWindowOptions<unknown>>): WindowBuilder<T, K> {
    return new WindowBuilder(this, (aggregation) => new SessionWindow({ ...options, aggregation }));
  }

  /**
   * Consecutive windows of `count` records per key; then choose an aggregation and
   * `.current()`/`.final()` (a window is final once it holds `count` records).
   *
   * @example
   * ```ts
   * sdf.tumblingCountWindow(10).sum('amount').final(); // { start, end, value } per 10 records of a key
   * ```
   */
  tumblingCountWindow(count: number, options: CountWindowOptions = {}): WindowBuilder<T, K> {
    return new WindowBuilder(this, (aggregation) => new TumblingCountWindow({ count, name: options.name, aggregation }));
  }

  /**
   * Windows of `count` records per key, a new one starting every `step` records (1 <= step <= count).
   *
   * @example
   * ```ts
   * sdf.hoppingCountWindow(10, 5).mean('amount').final(); // records 1-10, 6-15, 11-20, ... of each key
   * ```
   */
  hoppingCountWindow(count: number, step: number, options: CountWindowOptions = {}): WindowBuilder<T, K> {
    return new WindowBuilder(this, (aggregation) => new HoppingCountWindow({ count, step, name: options.name, aggregation }));
  }

  /**
   * The last `count` records of each key, on every record (`.final()`: only once `count` arrived).
   *
   * @example
   * ```ts
   * sdf.slidingCountWindow(5).max('amount').current();
   * ```
   */
  slidingCountWindow(count: number, options: CountWindowOptions = {}): WindowBuilder<T, K> {
    return new WindowBuilder(this, (aggregation) => new SlidingCountWindow({ count, name: options.name, aggregation }));
  }

  /**
   * Runs this frame on ONE message, synchronously and without a broker, and returns what came
   * out: first-to-last, the rows produced by `toTopic` steps on the way (with `topic` set) and the
   * rows reaching the end of this frame (without `topic`). Other branches are not run. A callback
   * that throws makes `test` throw a ProcessingError. The value is taken as already deserialized;
   * `meta` defaults to key null, timestamp 0, no headers, the frame's first input topic,
   * partition 0, offset 0.
   *
   * @example
   * ```ts
   * const out = sdf.apply((j: Joke) => j.text.length).test({ id: 1, text: 'hi', category: 'pun' }, { key: 'k' });
   * // [{ value: 2, key: 'k', timestamp: 0, headers: {} }]
   * ```
   */
  test(value: unknown, meta: TestMeta = {}): TestOutput<T>[] {
    return runFrameTest<T>(this.node, value, meta);
  }
}

/**
 * The type of `T` with field `F` set to `R` (what `assign` yields).
 *
 * @example
 * ```ts
 * type WithLength = Assigned<Joke, 'length', number>; // Omit<Joke, 'length'> & { length: number }
 * ```
 */
export type Assigned<T, F extends string, R> = Omit<T, F> & { [P in F]: R };
