import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { SluiceError } from '../errors.ts';
import type { CommitOffset, GroupConsumer } from '../kafka/group-consumer.ts';
import type { KafkaClient } from '../kafka/kafka-client.ts';
import { isRetriable } from '../kafka/is-retriable.ts';
import { isFencingError } from '../kafka/producer-fenced-error.ts';
import type { TransactionalProducer } from '../kafka/transactional-producer.ts';
import type { OutgoingRecord, TopicPartition } from '../topics/message-context.ts';
import { SinkBackpressureError } from '../sinks/base/sink-backpressure-error.ts';
import { SinkError } from '../sinks/base/sink-error.ts';
import type { Checkpoint, CheckpointParticipant, TransactionalState } from './checkpoint.ts';
import { flushParticipants } from './flush-participants.ts';
import type { BatchResult } from './processor.ts';

/**
 * Options of an {@link ExactlyOnceCheckpoint}.
 *
 * @example
 * ```ts
 * const options: ExactlyOnceCheckpointOptions = { client, consumer, groupId: 'word-count', state: transactionalStateOf(manager), logger };
 * ```
 */
export interface ExactlyOnceCheckpointOptions {
  /** Makes the transactional producers and reads the group's committed offsets. */
  client: Pick<KafkaClient, 'transactionalProducer' | 'admin'>;
  /** The group member whose partitions are processed (offsets are committed through the producers). */
  consumer: Pick<GroupConsumer, 'groupMetadata' | 'seek' | 'pause' | 'resume'>;
  /** The consumer group (the prefix of every transactional id). */
  groupId: string;
  /** The state stores of a stateful app, committed per partition after its transaction. */
  state?: TransactionalState;
  logger: Logger;
  /**
   * Flushed at every checkpoint before the transaction commits (sinks: at-least-once). A sink's
   * backpressure or failure drops the transaction; a failure (SinkError) then stops the app.
   */
  participants?: readonly CheckpointParticipant[];
  /** Kafka's `transaction.timeout.ms` of the producers; default 60000. */
  transactionTimeoutMs?: number;
  /**
   * How long a fenced partition waits for the group to assign it again (a rebalance follows the
   * fencing) before the app stops with an error; default 60000.
   */
  reassignTimeoutMs?: number;
  /** Names this instance's transactional id where one producer serves the instance; default a random UUID. */
  instanceId?: string;
}

/** Results whose records may be on their way in one transaction before `add` waits. */
const MAX_IN_FLIGHT = 8;

/** One transactional producer and what its open transaction holds. */
interface Scope {
  readonly transactionalId: string;
  producer: TransactionalProducer | undefined;
  /** A transaction is begun (InitProducerId done on first begin). */
  open: boolean;
  /** The records sent in the open transaction so far, chained: a failure sticks. */
  sending: Promise<void>;
  sends: number;
  failure: Error | undefined;
  /** Offsets to commit with the open transaction, per input partition key. */
  readonly offsets: Map<string, CommitOffset>;
  /** Records were sent in the open transaction. */
  dirty: boolean;
  /** A commit or drop in progress: a revoke closes the producer only after it. */
  busy: Promise<void>;
}

const keyOf = (tp: TopicPartition): string => `${tp.topic}:${tp.partition}`;
const partitionOf = (key: string): TopicPartition => {
  const i = key.lastIndexOf(':');
  return { topic: key.slice(0, i), partition: Number(key.slice(i + 1)) };
};

