import { Application } from '../../app/application.ts';

/** One message a member read. */
export interface MemberRead {
  partition: number;
  offset: number;
  value: string;
}

/**
 * One member of a consumer group in the rebalance walkthrough: a sluice Application (group
 * `group`, client id = the member's name, so the broker's group description names it) that
 * records every message it reads. Offsets are committed every 200 ms and on stop.
 *
 * @example
 * ```ts
 * const a1 = new DemoMember({ name: 'a1', group: 'rebalance-1', topic: 'consumer-rebalance', partitions: 1, broker: 'localhost:9092' });
 * a1.start();
 * await a1.stop(); // leaves the group after committing what it read
 * ```
 */
export class DemoMember {
  readonly name: string;
  readonly group: string;
  readonly topic: string;
  readonly reads: MemberRead[] = [];
  private readonly app: Application;
  private running: Promise<void> | undefined;
  private failure: unknown;

  constructor(options: { name: string; group: string; topic: string; partitions: number; broker: string }) {
    this.name = options.name;
    this.group = options.group;
    this.topic = options.topic;
    this.app = new Application({
      brokerAddress: options.broker,
      consumerGroup: options.group,
      clientId: options.name,
      autoOffsetReset: 'earliest',
      commitInterval: 200,
      logLevel: 'silent',
    });
    this.app
      .dataframe(this.app.topic<unknown>(options.topic, { config: { numPartitions: options.partitions }, valueDeserializer: 'string' }))
      .update((value, ctx) => void this.reads.push({ partition: ctx.partition, offset: ctx.offset, value: String(value) }));
  }

  /** Joins the group (in the background). */
  start(): void {
    this.running = this.app.run().catch((e: unknown) => void (this.failure = e));
  }

  /** The error that stopped the member, if one did. */
  get error(): unknown {
    return this.failure;
  }

  /** Commits what it read and leaves the group. */
  async stop(): Promise<void> {
    await this.app.stop();
    await this.running;
  }
}
