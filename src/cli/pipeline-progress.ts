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
 * Polls until every group has zero lag on its topic (checked in order, so an upstream stage that
 * is done has written everything the downstream stage must read), or `deadline` (epoch ms) passes.
 * Resolves true when caught up, false on deadline or when `shouldStop()` turns true.
 *
 * @example
 * ```ts
 * const done = await waitUntilCaughtUp(admin, [{ groupId: 'text-splitter', topic: 'jokes' }], Date.now() + 60_000);
 * ```
 */
export async function waitUntilCaughtUp(
  admin: Admin,
  stages: readonly GroupOnTopic[],
  deadline: number,
  shouldStop: () => boolean = () => false,
  pollMs = 500,
): Promise<boolean> {
  while (Date.now() < deadline && !shouldStop()) {
    let behind = false;
    for (const stage of stages) {
      let lag: number;
      try {
        lag = await groupLag(admin, stage);
      } catch (error) {
        // A topic created a moment ago may not have a leader yet: not caught up, ask again.
        if ((error as { retriable?: boolean }).retriable !== true) throw error;
        lag = 1;
      }
      if (lag > 0) {
        behind = true;
        break;
      }
    }
    if (!behind) return true;
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
  return false;
}