/**
 * The exactly-once {@link Checkpoint}: a batch's outputs, its dead letters, the changelog records
 * of its state changes and the consumer offsets go into one Kafka transaction, committed every
 * `commitInterval`; read_committed readers see all of it or none. Sinks are flushed before the
 * transaction commits, and state stores commit locally only after it committed.
 *
 * Which producer carries a partition's work depends on the client: where the producer sends the
 * group generation with the offsets (KIP-447, `supportsGroupMetadata`), one producer serves the
 * instance and the group fences a zombie; otherwise (kafkajs) each input partition has its own
 * producer with `transactional.id` = `<group>:<topic>:<partition>`, so the partition's next owner
 * fences the previous one with InitProducerId — which also completes or aborts whatever the
 * previous owner left open, before the new owner reads the committed offsets and restores state.
 *
 * A failed transaction is aborted and its partitions start again from their last committed
 * offset and state; when the failure is not retriable (a record too large, a topic the app may not
 * write) the app stops with it, as at-least-once does. A fenced producer (its partitions moved on, or it stalled past its session or
 * transaction timeout) drops the work likewise, pauses the partitions, and waits for the group to
 * assign them again (then they are reopened from the committed state); the app goes on.
 *
 * @example
 * ```ts
 * const checkpoint = new ExactlyOnceCheckpoint({ client, consumer, groupId: 'g', state, logger });
 * await checkpoint.assign([{ topic: 'in', partition: 0 }]);
 * await checkpoint.add(processor.process(batch), { topic: 'in', partition: 0 });
 * await checkpoint.commit();
 * await checkpoint.close();
 * ```
 */
export class ExactlyOnceCheckpoint implements Checkpoint {
  private readonly scopes = new Map<string, Scope>();
  private readonly assigned = new Set<string>();
  /** The next offset to process per partition: messages below it are committed already. */
  private readonly next = new Map<string, number>();
  /** The offset each partition restarts from after a dropped transaction. */
  private readonly committed = new Map<string, number>();
  /** Fenced partitions, paused until the group assigns them again. */
  private readonly blocked = new Set<string>();
  private reassignTimer: NodeJS.Timeout | undefined;
  /** Work started by `revoke` (which must return at once): later calls wait for it. */
  private background: Promise<void> = Promise.resolve();
  private failure: Error | undefined;
  /** True: one producer per instance (KIP-447); false: one per input partition; undefined until the first producer. */
  private perInstance: boolean | undefined;
  private readonly instanceId: string;

  constructor(private readonly o: ExactlyOnceCheckpointOptions) {
    this.instanceId = o.instanceId ?? randomUUID();
  }

  get pending(): boolean {
    for (const s of this.scopes.values()) if (s.open && (s.offsets.size > 0 || s.dirty)) return true;
    return false;
  }

  /**
   * The lowest offset of a batch of `source` starting at `firstOffset` to process: messages below
   * it were committed already (a consumer without KIP-447 may fetch a committed offset that a
   * transaction completing at that moment moves on). Infinity while the partition is fenced.
   * Without a committed offset, `firstOffset` becomes where the partition restarts after a
   * dropped transaction.
   */
  admit(source: TopicPartition, firstOffset: number): number {
    const key = keyOf(source);
    if (this.blocked.has(key)) return Infinity;
    if (!this.committed.has(key) && !this.next.has(key)) this.committed.set(key, firstOffset);
    return this.next.get(key) ?? firstOffset;
  }

