import { defineOperator, type FrameOperator } from '../dataframe/define-operator.ts';
import type { PipelineEnv } from '../dataframe/pipeline-env.ts';
import type { MessageContext } from '../topics/message-context.ts';
import { KeyedState } from './base/keyed-state.ts';
import type { State } from './base/state.ts';
import { stateKeyOf } from './base/state-key.ts';
import type { StateAccess } from './state-access.ts';
import { StateManager } from './state-manager.ts';

/** A stateful pipeline callback: the value, the State of the message key, the message context. */
export type StatefulCallback<T, K, R> = (value: T, state: State, ctx: MessageContext<K>) => R;

/** Options that make `apply`/`update`/`filter` stateful. */
export interface StatefulOptions {
  stateful: true;
  /** Store name; default `default`. */
  store?: string;
}

/** A frame operator that keeps state in the named stores (found by the app to open them). */
export interface StatefulFrameOperator extends FrameOperator {
  readonly stores: readonly string[];
}

/**
 * Whether `operator` keeps state, i.e. carries the store names it uses.
 *
 * @example
 * ```ts
 * if (isStatefulOperator(node.operator)) console.log(node.operator.stores);
 * ```
 */
export function isStatefulOperator(operator: FrameOperator | undefined): operator is StatefulFrameOperator {
  return operator !== undefined && Array.isArray((operator as Partial<StatefulFrameOperator>).stores);
}

/**
 * The state of the running pipeline, or — in `sdf.test`, which has none — a private in-memory one.
 *
 * @example
 * ```ts
 * const access = stateAccessOf(env);
 * ```
 */
export function stateAccessOf(env: PipelineEnv): StateAccess {
  return env.state ?? new StateManager({ consumerGroup: 'sdf-test', inMemory: true, changelog: false, autoAssign: true });
}

/**
 * `apply`, `update` or `filter` whose callback also receives the {@link State} of the message key.
 * Rows whose offset is already reflected in stored state (a replay after a crash) are dropped.
 *
 * @example
 * ```ts
 * sdf.pipe(statefulOperator('update', (order, state) => state.set('n', state.get('n', 0) + 1)));
 * ```
 */
export function statefulOperator(kind: 'apply' | 'update' | 'filter', fn: StatefulCallback<any, any, unknown>, storeName = 'default'): StatefulFrameOperator {
  const operator = defineOperator(kind, (env) => {
    const access = stateAccessOf(env);
    return (row, push) => {
      const { ctx } = row;
      if (access.isProcessed(ctx.topic, ctx.partition, ctx.offset, storeName)) return;
      const streamTime = access.observe(ctx.topic, ctx.partition, ctx.timestamp);
      const state = new KeyedState(access.view(ctx.topic, ctx.partition, storeName), stateKeyOf(ctx.key), streamTime);
      const result = fn(row.value, state, ctx);
      if (kind === 'apply') push({ value: result, ctx });
      else if (kind === 'update' || result) push(row);
    };
  });
  return { ...operator, stores: [storeName] };
}
