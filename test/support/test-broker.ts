// Brokers and assertions for integration tests: the embedded broker by default, or a real Kafka
// named by SLUICE_TEST_BROKER (host:port) — `.ci/run` runs the *.integration.test.ts suites both ways.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { Kafka, logLevel, type IHeaders } from 'kafkajs';
import { KafkajsAdmin } from '../../src/kafka/kafkajs/kafkajs-admin.ts';

/** A broker an integration test talks to. */
export interface TestBroker {
  /** `host:port` bootstrap address. */
  readonly address: string;
  /** `embedded` = started by this helper in-process; `external` = named by SLUICE_TEST_BROKER. */
  readonly kind: 'embedded' | 'external';
  /** Stops the embedded broker and removes its data dir; a no-op for an external broker. */
  close(): Promise<void>;
}

/** The `SLUICE_TEST_BROKER` value, or undefined when tests should start the embedded broker. */
export function externalBrokerAddress(): string | undefined {
  const value = process.env.SLUICE_TEST_BROKER?.trim();
  if (!value) return undefined;
  if (!/^[^:\s]+:\d+$/.test(value)) {
    throw new Error(`SLUICE_TEST_BROKER must be host:port (e.g. 127.0.0.1:19092), got "${value}"`);
  }
  return value;
}

/**
 * Gives a test a broker: the one in `SLUICE_TEST_BROKER` if set, else a fresh embedded broker on
 * a free port of 127.0.0.1 with a temporary data dir. `transactionAbortCheckIntervalMs` sets how
 * often the embedded broker aborts timed-out transactions (the CI Kafka checks every second).
 *
 * @example
 * ```ts
 * let broker: TestBroker;
 * beforeAll(async () => { broker = await useTestBroker(); });
 * afterAll(() => broker.close());
 * ```
 */