  /**
   * Takes the member's whole assignment after a (re)join: starts the transactional producers of
   * new (and fenced) partitions — their InitProducerId fences the previous owner and resolves its
   * open transaction — then reads the committed offsets. Resolves with the fenced partitions that
   * came back: their state must be reopened from the changelog (another owner moved it on).
   */
  async assign(partitions: readonly TopicPartition[]): Promise<TopicPartition[]> {
    await this.background;
    const fresh: TopicPartition[] = [];
    const reopen: TopicPartition[] = [];
    const now = new Set(partitions.map(keyOf));
    for (const tp of partitions) {
      const key = keyOf(tp);
      if (this.blocked.has(key)) reopen.push(tp);
      else if (!this.assigned.has(key)) fresh.push(tp);
    }
    for (const key of this.blocked) if (!now.has(key)) this.o.consumer.resume([partitionOf(key)]);
    this.blocked.clear();
    clearTimeout(this.reassignTimer);
    this.assigned.clear();
    for (const key of now) this.assigned.add(key);
    const starting = [...fresh, ...reopen];
    if (starting.length === 0) return reopen;
    await this.decideModel();
    const scopes = new Set(starting.map((tp) => this.scopeOf(tp)));
    await Promise.all([...scopes].map((s) => this.begin(s)));
    const offsets = await this.o.client.admin.committedOffsets(this.o.groupId, [...new Set(starting.map((tp) => tp.topic))]);
    const found = new Map(offsets.map((c) => [keyOf(c), c.offset]));
    for (const tp of starting) {
      const key = keyOf(tp);
      const offset = found.get(key);
      if (offset === undefined) {
        this.next.delete(key);
        this.committed.delete(key);
      } else {
        this.next.set(key, offset);
        this.committed.set(key, offset);
      }
    }
    for (const tp of reopen) {
      const offset = this.committed.get(keyOf(tp));
      if (offset !== undefined) this.o.consumer.seek(tp, offset);
      this.o.consumer.resume([tp]);
    }
    if (reopen.length) this.o.logger.info({ partitions: reopen }, 'fenced partitions assigned again: continuing from their committed offsets and state');
    return reopen;
  }

  async add(result: BatchResult, source?: TopicPartition): Promise<void> {
    await this.background;
    if (this.failure) throw this.failure;
    if (source) {
      const key = keyOf(source);
      if (this.blocked.has(key) || !this.assigned.has(key)) {
        this.o.state?.discard([source]);
        return;
      }
      const scope = this.scopeOf(source);
      await this.send(scope, result.produced);
      if (result.lastProcessedOffset >= 0) {
        const offset = result.lastProcessedOffset + 1;
        scope.offsets.set(key, { topic: source.topic, partition: source.partition, offset });
        this.next.set(key, offset);
      }
      if (scope.sends > MAX_IN_FLIGHT) await scope.sending.catch(() => undefined);
      return;
    }
    // a tick: each record goes into the transaction of the partition whose window it closed
    const byScope = new Map<Scope, OutgoingRecord[]>();
    result.produced.forEach((record, i) => {
      const tp = result.sources?.[i];
      if (!tp || !this.assigned.has(keyOf(tp)) || this.blocked.has(keyOf(tp))) return;
      const scope = this.scopeOf(tp);
      let list = byScope.get(scope);
      if (!list) byScope.set(scope, (list = []));
      list.push(record);
    });
    for (const [scope, records] of byScope) await this.send(scope, records);
  }

  async commit(): Promise<void> {
    await this.background;
    const errors: unknown[] = [];
    await Promise.all(
      [...this.scopes.values()]
        .filter((s) => s.open && (s.offsets.size > 0 || s.dirty || s.failure))
        .map((s) => {
          const done = this.commitScope(s).catch((e: unknown) => void errors.push(e));
          s.busy = done;
          return done;
        }),
    );
    if (errors.length > 0) throw errors[0];
    if (this.failure) throw this.failure;
  }

  revoke(partitions: readonly TopicPartition[]): void {
    const closing: Scope[] = [];
    for (const tp of partitions) {
      const key = keyOf(tp);
      this.assigned.delete(key);
      this.next.delete(key);
      this.committed.delete(key);
      if (this.blocked.delete(key)) this.o.consumer.resume([tp]);
      if (this.perInstance) {
        const scope = this.scopes.get('');
        if (scope?.offsets.has(key) && !closing.includes(scope)) closing.push(scope);
      } else {
        const scope = this.scopes.get(key);
        if (scope) {
          this.scopes.delete(key);
          closing.push(scope);
        }
      }
    }
    for (const p of this.o.participants ?? []) p.discard(partitions);
    if (closing.length === 0) return;
    // Work of revoked partitions can no longer be committed for this member: abort it (the next
    // owner's InitProducerId or generation would fence it anyway).
    this.background = this.background.then(async () => {
      for (const scope of closing) {
        await scope.busy.catch(() => undefined);
        if (this.perInstance) {
          if (scope.open) await this.drop(scope, new SluiceError('partitions were revoked with work in the open transaction'));
        } else {
          await scope.sending.catch(() => undefined);
          await scope.producer?.abort().catch(() => undefined);
          await scope.producer?.close().catch(() => undefined);
        }
      }
    });
  }

