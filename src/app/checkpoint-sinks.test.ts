import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import type { CommitOffset } from '../kafka/group-consumer.ts';
import type { SinkBatch } from '../sinks/base/batching-sink.ts';
import { SinkBackpressureError } from '../sinks/base/sink-backpressure-error.ts';
import { SinkError } from '../sinks/base/sink-error.ts';
import { MemorySink } from '../sinks/memory-sink.ts';
import { AtLeastOnceCheckpoint } from './at-least-once-checkpoint.ts';
import { emptyStats } from './processing-stats.ts';
import type { BatchResult } from './processor.ts';

/** A MemorySink that pushes back on the partitions in `pressured`, or fails every write with `failure`. */
class TestSink extends MemorySink<number> {
  pressured = new Set<number>();
  failing = new Set<number>();
  failure: Error | undefined;
  constructor() {
    super({ name: 'test-sink', attempts: 2, retryBackoffMs: 1 });
  }
  protected override async write(batch: SinkBatch<number>): Promise<void> {
    if (this.failure) throw this.failure;
    if (this.failing.has(batch.partition)) throw new Error(`partition ${batch.partition} refused`);
    if (this.pressured.has(batch.partition)) throw new SinkBackpressureError(100);
    await super.write(batch);
  }
}

function harness(stateful: boolean) {
  const sink = new TestSink();
  const committed: CommitOffset[][] = [];
  const delivered: number[] = [];
  const checkpoint = new AtLeastOnceCheckpoint({
    producer: { send: async () => {}, close: async () => {} },
    consumer: { commit: async (offsets) => void committed.push([...offsets]) },
    processor: { delivered: (r: BatchResult) => void delivered.push(r.lastProcessedOffset), stateful },
    participants: [sink],
    logger: pino({ level: 'silent' }),
    stats: emptyStats(),
  });
  /** Processes offsets `from..to` of partition `p`: one row each into the sink, then hands the result to the checkpoint. */
  const batch = (p: number, from: number, to: number): Promise<void> => {
    for (let o = from; o <= to; o++) sink.add({ value: p * 1000 + o, ctx: { key: null, timestamp: 0, headers: {}, topic: 'in', partition: p, offset: o } });
    return checkpoint.add({ produced: [], changelog: [], lastProcessedOffset: to }, { topic: 'in', partition: p });
  };
  return { sink, checkpoint, committed, delivered, batch };
}

describe('AtLeastOnceCheckpoint with sinks', () => {
  it('stateless: writes the sinks before committing; backpressure commits the other partitions and rewinds to the last written offset', async () => {
    const { sink, checkpoint, committed, batch } = harness(false);
    await batch(0, 0, 4);
    await batch(1, 0, 2);
    await checkpoint.commit();
    expect(sink.values).toEqual([0, 1, 2, 3, 4, 1000, 1001, 1002]);
    expect(committed).toEqual([[{ topic: 'in', partition: 0, offset: 5 }, { topic: 'in', partition: 1, offset: 3 }]]);

    await batch(0, 5, 6);
    await batch(1, 3, 9);
    sink.pressured.add(1);
    const error = (await checkpoint.commit().catch((e: unknown) => e)) as SinkBackpressureError;
    expect(error).toBeInstanceOf(SinkBackpressureError);
    expect(error.partitions).toEqual([{ topic: 'in', partition: 1 }]);
    expect(committed[1]).toEqual([{ topic: 'in', partition: 0, offset: 7 }]);
    expect(checkpoint.rewind(error.partitions)).toEqual([{ topic: 'in', partition: 1, offset: 3 }]);
    expect(sink.pendingRows).toBe(0); // partition 1's unwritten rows are dropped: they are read again from offset 3
    expect(checkpoint.pending).toBe(false);
  });

  it('stateful: a batch whose rows the sink pushes back is not delivered; the rewind keeps the delivered offsets for commit', async () => {
    const { sink, checkpoint, committed, delivered, batch } = harness(true);
    await batch(0, 0, 4);
    sink.pressured.add(0);
    await expect(batch(0, 5, 8)).rejects.toBeInstanceOf(SinkBackpressureError);
    expect(delivered).toEqual([4]);
    expect(checkpoint.rewind([{ topic: 'in', partition: 0 }])).toEqual([{ topic: 'in', partition: 0, offset: 5 }]);
    sink.pressured.clear();
    await checkpoint.commit();
    expect(committed).toEqual([[{ topic: 'in', partition: 0, offset: 5 }]]);
    expect(sink.values).toEqual([0, 1, 2, 3, 4]);
  });

  it('a sink that keeps failing fails the checkpoint for good: nothing is committed, later commits and adds fail too', async () => {
    const { sink, checkpoint, committed, batch } = harness(false);
    await batch(0, 0, 4);
    sink.failure = new Error('disk full');
    await expect(checkpoint.commit()).rejects.toThrow(SinkError);
    sink.failure = undefined;
    await expect(checkpoint.commit()).rejects.toThrow(/sink 'test-sink' could not write 5 rows of topic 'in' partition 0 after 2 attempts: disk full/);
    await expect(batch(0, 5, 5)).rejects.toThrow(SinkError);
    expect(committed).toEqual([]);
  });

  it('a sink failing on one partition still commits the partitions written before it', async () => {
    const { sink, checkpoint, committed, batch } = harness(false);
    await batch(0, 0, 1);
    await batch(1, 0, 1);
    await batch(2, 0, 1);
    sink.failing.add(1);
    await expect(checkpoint.commit()).rejects.toThrow(/partition 1 refused/);
    expect(committed).toEqual([[{ topic: 'in', partition: 0, offset: 2 }]]);
    expect(sink.values).toEqual([0, 1]);
  });

  it('stateful: after a sink failed, commits the batches written before the failure and nothing after', async () => {
    const { sink, checkpoint, committed, batch } = harness(true);
    await batch(0, 0, 4);
    await batch(1, 0, 2);
    sink.failing.add(0);
    await expect(batch(0, 5, 6)).rejects.toThrow(/partition 0 refused/);
    await expect(checkpoint.commit()).rejects.toThrow(/partition 0 refused/);
    expect(committed).toEqual([[{ topic: 'in', partition: 0, offset: 5 }, { topic: 'in', partition: 1, offset: 3 }]]);
    await expect(checkpoint.commit()).rejects.toThrow(/partition 0 refused/);
    expect(committed).toHaveLength(1);
  });

  it('drops the rows buffered for revoked partitions', async () => {
    const { sink, checkpoint, committed, batch } = harness(false);
    await batch(0, 0, 1);
    await batch(1, 0, 1);
    checkpoint.revoke([{ topic: 'in', partition: 1 }]);
    await checkpoint.commit();
    expect(sink.values).toEqual([0, 1]);
    expect(committed).toEqual([[{ topic: 'in', partition: 0, offset: 2 }]]);
  });
});
