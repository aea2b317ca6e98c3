import type { StreamingDataFrame } from '../dataframe/streaming-data-frame.ts';
import type { Topic } from '../topics/topic.ts';

/**
 * The app a frame's input topic belongs to, as far as frames need it: its consumer group (for
 * internal topic names) and a way to add a frame it must run (the reader of a repartition topic).
 */
export interface TopicOwner {
  readonly consumerGroup: string;
  /** Registers `sdf` (a frame reading an internal topic) to run with the app. */
  adopt(sdf: StreamingDataFrame<any, any>): void;
  /**
   * Records that the pipeline is only right if `topic` has at most `maxPartitions` partitions on
   * the broker (`because` says why); the app checks it at start.
   */
  expectPartitions(topic: Topic<any, any>, maxPartitions: number, because: string): void;
}

const owners = new WeakMap<Topic<any, any>, TopicOwner>();

/**
 * Records that frames reading `topic` run in the app `owner` (called by `app.dataframe`).
 *
 * @example
 * ```ts
 * bindTopicOwner(topic, { consumerGroup: 'g', adopt: (sdf) => frames.push(sdf), expectPartitions: () => {} });
 * ```
 */
export function bindTopicOwner(topic: Topic<any, any>, owner: TopicOwner): void {
  owners.set(topic, owner);
}

/**
 * The app that frames reading `topic` run in, if any.
 *
 * @example
 * ```ts
 * topicOwnerOf(topic)?.consumerGroup;
 * ```
 */
export function topicOwnerOf(topic: Topic<any, any>): TopicOwner | undefined {
  return owners.get(topic);
}
