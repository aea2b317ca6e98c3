import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import type { CommitOffset } from '../kafka/group-consumer.ts';
import type { OutgoingRecord } from '../topics/message-context.ts';
import { AtLeastOnceCheckpoint } from './at-least-once-checkpoint.ts';
import { emptyStats } from './processing-stats.ts';
import type { BatchResult } from './processor.ts';

const logger = pino({ level: 'silent' });
const record = (topic: string, value: string): OutgoingRecord => ({ topic, key: null, value: Buffer.from(value), headers: {}, timestamp: 0 });

/** A checkpoint whose producer, sink, processor and consumer write what happens to `steps`. */
function harness(options: { failSend?: (topic: string) => Error | undefined; failCommit?: () => Error | undefined; onProducerError?: (e: Error) => boolean; stateful?: boolean; sendDelayMs?: (records: readonly OutgoingRecord[]) => number } = {}) {
  const steps: string[] = [];
  const committed: CommitOffset[][] = [];
  const stats = emptyStats();
  const checkpoint = new AtLeastOnceCheckpoint({
    producer: {
      send: async (records) => {
        const delay = options.sendDelayMs?.(records) ?? 0;
        if (delay > 0) await new Promise((r) => setTimeout(r, delay));
        for (const r of records) {
          const error = options.failSend?.(r.topic);
          if (error) throw error;
        }
        if (records.length > 0) steps.push(`send ${records.map((r) => `${r.topic}:${r.value}`).join(',')}`);
      },
      close: async () => {},
    },
    consumer: {
      commit: async (offsets) => {
        const error = options.failCommit?.();
        if (error) throw error;
        steps.push('commit');
        committed.push([...offsets]);
      },
    },
    processor: { delivered: (r: BatchResult) => void steps.push(`delivered ${r.lastProcessedOffset}`), stateful: options.stateful ?? true },
    participants: [{ flush: async (tps) => void steps.push(`sink flush ${tps ? tps.map((tp) => `${tp.topic}[${tp.partition}]`).join(',') : 'all'}`), discard: () => {} }],
    logger,
    stats,
    ...(options.onProducerError ? { onProducerError: options.onProducerError } : {}),
  });
  return { checkpoint, steps, committed, stats };
}

const result = (last: number, produced: OutgoingRecord[], changelog: OutgoingRecord[] = []): BatchResult => ({ produced, changelog, lastProcessedOffset: last });

describe('AtLeastOnceCheckpoint, stateful processor', () => {
  it('makes sinks, then outputs, then changelog and state durable before it commits the next offset of each partition', async () => {
    const { checkpoint, steps, committed } = harness();
    await checkpoint.add(result(4, [record('out', 'a')], [record('changelog', 'c')]), { topic: 'in', partition: 0 });
    await checkpoint.add(result(9, [record('out', 'b')]), { topic: 'in', partition: 0 });
    await checkpoint.add(result(2, []), { topic: 'in', partition: 1 });
    expect(checkpoint.pending).toBe(true);
    await checkpoint.commit();
    expect(steps).toEqual([
      'sink flush in[0]', 'send out:a', 'send changelog:c', 'delivered 4',
      'sink flush in[0]', 'send out:b', 'delivered 9',
      'sink flush in[1]', 'delivered 2',
      'sink flush in[0]',
      'sink flush in[1]', 'commit',
    ]);
    expect(committed).toEqual([[{ topic: 'in', partition: 0, offset: 10 }, { topic: 'in', partition: 1, offset: 3 }]]);
    expect(checkpoint.pending).toBe(false);
  });

  it('does not deliver nor record a batch whose outputs failed, and says which partition', async () => {
    const { checkpoint, steps } = harness({ failSend: (t) => (t === 'out' ? new Error('broker said no') : undefined) });
    await expect(checkpoint.add(result(4, [record('out', 'a')], [record('changelog', 'c')]), { topic: 'in', partition: 3 })).rejects.toThrow(
      "producing the results of topic 'in' partition 3 failed: broker said no",
    );
    expect(steps).toEqual(['sink flush in[3]']);
    expect(checkpoint.pending).toBe(false);
  });

  it('goes on past a failed produce when onProducerError says so, counting it', async () => {
    const { checkpoint, steps, committed, stats } = harness({ failSend: (t) => (t === 'out' ? new Error('too large') : undefined), onProducerError: () => true });
    await checkpoint.add(result(4, [record('out', 'a')]), { topic: 'in', partition: 0 });
    await checkpoint.commit();
    expect(stats.ignoredProducerErrors).toBe(1);
    expect(steps).toEqual(['sink flush in[0]', 'delivered 4', 'sink flush in[0]', 'commit']);
    expect(committed).toEqual([[{ topic: 'in', partition: 0, offset: 5 }]]);
  });

  it('keeps offsets whose commit failed for the next commit, except those of revoked partitions', async () => {
    let fail = true;
    const { checkpoint, committed } = harness({ failCommit: () => (fail ? new Error('coordinator moved') : undefined) });
    await checkpoint.add(result(4, []), { topic: 'in', partition: 0 });
    await checkpoint.add(result(7, []), { topic: 'in', partition: 1 });
    await expect(checkpoint.commit()).rejects.toThrow('coordinator moved');
    checkpoint.revoke([{ topic: 'in', partition: 1 }]);
    fail = false;
    await checkpoint.commit();
    expect(committed).toEqual([[{ topic: 'in', partition: 0, offset: 5 }]]);
  });

  it('records no offset for a tick or a batch that processed nothing', async () => {
    const { checkpoint, steps } = harness();
    await checkpoint.add(result(-1, [record('out', 'w')]));
    await checkpoint.add(result(-1, []), { topic: 'in', partition: 0 });
    expect(checkpoint.pending).toBe(false);
    await checkpoint.commit();
    expect(steps).toEqual(['sink flush all', 'send out:w', 'delivered -1', 'sink flush in[0]', 'delivered -1']);
  });
});

