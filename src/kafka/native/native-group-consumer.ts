import type { Logger } from 'pino';
import type { TopicPartition } from '../../topics/message-context.ts';
import type { CommitOffset, ConsumerHandler, GroupConsumer, GroupConsumerOptions, GroupMetadata } from '../group-consumer.ts';
import { Cluster, type ClusterOptions } from './cluster.ts';
import { ConsumerGroupMember } from './consumer-group-member.ts';
import { Fetcher } from './fetcher.ts';

/**
 * {@link GroupConsumer} of the native client: a {@link ConsumerGroupMember} (its own connection to
 * the coordinator, heartbeats in the background) and a {@link Fetcher} (its own connections to
 * the leaders, fetching ahead). Between batches it rejoins when the group rebalances, after
 * letting the handler commit; assigned partitions start at the group's committed offsets
 * (read with `requireStable` under read_committed), else where `fromBeginning` says.
 *
 * @example
 * ```ts
 * const consumer = new NativeGroupConsumer({ brokerAddress, clientId: 'app', logger }, { groupId: 'g', topics: ['in'], fromBeginning: true });
 * const done = consumer.run({ onBatch: async (b) => console.log(b.messages.length), onAssignment: () => {} });
 * await consumer.stop();
 * await done;
 * ```
 */
export class NativeGroupConsumer implements GroupConsumer {
  private readonly fetchCluster: Cluster;
  private readonly groupCluster: Cluster;
  private readonly fetcher: Fetcher;
  private readonly member: ConsumerGroupMember;
  private readonly logger: Logger;
  private rejoinNeeded = false;
  private stopping = false;
  private running: Promise<void> | undefined;

  constructor(
    cluster: Omit<ClusterOptions, 'logger'> & { logger: Logger },
    private readonly options: GroupConsumerOptions,
  ) {
    this.logger = cluster.logger;
    this.fetchCluster = new Cluster(cluster);
    this.groupCluster = new Cluster(cluster);
    this.fetcher = new Fetcher({
      cluster: this.fetchCluster,
      logger: this.logger,
      isolationLevel: options.isolationLevel ?? 'read_committed',
      autoOffsetReset: options.fromBeginning ? 'earliest' : 'latest',
      maxWaitMs: options.maxWaitMs ?? 500,
    });
    const sessionTimeoutMs = options.sessionTimeoutMs ?? 30_000;
    this.member = new ConsumerGroupMember(
      {
        cluster: this.groupCluster,
        logger: this.logger,
        groupId: options.groupId,
        topics: options.topics,
        sessionTimeoutMs,
        rebalanceTimeoutMs: Math.max(60_000, sessionTimeoutMs),
        heartbeatIntervalMs: options.heartbeatIntervalMs ?? 3000,
      },
      (reason) => {
        if (!this.rejoinNeeded) this.logger.info({ groupId: options.groupId, reason }, 'the group is rebalancing; rejoining after the current batch');
        this.rejoinNeeded = true;
      },
    );
  }

  run(handler: ConsumerHandler): Promise<void> {
    this.running ??= this.loop(handler);
    return this.running;
  }

  pause(partitions: readonly TopicPartition[]): void {
    this.fetcher.pause(partitions);
  }

  resume(partitions: readonly TopicPartition[]): void {
    this.fetcher.resume(partitions);
  }

  seek(partition: TopicPartition, offset: number): void {
    this.fetcher.seek(partition, offset);
  }

  commit(offsets: readonly CommitOffset[]): Promise<void> {
    return this.member.commit(offsets);
  }

  groupMetadata(): GroupMetadata {
    return this.member.metadata();
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.fetcher.stop();
    await this.running?.catch(() => undefined);
    if (!this.running) this.close();
  }

  private async loop(handler: ConsumerHandler): Promise<void> {
    let failed = false;
    try {
      await this.rejoin(handler, false);
      while (!this.stopping) {
        if (this.rejoinNeeded) {
          await this.rejoin(handler, true);
          continue;
        }
        const batch = await this.fetcher.next(250);
        if (!batch || this.stopping) continue;
        await handler.onBatch(batch);
      }
    } catch (e) {
      failed = true;
      throw e;
    } finally {
      this.fetcher.stop();
      await this.member.leave().catch((e) => {
        if (!failed) this.logger.warn({ err: e }, 'leaving the consumer group failed; its partitions move after the session timeout');
      });
      this.close();
    }
  }

  private async rejoin(handler: ConsumerHandler, again: boolean): Promise<void> {
    if (again) await handler.onRebalancing?.();
    if (this.stopping) return;
    this.rejoinNeeded = false;
    const assignment = await this.member.join();
    const committed = await this.member.committed(assignment, (this.options.isolationLevel ?? 'read_committed') === 'read_committed');
    this.fetcher.assign(assignment.map((tp) => ({ ...tp, offset: committed.get(`${tp.topic}\u0000${tp.partition}`) })));
    handler.onAssignment(assignment);
  }

  private close(): void {
    this.fetchCluster.close();
    this.groupCluster.close();
  }
}
