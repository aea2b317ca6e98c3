import type { Consumer, EachBatchPayload, Kafka } from 'kafkajs';
import { SluiceError } from '../../errors.ts';
import type { RawMessage, TopicPartition } from '../../topics/message-context.ts';
import type { CommitOffset, ConsumerHandler, GroupConsumer, GroupConsumerOptions, GroupMetadata } from '../group-consumer.ts';

/**
 * {@link GroupConsumer} on a kafkajs consumer: `eachBatch` with one partition at a time, no
 * auto-commit, heartbeats while the handler works (so a long state restore does not cost the
 * member its partitions), and the handler's `onRebalancing` when a heartbeat finds the group
 * rebalancing (before kafkajs rejoins). kafkajs does not expose the group generation in its API:
 * `groupMetadata().generationId` is the one its last heartbeat reported.
 *
 * @example
 * ```ts
 * const consumer = new KafkajsGroupConsumer(kafka, { groupId: 'g', topics: ['in'], fromBeginning: true });
 * await consumer.run({ onBatch: async (b) => console.log(b.messages.length), onAssignment: () => {} });
 * ```
 */
export class KafkajsGroupConsumer implements GroupConsumer {
  private readonly consumer: Consumer;
  private readonly heartbeatIntervalMs: number;
  private meta: GroupMetadata;
  private stopping = false;
  private stopped: Promise<void> | undefined;
  private current: Promise<unknown> = Promise.resolve();
  /** connect + subscribe + run; stop() waits for it, or a stop during start-up would leave a running consumer behind. */
  private starting: Promise<void> = Promise.resolve();
  private finish: ((error?: Error) => void) | undefined;
  private fatal: Error | undefined;
  /** kafkajs accepts pause/resume only once its group runs: pauses asked for before are applied at the first join. */
  private joined = false;
  private readonly paused = new Map<string, TopicPartition>();

  constructor(
    kafka: Kafka,
    private readonly options: GroupConsumerOptions,
  ) {
    this.heartbeatIntervalMs = options.heartbeatIntervalMs ?? 3000;
    this.consumer = kafka.consumer({
      groupId: options.groupId,
      allowAutoTopicCreation: false,
      maxWaitTimeInMs: options.maxWaitMs ?? 500,
      sessionTimeout: options.sessionTimeoutMs ?? 30_000,
      heartbeatInterval: this.heartbeatIntervalMs,
      readUncommitted: options.isolationLevel === 'read_uncommitted',
    });
    this.meta = { groupId: options.groupId, generationId: -1, memberId: '', groupInstanceId: null };
    this.consumer.on(this.consumer.events.HEARTBEAT, ({ payload }) => {
      this.meta = { ...this.meta, generationId: payload.groupGenerationId, memberId: payload.memberId };
    });
  }

  async run(handler: ConsumerHandler): Promise<void> {
    const { consumer } = this;
    const finished = new Promise<void>((resolve, reject) => {
      this.finish = (e) => (e ? reject(e) : resolve());
    });
    consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
      this.meta = { ...this.meta, memberId: payload.memberId };
      if (!this.joined && this.paused.size > 0) consumer.pause([...this.paused.values()].map((p) => ({ topic: p.topic, partitions: [p.partition] })));
      this.joined = true;
      const partitions: TopicPartition[] = [];
      for (const [topic, ps] of Object.entries(payload.memberAssignment)) for (const partition of ps) partitions.push({ topic, partition });
      handler.onAssignment(partitions);
    });
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      if (!payload.restart) this.failWith(new SluiceError(`the Kafka consumer of group '${this.options.groupId}' crashed: ${payload.error.message}`, { cause: payload.error }));
    });
    this.starting = (async () => {
      await consumer.connect();
      await consumer.subscribe({ topics: [...this.options.topics], fromBeginning: this.options.fromBeginning });
      await consumer.run({
        autoCommit: false,
        eachBatchAutoResolve: false,
        partitionsConsumedConcurrently: 1,
        eachBatch: (payload) => {
          const run = this.current.then(() => this.eachBatch(payload, handler));
          this.current = run.catch(() => undefined);
          return run;
        },
      });
    })();
    try {
      await this.starting;
    } catch (e) {
      if (!this.stopping) this.failWith(e as Error);
    }
    return finished;
  }

  pause(partitions: readonly TopicPartition[]): void {
    for (const p of partitions) this.paused.set(`${p.topic}:${p.partition}`, p);
    if (this.joined) this.consumer.pause(partitions.map((p) => ({ topic: p.topic, partitions: [p.partition] })));
  }

  resume(partitions: readonly TopicPartition[]): void {
    for (const p of partitions) this.paused.delete(`${p.topic}:${p.partition}`);
    if (this.joined) this.consumer.resume(partitions.map((p) => ({ topic: p.topic, partitions: [p.partition] })));
  }

  seek(partition: TopicPartition, offset: number): void {
    this.consumer.seek({ topic: partition.topic, partition: partition.partition, offset: String(offset) });
  }

  async commit(offsets: readonly CommitOffset[]): Promise<void> {
    if (offsets.length === 0) return;
    await this.consumer.commitOffsets(offsets.map((o) => ({ topic: o.topic, partition: o.partition, offset: String(o.offset) })));
  }

  groupMetadata(): GroupMetadata {
    return { ...this.meta };
  }

  stop(): Promise<void> {
    this.stopped ??= (async () => {
      this.stopping = true;
      await this.starting.catch(() => undefined);
      await this.current;
      await this.consumer.disconnect().catch(() => undefined);
      this.finish?.(this.fatal);
    })();
    return this.stopped;
  }

  private async eachBatch(payload: EachBatchPayload, handler: ConsumerHandler): Promise<void> {
    const { batch, resolveOffset, heartbeat, isRunning, isStale } = payload;
    if (this.stopping || !isRunning() || isStale() || batch.messages.length === 0) return;
    const messages: RawMessage[] = batch.messages.map((m) => ({
      key: m.key,
      value: m.value,
      headers: m.headers as RawMessage['headers'],
      timestamp: Number(m.timestamp),
      offset: Number(m.offset),
    }));
    let heartbeatError: unknown;
    try {
      await this.heartbeating(handler.onBatch({ topic: batch.topic, partition: batch.partition, messages }), async () => {
        await heartbeat().catch((e: unknown) => {
          heartbeatError ??= e;
        });
      });
    } catch (e) {
      this.failWith(e as Error);
      return;
    }
    resolveOffset(batch.lastOffset());
    try {
      if (heartbeatError) throw heartbeatError;
      await heartbeat();
    } catch (e) {
      // The group is rebalancing: let the handler commit while this generation is still valid (as
      // a Java consumer does when partitions are revoked), then let kafkajs rejoin.
      if ((e as { type?: string }).type === 'REBALANCE_IN_PROGRESS') await handler.onRebalancing?.();
      throw e;
    }
  }

  /** Waits for `work`, heartbeating every heartbeat interval meanwhile. */
  private async heartbeating(work: Promise<void>, beat: () => Promise<void>): Promise<void> {
    let done = false;
    const finished = work.finally(() => {
      done = true;
    });
    while (!done) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([finished.catch(() => undefined), new Promise((r) => (timer = setTimeout(r, this.heartbeatIntervalMs)))]);
      clearTimeout(timer);
      if (!done) await beat();
    }
    await finished;
  }

  private failWith(error: Error): void {
    this.fatal ??= error;
    setImmediate(() => void this.stop());
  }
}
