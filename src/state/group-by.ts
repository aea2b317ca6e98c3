import { defineOperator } from '../dataframe/define-operator.ts';
import { toTopicOperator } from '../dataframe/operators/to-topic.ts';
import { FrameNode } from '../dataframe/frame-node.ts';
import { StreamingDataFrame } from '../dataframe/streaming-data-frame.ts';
import { ConfigError } from '../errors.ts';
import type { MessageContext } from '../topics/message-context.ts';
import { Topic } from '../topics/topic.ts';
import { bindTopicOwner, topicOwnerOf } from './topic-owner.ts';

/** Options of `sdf.groupBy`. */
export interface GroupByOptions {
  /** Names the repartition topic; required when grouping by a function. Default: the field name. */
  name?: string;
}

/**
 * The internal topic a `groupBy` re-keys through.
 *
 * @example
 * ```ts
 * repartitionTopicName('revenue-aggregator', 'transactions', 'product_id');
 * // 'repartition__revenue-aggregator--transactions--product_id'
 * ```
 */
export function repartitionTopicName(consumerGroup: string, topic: string, name: string): string {
  return `repartition__${consumerGroup}--${topic}--${name}`;
}

const asKey = (key: unknown): string => (typeof key === 'string' ? key : JSON.stringify(key));

/**
 * Re-keys a frame by a field or function so that state for the new key lives on one partition:
 * rows are written to `repartition__<group>--<topic>--<name>` (as many partitions as the source
 * has on the broker) keyed by the new key, and the returned frame reads that topic. A source
 * declared with one partition needs no repartitioning: the key is replaced in place (and the app
 * refuses to start if the topic turns out to have more).
 *
 * @example
 * ```ts
 * const byProduct = groupBy(app.dataframe(transactions), 'product_id');
 * ```
 */
export function groupBy<T, K>(sdf: StreamingDataFrame<T, K>, by: (keyof T & string) | ((value: T, ctx: MessageContext<K>) => unknown), options: GroupByOptions = {}): StreamingDataFrame<T, string> {
  const name = options.name ?? (typeof by === 'string' ? by : undefined);
  if (!name || !/^[A-Za-z0-9._-]+$/.test(name)) {
    throw new ConfigError(`groupBy needs a name made of letters, digits, ".", "_" or "-" (got ${JSON.stringify(name)}); pass groupBy(fn, { name: 'by-product' }) when grouping by a function.`);
  }
  const keyOf = typeof by === 'string' ? (value: T) => (value as Record<string, unknown> | null)?.[by] : by;
  const roots = sdf.node.ancestry().filter((n) => n.isRoot);
  if (roots.length !== 1) throw new ConfigError(`groupBy("${name}") works on a frame of exactly one topic; this frame reads ${roots.length}.`);
  const source = roots[0].topic!;
  const owner = topicOwnerOf(source);
  if (source.config.numPartitions <= 1) {
    owner?.expectPartitions(source, 1, `groupBy("${name}") re-keys it in place (it was declared with 1 partition)`);
    return sdf.pipe<T, string>(
      defineOperator('groupBy', () => (row, push) => push({ value: row.value, ctx: { ...row.ctx, key: asKey(keyOf(row.value as T, row.ctx as MessageContext<K>)) } })),
    );
  }
  if (!owner) throw new ConfigError(`groupBy("${name}") needs a frame made with app.dataframe(topic), so that its repartition topic can be named after the consumer group and run with the app.`);
  const repartition = new Topic<T, string>(repartitionTopicName(owner.consumerGroup, source.name, name), {
    internal: true,
    sourceTopic: source.name,
    config: { numPartitions: source.config.numPartitions, replicationFactor: source.config.replicationFactor },
  });
  sdf.pipe(toTopicOperator(repartition, (value, ctx) => asKey(keyOf(value as T, ctx as MessageContext<K>))));
  // a frame that passes tombstones on writes them to the repartition topic: its reader accepts them too
  const grouped = new StreamingDataFrame<T, string>(FrameNode.root(repartition, roots[0].acceptsTombstones));
  bindTopicOwner(repartition, owner);
  owner.adopt(grouped);
  return grouped;
}
