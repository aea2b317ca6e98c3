import type { Admin } from 'kafkajs';

/** One consumer group reading one topic. */
export interface GroupOnTopic {
  readonly groupId: string;
  readonly topic: string;
}

/**
 * Sums, over the topic's partitions, how far the group's committed offsets trail the high
 * watermarks; a partition the group never committed counts its whole range (high - low). Zero means
 * the group has processed and committed everything written so far.
 *
 * @example
 * ```ts
 * const lag = await groupLag(admin, { groupId: 'word-counter', topic: 'words' });
 * ```
 */
export async function groupLag(admin: Admin, target: GroupOnTopic): Promise<number> {
  const existing = await admin.listTopics();
  if (!existing.includes(target.topic)) return 0;
  const ends = await admin.fetchTopicOffsets(target.topic);
  const committed = await admin.fetchOffsets({ groupId: target.groupId, topics: [target.topic] });
  const byPartition = new Map<number, number>();
  for (const topic of committed) {
    for (const p of topic.partitions) byPartition.set(p.partition, Number(p.offset));
  }
  let lag = 0;
  for (const end of ends) {
    const high = Number(end.high);
    const low = Number(end.low);
    const at = byPartition.get(end.partition) ?? -1;
    lag += at < 0 ? high - low : Math.max(0, high - at);
  }
  return lag;
}

/**
 * Sum of the end offsets (high watermarks) of a topic's partitions; 0 for a missing topic.
 *
 * @example
 * ```ts
 * const written = await topicEnd(admin, 'words');
 * ```
 */
export async function topicEnd(admin: Admin, topic: string): Promise<number> {
  if (!(await admin.listTopics()).includes(topic)) return 0;
  return (await admin.fetchTopicOffsets(topic)).reduce((sum, o) => sum + Number(o.high), 0);
}

/** Counters of a running app, as `Application.stats` keeps them. */
export interface StageStats {
  readonly processed: number;
  readonly produced: number;
}

/** One stage of a linear pipeline: its counters, and where it reads and writes. */
export interface PipelineStage {
  readonly stats: StageStats;
  /** Messages waiting for this stage when it started (its group's lag on its input). */
  readonly backlog: number;
  /** Output topic and its end offset when the stage started. */
  readonly output: { readonly topic: string; readonly endAtStart: number };
}

/**
 * True once every stage has processed its backlog plus everything the stage before it produced,
 * and everything it produced is in its output topic. Uses the apps' own counters, so it does not
 * wait for offset commits (which an idle app makes only on its next batch or on stop).
 *
 * @example
 * ```ts
 * if (await pipelineDone(admin, [splitterStage, counterStage])) console.log('all processed');
 * ```
 */
export async function pipelineDone(admin: Admin, stages: readonly PipelineStage[]): Promise<boolean> {
  let upstreamProduced = 0;
  for (const stage of stages) {
    if (stage.stats.processed < stage.backlog + upstreamProduced) return false;
    if ((await topicEnd(admin, stage.output.topic)) < stage.output.endAtStart + stage.stats.produced) return false;
    upstreamProduced = stage.stats.produced;
  }
  return true;
}

/**
 * Polls {@link pipelineDone} until it holds (true), or `deadline` (epoch ms) passes or
 * `shouldStop()` turns true (false). Errors a freshly created topic may give (no leader yet)
 * count as "not done".
 *
 * @example
 * ```ts
 * const done = await waitForPipeline(admin, stages, Date.now() + 60_000);
 * ```
 */
export async function waitForPipeline(
  admin: Admin,
  stages: readonly PipelineStage[],
  deadline: number,
  shouldStop: () => boolean = () => false,
  pollMs = 250,
): Promise<boolean> {
  while (Date.now() < deadline && !shouldStop()) {
    try {
      if (await pipelineDone(admin, stages)) return true;
    } catch (error) {
      if ((error as { retriable?: boolean }).retriable !== true) throw error;
    }
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
  return false;
}
