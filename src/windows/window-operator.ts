import { defineOperator } from '../dataframe/define-operator.ts';
import { stateKeyOf } from '../state/base/state-key.ts';
import { stateAccessOf, type StatefulFrameOperator } from '../state/stateful-operator.ts';
import { windowResult } from './window-types.ts';
import type { WindowRunner } from './window-runner.ts';

/**
 * The frame step of a window: feeds each row to the window (state in the row's topic-partition
 * store named after the window) and emits the window results the emit mode selects, each keyed by
 * the message key with the window start as its timestamp.
 *
 * @example
 * ```ts
 * sdf.pipe(windowOperator(new WindowRunner(new TumblingWindow({ duration: '1m', aggregation: Sum() }), { mode: 'final' })));
 * ```
 */
export function windowOperator(runner: WindowRunner<any>): StatefulFrameOperator {
  const { window } = runner;
  const operator = defineOperator(window.name, (env) => {
    const access = stateAccessOf(env);
    return (row, push) => {
      const { ctx } = row;
      if (access.isProcessed(ctx.topic, ctx.partition, ctx.offset)) return;
      const view = access.view(ctx.topic, ctx.partition, window.name);
      const events = runner.process(`${ctx.topic}[${ctx.partition}]`, stateKeyOf(ctx.key), row.value, ctx.timestamp, view);
      for (const event of events) {
        push({ value: windowResult(event, window.aggregation), ctx: { ...ctx, key: event.key, timestamp: event.start } });
      }
    };
  });
  return { ...operator, stores: [window.name] };
}