  /**
   * After backpressure (its transaction was dropped already: a participant's pause fails the
   * commit): the partitions read again from their committed offsets.
   */
  rewind(partitions: readonly TopicPartition[]): CommitOffset[] {
    for (const p of this.o.participants ?? []) p.discard(partitions);
    const positions: CommitOffset[] = [];
    for (const tp of partitions) {
      const offset = this.committed.get(keyOf(tp));
      if (offset === undefined) continue;
      this.next.set(keyOf(tp), offset);
      positions.push({ topic: tp.topic, partition: tp.partition, offset });
    }
    return positions;
  }

  /** Aborts open transactions and closes every producer (after the last `commit`). */
  async close(): Promise<void> {
    await this.background;
    clearTimeout(this.reassignTimer);
    await Promise.all(
      [...this.scopes.values()].map(async (s) => {
        await s.busy.catch(() => undefined);
        if (s.open) await s.producer?.abort().catch(() => undefined);
        await s.producer?.close().catch(() => undefined);
      }),
    );
    this.scopes.clear();
  }

  /** The first producer tells which transactional model the client supports. */
  private async decideModel(): Promise<void> {
    if (this.perInstance !== undefined) return;
    const scope = this.newScope(`${this.o.groupId}:instance:${this.instanceId}`);
    this.perInstance = scope.producer!.supportsGroupMetadata;
    if (this.perInstance) this.scopes.set('', scope);
    else await scope.producer!.close();
    this.o.logger.info(
      { model: this.perInstance ? 'one transactional producer per instance (KIP-447)' : 'one transactional producer per input partition' },
      'exactly-once processing',
    );
  }

  private scopeOf(tp: TopicPartition): Scope {
    const id = this.perInstance ? '' : keyOf(tp);
    let scope = this.scopes.get(id);
    if (!scope) {
      scope = this.newScope(`${this.o.groupId}:${tp.topic}:${tp.partition}`);
      this.scopes.set(id, scope);
    }
    return scope;
  }

  private newScope(transactionalId: string): Scope {
    const producer = this.o.client.transactionalProducer({ transactionalId, transactionTimeoutMs: this.o.transactionTimeoutMs ?? 60_000 });
    return { transactionalId, producer, open: false, sending: Promise.resolve(), sends: 0, failure: undefined, offsets: new Map(), dirty: false, busy: Promise.resolve() };
  }

  private async begin(scope: Scope): Promise<void> {
    if (scope.open) return;
    scope.producer ??= this.o.client.transactionalProducer({ transactionalId: scope.transactionalId, transactionTimeoutMs: this.o.transactionTimeoutMs ?? 60_000 });
    await scope.producer.begin();
    scope.open = true;
  }

  private async send(scope: Scope, records: readonly OutgoingRecord[]): Promise<void> {
    await this.begin(scope);
    if (records.length === 0) return;
    scope.dirty = true;
    scope.sends++;
    const producer = scope.producer!;
    const sent = producer.send(records).then(
      () => void scope.sends--,
      (e: unknown) => {
        scope.sends--;
        scope.failure ??= e as Error;
      },
    );
    scope.sending = scope.sending.then(() => sent);
  }

