import { Observable } from 'rxjs';
import type { Row } from '../dataframe/row.ts';
import { stateKeyOf } from '../state/base/state-key.ts';
import { stateAccessOf, type StatefulFrameOperator } from '../state/stateful-operator.ts';
import { windowResult, type WindowEvent } from './window-types.ts';
import type { WindowRunner } from './window-runner.ts';

/**
 * Options of {@link windowOperator}.
 *
 * @example
 * ```ts
 * const options: WindowOperatorOptions = { topics: ['orders'] };
 * ```
 */
export interface WindowOperatorOptions {
  /**
   * The input topics the window's rows come from (the roots of its frame; the window methods of
   * StreamingDataFrame pass them). With `final({ idleTimeout })`, their assigned partitions are
   * tracked for idle closing on each tick even before a record arrives, so windows restored after
   * a restart or a takeover still close when the partition stays quiet. Default: only partitions
   * that delivered a record.
   */
  topics?: readonly string[];
}

/**
 * The frame step of a window: feeds each row to the window (state in the row's topic-partition
 * store named after the window) and emits the window results the emit mode selects, each keyed by
 * the message key with the window start as its timestamp. With `final({ idleTimeout })` it also
 * closes the windows of partitions that went idle, on the pipeline's ticks. Late records are
 * counted in the pipeline's `stats.lateRecords`.
 *
 * @example
 * ```ts
 * sdf.pipe(windowOperator(new WindowRunner(new TumblingWindow({ duration: '1m', aggregation: Sum() }), { mode: 'final' }), { topics: ['orders'] }));
 * ```
 */
export function windowOperator(runner: WindowRunner<any>, options: WindowOperatorOptions = {}): StatefulFrameOperator {
  const { window } = runner;
  const name = window.name;
  const topics = options.topics ?? [];
  const idOf = (topic: string, partition: number): string => `${topic}[${partition}]`;
  return {
    name,
    stores: [name],
    build: (env) => (source) =>
      new Observable<Row>((subscriber) => {
        const access = stateAccessOf(env);
        if (env.clock) runner.useClock(env.clock);
        if (env.stats) runner.useStats(env.stats);
        const tracking = runner.idleTimeout !== undefined;
        const partitions = new Map<string, { topic: string; partition: number }>();
        const emit = (events: WindowEvent[], base: Row['ctx']) => {
          for (const e of events) subscriber.next({ value: windowResult(e, window.aggregation), ctx: { ...base, key: e.key, timestamp: e.start } });
        };
        if (tracking) {
          env.onTick?.(() => {
            for (const topic of topics) {
              const assigned = access.assignedPartitions(topic);
              for (const [id, tp] of partitions) {
                if (tp.topic !== topic || assigned.includes(tp.partition)) continue;
                runner.forget(id); // revoked: its new owner closes these windows
                partitions.delete(id);
              }
              for (const partition of assigned) {
                const id = idOf(topic, partition);
                if (!partitions.has(id)) partitions.set(id, { topic, partition });
                runner.track(id);
              }
            }
            for (const id of runner.idlePartitions()) {
              const tp = partitions.get(id)!;
              if (!access.isAssigned(tp.topic, tp.partition)) {
                runner.forget(id);
                partitions.delete(id);
                continue;
              }
              const base = { key: null, timestamp: 0, headers: {}, topic: tp.topic, partition: tp.partition, offset: -1 };
              try {
                emit(runner.closeIdle(id, access.view(tp.topic, tp.partition, name)), base);
              } catch (error) {
                env.fail(error, { value: null, ctx: base }, name);
              }
            }
          });
        }
        return source.subscribe({
          next(row) {
            const { ctx } = row;
            try {
              if (access.isProcessed(ctx.topic, ctx.partition, ctx.offset, name)) return;
              let id = '';
              if (tracking) {
                id = idOf(ctx.topic, ctx.partition);
                if (!partitions.has(id)) partitions.set(id, { topic: ctx.topic, partition: ctx.partition });
              }
              emit(runner.process(id, stateKeyOf(ctx.key), row.value, ctx.timestamp, access.view(ctx.topic, ctx.partition, name)), ctx);
            } catch (error) {
              env.fail(error, row, name);
            }
          },
          error: (e) => subscriber.error(e),
          complete: () => subscriber.complete(),
        });
      }),
  };
}
