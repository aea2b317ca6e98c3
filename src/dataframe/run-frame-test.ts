import type { MessageContext, MessageHeaders } from '../topics/message-context.ts';
import { compilePipeline } from './compile-pipeline.ts';
import type { FrameNode } from './frame-node.ts';
import { ProcessingError } from './processing-error.ts';

/**
 * The message context `sdf.test` runs with; every field is optional.
 *
 * @example
 * ```ts
 * const meta: TestMeta = { key: 'user-1', timestamp: 1_700_000_000_000, headers: { trace: 'abc' } };
 * ```
 */
export interface TestMeta {
  key?: unknown;
  timestamp?: number;
  headers?: MessageHeaders;
  /** Which input topic the message comes from (matters after `merge` of two topics). */
  topic?: string;
  partition?: number;
  offset?: number;
}

/**
 * One row `sdf.test` returns: `topic` is set for rows sent by `toTopic`.
 *
 * @example
 * ```ts
 * const row: TestOutput<number> = { value: 1, key: 'k', timestamp: 0, headers: {}, topic: 'out' };
 * ```
 */
export interface TestOutput<T> {
  value: T;
  key: unknown;
  timestamp: number;
  headers: MessageHeaders;
  topic?: string;
}

/**
 * Runs the frame ending at `node` on one message; see `StreamingDataFrame.test`.
 *
 * @example
 * ```ts
 * runFrameTest(sdf.node, { a: 1 }, { key: 'k' });
 * ```
 */
export function runFrameTest<T>(node: FrameNode, value: unknown, meta: TestMeta): TestOutput<T>[] {
  const out: TestOutput<T>[] = [];
  let failure: ProcessingError | undefined;
  const pipeline = compilePipeline(
    [node],
    {
      produce: (topic, row, key) => {
        topic.serializeKey(key);
        topic.serializeValue(row.value);
        out.push({ value: row.value as T, key, timestamp: row.ctx.timestamp, headers: row.ctx.headers, topic: topic.name });
      },
      fail: (error, row, operator) => {
        failure ??= new ProcessingError(operator, row.ctx.topic, row.ctx.partition, row.ctx.offset, error);
      },
    },
    (_target, row) => out.push({ value: row.value as T, key: row.ctx.key, timestamp: row.ctx.timestamp, headers: row.ctx.headers }),
  );
  try {
    const topic = meta.topic ?? pipeline.topics[0];
    const inputs = pipeline.inputs.get(topic);
    if (!inputs) throw new TypeError(`this frame does not read topic '${topic}'; it reads ${pipeline.topics.map((t) => `'${t}'`).join(', ')}`);
    const ctx: MessageContext<unknown> = {
      key: meta.key ?? null,
      timestamp: meta.timestamp ?? 0,
      headers: meta.headers ?? {},
      topic,
      partition: meta.partition ?? 0,
      offset: meta.offset ?? 0,
    };
    for (const input of inputs) input.next({ value, ctx });
  } finally {
    pipeline.dispose();
  }
  if (failure) throw failure;
  return out;
}
