import type { ProcessingHooks } from '../app/processing-hooks.ts';
import type { BatchResult } from '../app/processor.ts';
import type { TransactionalState } from '../app/checkpoint.ts';
import type { OutgoingRecord } from '../topics/message-context.ts';
import type { StreamingDataFrame } from '../dataframe/streaming-data-frame.ts';
import { Topic } from '../topics/topic.ts';
import { changelogTopicName, type ChangelogRecord } from './changelog/changelog-topic.ts';
import type { ChangelogReader, StateManager } from './state-manager.ts';
import { isStatefulOperator } from './stateful-operator.ts';

/** A store some frame keeps for an input topic. */
export interface FrameStore {
  topic: Topic<any, any>;
  storeName: string;
}

/**
 * The stores the stateful steps and windows of `dataframes` keep, per input topic they descend from.
 *
 * @example
 * ```ts
 * for (const { topic, storeName } of collectFrameStores(frames)) manager.registerStore(topic.name, storeName);
 * ```
 */
export function collectFrameStores(dataframes: readonly StreamingDataFrame<any, any>[]): FrameStore[] {
  const found = new Map<string, FrameStore>();
  for (const sdf of dataframes) {
    for (const root of sdf.node.ancestry().filter((n) => n.isRoot)) {
      for (const leaf of root.leaves()) {
        for (const node of leaf.ancestry()) {
          if (!isStatefulOperator(node.operator)) continue;
          for (const source of node.ancestry().filter((n) => n.isRoot)) {
            for (const storeName of node.operator.stores) found.set(`${source.topic!.name}\u0000${storeName}`, { topic: source.topic!, storeName });
          }
        }
      }
    }
  }
  return [...found.values()];
}

/**
 * Registers the stores of `dataframes` with `manager` and returns the compacted changelog topics
 * to create (as many partitions as their source topics have on the broker).
 *
 * @example
 * ```ts
 * for (const t of registerFrameStores(frames, manager)) app.topics.register(t);
 * ```
 */
export function registerFrameStores(dataframes: readonly StreamingDataFrame<any, any>[], manager: StateManager): Topic<any, any>[] {
  const changelogs: Topic<any, any>[] = [];
  for (const { topic, storeName } of collectFrameStores(dataframes)) {
    manager.registerStore(topic.name, storeName);
    if (!manager.changelog) continue;
    changelogs.push(
      new Topic(changelogTopicName(manager.consumerGroup, topic.name, storeName), {
        internal: true,
        sourceTopic: topic.name,
        config: { numPartitions: topic.config.numPartitions, replicationFactor: topic.config.replicationFactor, extra: { 'cleanup.policy': 'compact' } },
      }),
    );
  }
  return changelogs;
}

/**
 * The Processor hooks of a {@link StateManager}: open (and recover) stores on assignment, close
 * them on revocation, after each batch (or tick) prepare its checkpoint and put the changelog
 * records in `result.changelog`, and once those records are delivered commit the state with the
 * batch's last offset.
 *
 * With `transactional` (exactly-once processing) the hooks only open and close stores and mark
 * what each batch processed: the checkpoint prepares, commits and discards the state itself, per
 * input partition, around its Kafka transactions (see {@link transactionalStateOf}).
 *
 * @example
 * ```ts
 * processor.addHooks(stateHooks(manager, new KafkaChangelogReader({ kafka })));
 * ```
 */
export function stateHooks(manager: StateManager, reader?: ChangelogReader, options: { transactional?: boolean } = {}): ProcessingHooks {
  const prepare = (result: BatchResult): void => {
    for (const r of toOutgoing(manager.prepareCheckpoint())) result.changelog.push(r);
  };
  const transactional = options.transactional ?? false;
  return {
    onAssign: async (partitions) => {
      for (const { topic, partition } of partitions) await manager.assign(topic, partition, reader);
    },
    onRevoke: async (partitions) => {
      for (const { topic, partition } of partitions) await manager.revoke(topic, partition);
    },
    afterBatch: (batch, result) => {
      if (!manager.isStateful(batch.topic)) return;
      if (result.lastProcessedOffset >= 0) manager.markProcessed(batch.topic, batch.partition, result.lastProcessedOffset);
      if (!transactional) prepare(result);
    },
    ...(transactional ? {} : { afterTick: prepare, afterDelivery: () => manager.commitCheckpoint() }),
  };
}

/**
 * The state of `manager` as an exactly-once checkpoint drives it: per input partition, prepare the
 * changelog records of everything processed since the last commit, commit locally once the Kafka
 * transaction carrying them committed, or discard on abort.
 *
 * @example
 * ```ts
 * const state = transactionalStateOf(manager);
 * await tx.send(state.prepare([{ topic: 'words', partition: 0 }]));
 * await tx.commit();
 * state.commit([{ topic: 'words', partition: 0 }]);
 * ```
 */
export function transactionalStateOf(manager: StateManager): TransactionalState {
  return {
    prepare: (partitions) => toOutgoing(manager.prepareCheckpoint(partitions)),
    commit: (partitions) => manager.commitTransaction(partitions),
    discard: (partitions) => manager.discard(partitions),
  };
}

function toOutgoing(records: readonly ChangelogRecord[]): OutgoingRecord[] {
  const now = Date.now();
  return records.map((r) => ({ topic: r.topic, partition: r.partition, key: r.key, value: r.value, headers: r.headers, timestamp: now }));
}
