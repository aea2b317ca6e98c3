// Zombie fencing under exactly-once, with real processes: of two word-count instances, the first
// is stalled with SIGSTOP while its transaction holds records; the group gives its partitions to
// the second, whose transactional producers fence it. Resumed, the zombie's transaction fails: it
// drops that work, rejoins the group and carries on (processing a partition again) without
// crashing. A read_committed reader sees
// every count once (nothing the zombie wrote in its fenced transaction became visible), and the
// topic does hold records that were aborted — the zombie's.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createKafkaClient } from '../../src/kafka/create-kafka-client.ts';
import type { KafkaClient } from '../../src/kafka/kafka-client.ts';
import { createTopics, uniqueName, useTestBroker, type TestBroker } from '../support/test-broker.ts';
import { committedCounts, produceWords, startWordCount, waitFor, type WordCountChild } from './word-count-child.ts';

const WORDS = Array.from({ length: 20 }, (_, i) => `word${i}`);

let broker: TestBroker;
let client: KafkaClient;
beforeAll(async () => {
  broker = await useTestBroker();
  client = createKafkaClient({ brokerAddress: broker.address, clientId: 'zombie-test', logger: pino({ level: 'silent' }), client: 'native' });
});
afterAll(async () => {
  await client.close();
  await broker.close();
});

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** Records of `topic` a reader with each isolation level can reach: the difference is in open transactions. */
async function ends(topic: string): Promise<{ committed: number; all: number }> {
  const sum = async (isolationLevel: 'read_committed' | 'read_uncommitted') => (await client.admin.listOffsets(topic, { isolationLevel })).reduce((n, p) => n + p.high, 0);
  const [committed, all] = await Promise.all([sum('read_committed'), sum('read_uncommitted')]);
  return { committed, all };
}

/** How many records of `topic` a reader sees (read_uncommitted counts aborted ones too). */
async function recordCount(topic: string, isolationLevel: 'read_committed' | 'read_uncommitted'): Promise<number> {
  let n = 0;
  for (const { partition, high } of await client.admin.listOffsets(topic)) {
    for await (const batch of client.readPartition({ topic, partition, fromOffset: 0, toOffset: high, isolationLevel, stallTimeoutMs: 30_000 })) n += batch.length;
  }
  return n;
}

describe('exactly-once zombie fencing', () => {
  it('fences an instance stalled past its session timeout: nothing of its open transaction becomes visible, and it carries on', async () => {
    const [input, output, group] = [uniqueName('zombie-in'), uniqueName('zombie-out'), uniqueName('zombie-g')];
    await createTopics(broker.address, [input, output], 2);
    const start = (name: string): WordCountChild => {
      const stateDir = mkdtempSync(join(tmpdir(), `sluice-zombie-${name}-`));
      const child = startWordCount({ broker: broker.address, input, output, group, stateDir, guarantee: 'exactly-once', commitMs: 3000 });
      cleanups.push(async () => {
        child.child.kill('SIGCONT');
        await child.kill();
        rmSync(stateDir, { recursive: true, force: true });
      });
      return child;
    };
    let rounds = 0;
    const round = async (): Promise<void> => {
      await produceWords(broker.address, input, WORDS);
      rounds += 1;
    };
    const diagnostics = (...children: WordCountChild[]) => () => children.map((c, i) => `--- instance ${i + 1} ---\n${c.output()}`).join('\n');

    const zombie = start('a');
    await round();
    await waitFor('the first instance to commit its first round', async () => (await ends(output)).committed >= WORDS.length, 120_000, diagnostics(zombie));
    // Stall it while its transaction holds records (the output has more records than committed ones).
    let stalled = false;
    for (let attempt = 0; attempt < 100 && !stalled; attempt++) {
      await round();
      await waitFor('an open transaction with records', async () => {
        const e = await ends(output);
        return e.all > e.committed;
      }, 60_000, diagnostics(zombie));
      zombie.child.kill('SIGSTOP');
      const e = await ends(output);
      stalled = e.all > e.committed;
      if (!stalled) zombie.child.kill('SIGCONT'); // it committed in between: try again
    }
    expect(stalled).toBe(true);

    const successor = start('b');
    // The group waits for the stalled member's session (6 s) to expire, then the successor owns
    // both partitions; its InitProducerId aborts the zombie's transaction.
    const before = rounds;
    await round();
    await waitFor('the successor to count the round produced after the stall', async () => {
      const counts = await committedCounts(broker.address, output);
      return WORDS.every((w) => Math.max(0, ...(counts.get(w) ?? [])) >= before + 1);
    }, 180_000, diagnostics(zombie, successor));
    const aborted = await ends(output);
    expect(aborted.all).toBe(aborted.committed); // no transaction is open any more: the zombie's was aborted

    // Resumed, the zombie finds its transaction fenced, drops that work, rejoins the group and gets
    // a partition again: it processes more (from the committed state) instead of crashing.
    const processedBeforeResume = zombie.processed();
    zombie.child.kill('SIGCONT');
    for (let i = 0; i < 200 && zombie.processed() <= processedBeforeResume; i++) {
      await round();
      await new Promise((r) => setTimeout(r, 250));
    }
    expect(zombie.processed(), diagnostics(zombie, successor)()).toBeGreaterThan(processedBeforeResume);
    for (let i = 0; i < 3; i++) await round();
    await waitFor('every round counted', async () => {
      const counts = await committedCounts(broker.address, output);
      return WORDS.every((w) => Math.max(0, ...(counts.get(w) ?? [])) >= rounds);
    }, 180_000, diagnostics(zombie, successor));

    // The zombie did not crash: it stops cleanly on SIGTERM, as the successor does.
    for (const c of [zombie, successor]) c.child.kill('SIGTERM');
    const codes = await Promise.all([zombie.exited, successor.exited]);
    expect(codes, diagnostics(zombie, successor)()).toEqual([0, 0]);

    const counts = await committedCounts(broker.address, output);
    const every = Array.from({ length: rounds }, (_, i) => i + 1);
    expect(counts).toEqual(new Map(WORDS.map((w) => [w, every])));
    // the zombie's records are in the log, aborted: only a read_uncommitted reader sees them
    expect(await recordCount(output, 'read_uncommitted')).toBeGreaterThan(await recordCount(output, 'read_committed'));
  }, 600_000);
});