export async function useTestBroker(options: { partitions?: number; transactionAbortCheckIntervalMs?: number } = {}): Promise<TestBroker> {
  const external = externalBrokerAddress();
  if (external) {
    return { address: external, kind: 'external', close: async () => {} };
  }
  const { startBroker } = await import('../../src/broker/index.ts');
  const dataDir = mkdtempSync(join(tmpdir(), 'sluice-test-broker-'));
  const handle = await startBroker({
    port: 0, host: '127.0.0.1', dataDir, partitions: options.partitions ?? 1, logLevel: 'silent',
    ...(options.transactionAbortCheckIntervalMs === undefined ? {} : { transactionAbortCheckIntervalMs: options.transactionAbortCheckIntervalMs }),
  });
  let closed = false;
  return {
    address: handle.address,
    kind: 'embedded',
    close: async () => {
      if (closed) return;
      closed = true;
      await handle.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * A topic (or group) name no other test or earlier run uses, so tests against one shared external
 * broker do not see each other's records.
 *
 * @example
 * ```ts
 * const topic = uniqueName('jokes'); // "jokes-k3x9a2f1"
 * ```
 */
export function uniqueName(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}-${randomBytes(4).toString('hex')}`;
}

/** A kafkajs client with quiet logging and short retries, for test set-up and assertions. */
export function testKafka(address: string, clientId = 'sluice-test'): Kafka {
  return new Kafka({ clientId, brokers: address.split(','), logLevel: logLevel.NOTHING, retry: { retries: 8, initialRetryTime: 100 } });
}

/** Creates topics (ignoring ones that exist) and waits until their metadata is visible. The consume
 * helpers call it for the topic they read, so a test may wait for a topic an app has yet to create. */
export async function createTopics(address: string, topics: string[], numPartitions = 1): Promise<void> {
  const admin = testKafka(address, 'sluice-test-admin').admin();
  await admin.connect();
  try {
    await admin.createTopics({ waitForLeaders: true, topics: topics.map((topic) => ({ topic, numPartitions })) });
    await admin.fetchTopicMetadata({ topics });
  } finally {
    await admin.disconnect();
  }
}

/** One record read back by `consumeAll`, with key and value decoded as UTF-8. */
export interface ConsumedRecord {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
  readonly key: string | null;
  readonly value: string | null;
  readonly headers: IHeaders;
}

/**
 * Reads `topic` (creating it when missing) from the beginning with a fresh consumer group until `n` records arrived (then
 * resolves with exactly those) or `timeoutMs` passed (then rejects, saying how many came).
 *
 * @example
 * ```ts
 * const records = await consumeAll(broker.address, 'words', 10, 20_000);
 * expect(records.map((r) => r.key)).toContain('chicken');
 * ```
 */
export async function consumeAll(address: string, topic: string, n: number, timeoutMs = 30_000): Promise<ConsumedRecord[]> {
  await createTopics(address, [topic]);
  const consumer = testKafka(address, 'sluice-test-consumer').consumer({ groupId: uniqueName('assert'), maxWaitTimeInMs: 200 });
  const records: ConsumedRecord[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`consumeAll: got ${records.length} of ${n} records from topic "${topic}" within ${timeoutMs} ms`)),
        timeoutMs,
      );
      consumer
        .run({
          eachMessage: async ({ topic: t, partition, message }) => {
            if (records.length >= n) return;
            records.push({
              topic: t,
              partition,
              offset: message.offset,
              key: message.key === null ? null : message.key.toString('utf8'),
              value: message.value === null ? null : message.value.toString('utf8'),
              headers: message.headers ?? {},
            });
            if (records.length >= n) {
              clearTimeout(timer);
              resolve();
            }
          },
        })
        .catch((error: unknown) => {
          clearTimeout(timer);
          reject(error instanceof Error ? error : new Error(String(error)));
        });
      if (n <= 0) {
        clearTimeout(timer);
        resolve();
      }
    });
  } finally {
    await consumer.disconnect();
  }
  return records;
}

/**
 * Reads `topic` from the beginning until `done(lastValueByKey)` holds or `timeoutMs` passed, keeping
 * the latest value per key — the view a compacted topic converges to. Rejects on timeout with the
 * number of records and keys seen.
 *
 * @example
 * ```ts
 * const counts = await consumeLatestByKey(address, 'word-counts', (m) => m.get('the') === '{"word":"the","count":7}', 30_000);
 * ```
 */
export async function consumeLatestByKey(
  address: string,
  topic: string,
  done: (latest: ReadonlyMap<string, string | null>) => boolean,
  timeoutMs = 30_000,
): Promise<Map<string, string | null>> {
  await createTopics(address, [topic]);
  const consumer = testKafka(address, 'sluice-test-consumer').consumer({ groupId: uniqueName('latest'), maxWaitTimeInMs: 200 });
  const latest = new Map<string, string | null>();
  let seen = 0;
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      let finished = false;
      const finish = (error?: Error): void => {
        if (finished) return;
        finished = true;
        clearTimeout(timer);
        if (error) reject(error);
        else resolve();
      };
      const timer = setTimeout(
        () => finish(new Error(`consumeLatestByKey: condition not met on topic "${topic}" within ${timeoutMs} ms (${seen} records, ${latest.size} keys)`)),
        timeoutMs,
      );
      consumer
        .run({
          eachBatch: async ({ batch }) => {
            for (const message of batch.messages) {
              seen += 1;
              latest.set(message.key === null ? '' : message.key.toString('utf8'), message.value === null ? null : message.value.toString('utf8'));
            }
            if (done(latest)) finish();
          },
        })
        .catch((error: unknown) => finish(error instanceof Error ? error : new Error(String(error))));
    });
  } finally {
    await consumer.disconnect();
  }
  return latest;
}

/**
 * The sum of `topic`'s partition end offsets (high watermarks): how many records it holds from
 * offset 0, or 0 while it does not exist.
 *
 * @example
 * ```ts
 * const before = await topicEndOffset(broker.address, 'jokes');
 * ```
 */
export async function topicEndOffset(address: string, topic: string): Promise<number> {
  // KafkajsAdmin retries what a partition created a moment ago answers (NOT_LEADER on Apache Kafka)
  const admin = new KafkajsAdmin(testKafka(address, 'sluice-test-admin'));
  try {
    if (!(await admin.listTopics()).includes(topic)) return 0;
    return (await admin.listOffsets(topic)).reduce((sum, p) => sum + p.high, 0);
  } finally {
    await admin.close();
  }
}
