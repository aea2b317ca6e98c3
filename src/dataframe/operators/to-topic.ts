import type { MessageContext } from '../../topics/message-context.ts';
import type { Topic } from '../../topics/topic.ts';
import { defineOperator, type FrameOperator } from '../define-operator.ts';

/**
 * Sends each value to `topic` (key: `key(value, ctx)` when given, else the message key) and
 * passes it on unchanged.
 *
 * @example
 * ```ts
 * const op = toTopicOperator(app.topic('out'), (v: { user: string }) => v.user);
 * ```
 */
export function toTopicOperator(topic: Topic<any, any>, key?: (value: any, ctx: MessageContext<any>) => unknown): FrameOperator {
  return defineOperator('toTopic', (env) => (row, push) => {
    env.produce(topic, row, key ? key(row.value, row.ctx) : row.ctx.key);
    push(row);
  });
}
