import { Kafka, logLevel, type Consumer, type EachMessagePayload } from 'kafkajs';
import { pino } from 'pino';
import { launchBroker, type BrokerHandle } from '../../src/broker/launch-broker.ts';
import type { LogStorage, OffsetStore } from '../../src/broker/storage/log-storage.ts';
import { MemoryLogStorage, MemoryOffsetStore, MemoryTransactionStore, testBrokerConfig } from '../broker/memory-log-storage.ts';
import { GROUP_HANDLERS } from './group-handlers.ts';

/**
 * Starts a broker on a free port over in-memory storage (fresh, or the given one to simulate a
 * restart) with the group handlers, and a kafkajs client for it.
 */
export async function startGroupBroker(
  stores: { storage?: LogStorage; offsets?: OffsetStore } = {},
): Promise<{ broker: BrokerHandle; kafka: Kafka }> {
  const broker = await launchBroker({
    host: '127.0.0.1',
    port: 0,
    nodeId: 0,
    clusterId: 'coordinator-e2e-cluster',
    config: testBrokerConfig(),
    storage: stores.storage ?? new MemoryLogStorage(),
    offsets: stores.offsets ?? new MemoryOffsetStore(),
    transactionStore: new MemoryTransactionStore(),
    log: pino({ level: process.env.BROKER_TEST_LOG ?? 'silent' }),
    retentionCheckIntervalMs: 60_000,
    extraHandlers: GROUP_HANDLERS,
  });
  const kafka = new Kafka({ clientId: 'e2e', brokers: [broker.address], logLevel: logLevel.NOTHING, retry: { retries: 8, initialRetryTime: 100 } });
  return { broker, kafka };
}

/** Polls `check` every 50 ms until it returns true; fails after `ms`. */
export async function waitFor(what: string, check: () => boolean, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A kafkajs consumer that records what it receives and its latest assignment. */
export interface Member {
  readonly name: string;
  readonly consumer: Consumer;
  /** Partitions of the latest assignment. */
  partitions: number[];
  readonly received: string[];
}

/** Starts a consumer in `groupId`; every value it receives is added to `log` under the consumer's name. */
export async function startMember(kafka: Kafka, groupId: string, topic: string, name: string, log: Map<string, string[]>): Promise<Member> {
  const consumer = kafka.consumer({ groupId, sessionTimeout: 6_000, heartbeatInterval: 300, maxWaitTimeInMs: 100, rebalanceTimeout: 10_000 });
  const member: Member = { name, consumer, partitions: [], received: [] };
  consumer.on(consumer.events.GROUP_JOIN, (e) => {
    member.partitions = [...(e.payload.memberAssignment[topic] ?? [])].sort();
  });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ message }: EachMessagePayload) => {
      const value = message.value!.toString();
      member.received.push(value);
      log.set(value, [...(log.get(value) ?? []), name]);
    },
  });
  return member;
}

/** Produces `perPartition` values `${prefix}-p${p}-${i}` to each partition; returns them. */
export async function produce(kafka: Kafka, topic: string, prefix: string, perPartition: number, partitions: number): Promise<string[]> {
  const producer = kafka.producer();
  await producer.connect();
  const values: string[] = [];
  const messages = [];
  for (let p = 0; p < partitions; p++) {
    for (let i = 0; i < perPartition; i++) {
      const value = `${prefix}-p${p}-${i}`;
      values.push(value);
      messages.push({ partition: p, value });
    }
  }
  await producer.send({ topic, messages });
  await producer.disconnect();
  return values;
}

/** All partitions assigned to `members`, sorted. */
export const union = (members: Member[]): number[] => members.flatMap((m) => m.partitions).sort();