describe('AtLeastOnceCheckpoint, stateless processor', () => {
  it('lets the next batch be processed while outputs are on their way, and commits only acknowledged offsets', async () => {
    const { checkpoint, steps, committed } = harness({ stateful: false, sendDelayMs: (rs) => (rs[0]?.value?.toString() === 'a' ? 50 : 0) });
    const adding = checkpoint.add(result(4, [record('out', 'a')]), { topic: 'in', partition: 0 });
    await adding; // resolves before the (slow) send is acknowledged
    expect(steps).toEqual([]);
    await checkpoint.add(result(9, [record('out', 'b')]), { topic: 'in', partition: 0 });
    expect(checkpoint.pending).toBe(true);
    await checkpoint.commit();
    expect(steps).toEqual(['send out:b', 'send out:a', 'delivered 4', 'delivered 9', 'sink flush in[0]', 'commit']);
    expect(committed).toEqual([[{ topic: 'in', partition: 0, offset: 10 }]]);
  });

  it('after a result that could not be delivered, commits what came before it and nothing after, then fails', async () => {
    const { checkpoint, committed } = harness({ stateful: false, failSend: (t) => (t === 'bad' ? new Error('record too large') : undefined), sendDelayMs: (rs) => (rs[0]?.topic === 'bad' ? 20 : 0) });
    await checkpoint.add(result(4, [record('out', 'a')]), { topic: 'in', partition: 0 });
    await checkpoint.add(result(9, [record('bad', 'b')]), { topic: 'in', partition: 0 });
    await checkpoint.add(result(12, [record('out', 'c')]), { topic: 'in', partition: 0 }).catch(() => undefined);
    await expect(checkpoint.commit()).rejects.toThrow("producing the results of topic 'in' partition 0 failed: record too large");
    expect(committed).toEqual([[{ topic: 'in', partition: 0, offset: 5 }]]);
    await expect(checkpoint.add(result(13, []), { topic: 'in', partition: 0 })).rejects.toThrow('record too large');
  });

  it('does not commit the offset of a result delivered after its partition was revoked', async () => {
    const { checkpoint, committed } = harness({ stateful: false, sendDelayMs: () => 30 });
    await checkpoint.add(result(4, [record('out', 'a')]), { topic: 'in', partition: 0 });
    await checkpoint.add(result(7, [record('out', 'b')]), { topic: 'in', partition: 1 });
    checkpoint.revoke([{ topic: 'in', partition: 0 }]);
    await checkpoint.commit();
    expect(committed).toEqual([[{ topic: 'in', partition: 1, offset: 8 }]]);
  });
});