  /** Commits one producer's transaction: outputs, sinks, changelog, offsets, then local state. */
  private async commitScope(scope: Scope): Promise<void> {
    const producer = scope.producer!;
    const partitions = this.partitionsOf(scope);
    try {
      await scope.sending;
      if (scope.failure) throw scope.failure;
      const offsets = [...scope.offsets.values()];
      if (partitions.length > 0 && this.o.participants?.length) {
        const { pressure, failure } = await flushParticipants(this.o.participants, partitions);
        if (failure) throw failure;
        // a sink that asks to pause: the whole transaction is dropped, the run loop pauses and rewinds
        if (pressure) throw pressure;
      }
      const changelog = this.o.state?.prepare(partitions) ?? [];
      await producer.send(changelog);
      await producer.sendOffsets(offsets, this.o.consumer.groupMetadata());
      await producer.commit();
      scope.open = false;
      scope.dirty = false;
      scope.offsets.clear();
      this.o.state?.commit(partitions);
      for (const o of offsets) this.committed.set(keyOf(o), o.offset);
      this.o.logger.debug({ transactionalId: scope.transactionalId, offsets }, 'committed transaction');
    } catch (e) {
      await this.drop(scope, e as Error);
      if (isFencingError(e)) return;
      if (e instanceof SinkBackpressureError) throw e;
      if (e instanceof SinkError) {
        this.failure ??= e; // final, as at-least-once: the app stops, a restart writes the rows again
        throw e;
      }
      const failed = new SluiceError(`committing the transaction of '${scope.transactionalId}' failed (aborted; its partitions restart from their last commit): ${(e as Error).message}`, { cause: e, retriable: isRetriable(e) });
      // a failure that trying again cannot cure (a record too large, a topic not allowed) stops the app
      if (!failed.retriable) this.failure ??= failed;
      throw failed;
    }
  }

  /** The assigned partitions whose work the scope carries. */
  private partitionsOf(scope: Scope): TopicPartition[] {
    if (this.perInstance) return [...this.assigned].filter((k) => !this.blocked.has(k)).map(partitionOf);
    for (const [key, s] of this.scopes) if (s === scope) return this.assigned.has(key) ? [partitionOf(key)] : [];
    return [];
  }

  /**
   * Drops the scope's open transaction: aborts it (or, fenced, gives the producer up), discards the
   * partitions' uncommitted state and rewinds them to their last committed offset.
   */
  private async drop(scope: Scope, error: Error): Promise<void> {
    const partitions = this.partitionsOf(scope);
    const fenced = isFencingError(error);
    scope.open = false;
    scope.dirty = false;
    scope.failure = undefined;
    scope.offsets.clear();
    this.o.state?.discard(partitions);
    for (const p of this.o.participants ?? []) p.discard(partitions);
    const producer = scope.producer;
    scope.producer = undefined; // the next begin starts a new one: its InitProducerId ends what this one left open
    if (!fenced) await producer?.abort().catch(() => undefined);
    await producer?.close().catch(() => undefined);
    for (const tp of partitions) {
      const key = keyOf(tp);
      const offset = this.committed.get(key);
      if (offset === undefined) this.next.delete(key);
      else this.next.set(key, offset);
      if (fenced) {
        this.blocked.add(key);
        this.o.consumer.pause([tp]);
      } else if (offset !== undefined) {
        this.o.consumer.seek(tp, offset);
      }
    }
    if (!fenced) {
      this.o.logger.warn({ err: error, partitions }, 'aborted a transaction; its partitions restart from their last committed offset');
      return;
    }
    this.o.logger.warn({ err: error, partitions }, 'fenced: dropped the uncommitted work of these partitions; waiting for the group to assign partitions again');
    clearTimeout(this.reassignTimer);
    const waitMs = this.o.reassignTimeoutMs ?? 60_000;
    this.reassignTimer = setTimeout(() => {
      if (this.blocked.size === 0) return;
      this.failure ??= new SluiceError(
        `the transactional producer '${scope.transactionalId}' was fenced and the group did not assign its partitions again within ${waitMs} ms; ` +
          'another process may be using this consumer group and transactional id, or the transaction timed out — restart the app',
        { cause: error },
      );
    }, waitMs);
    this.reassignTimer.unref();
  }
}
