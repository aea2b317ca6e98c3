import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { ConfigError, SluiceError } from '../../errors.ts';
import { MemorySink } from '../memory-sink.ts';
import type { SinkBatch } from './batching-sink.ts';
import type { SinkRow } from './sink.ts';
import { SinkBackpressureError } from './sink-backpressure-error.ts';
import { SinkError } from './sink-error.ts';

const row = (topic: string, partition: number, offset: number): SinkRow<number> => ({
  value: offset,
  ctx: { key: null, timestamp: 0, headers: {}, topic, partition, offset },
});

/** A MemorySink whose writes fail (or push back) as `plan` says, write by write. */
class ScriptedSink extends MemorySink<number> {
  calls = 0;
  constructor(private readonly plan: (call: number, batch: SinkBatch<number>) => Error | undefined) {
    super({ name: 'scripted', attempts: 3, retryBackoffMs: 1 });
  }
  protected override async write(batch: SinkBatch<number>): Promise<void> {
    const error = this.plan(++this.calls, batch);
    if (error) throw error;
    await super.write(batch);
  }
}

describe('BatchingSink', () => {
  it('writes one batch per topic-partition, in offset order, only for the partitions asked', async () => {
    const sink = new MemorySink<number>({ name: 'm' });
    await sink.open({ logger: pino({ level: 'silent' }) });
    for (const r of [row('a', 0, 1), row('a', 1, 5), row('a', 0, 2), row('b', 0, 9)]) sink.add(r);
    await sink.flush([{ topic: 'a', partition: 0 }]);
    expect(sink.batches.map((b) => [b.topic, b.partition, b.rows.map((r) => r.ctx.offset)])).toEqual([['a', 0, [1, 2]]]);
    expect(sink.pendingRows).toBe(2);
    await sink.flush();
    expect(sink.values).toEqual([1, 2, 5, 9]);
    expect(sink.pendingRows).toBe(0);
    expect(sink.stats).toMatchObject({ rows: 4, batches: 3, errors: 0 });
    await sink.flush(); // nothing buffered: no empty batch
    expect(sink.batches).toHaveLength(3);
  });

  it('retries a failing write, then fails with a SinkError naming the sink, the partition and the rows', async () => {
    const sink = new ScriptedSink(() => new Error('connection refused'));
    sink.add(row('orders', 2, 10));
    const error = await sink.flush().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SinkError);
    expect((error as SinkError).sink).toBe('scripted');
    expect((error as Error).message).toContain("sink 'scripted' could not write 1 rows of topic 'orders' partition 2 after 3 attempts: connection refused");
    expect(sink.calls).toBe(3);
    expect(sink.stats.errors).toBe(3);
    expect(sink.pendingRows).toBe(1); // kept: the checkpoint failed, nothing is lost
  });

  it('succeeds when a retry does, counting the failed attempt', async () => {
    const sink = new ScriptedSink((call) => (call === 1 ? new Error('timeout') : undefined));
    sink.add(row('orders', 0, 1));
    await sink.flush();
    expect(sink.values).toEqual([1]);
    expect(sink.stats).toMatchObject({ rows: 1, batches: 1, errors: 1 });
  });

  it('does not retry an error marked not retriable', async () => {
    const sink = new ScriptedSink(() => new SluiceError('relation "orders" does not exist', { retriable: false }));
    sink.add(row('orders', 0, 1));
    await expect(sink.flush()).rejects.toThrow(/could not write 1 rows of topic 'orders' partition 0: relation "orders" does not exist/);
    expect(sink.calls).toBe(1);
  });

  it('on backpressure names the partition it stopped at and those after it, keeping their rows', async () => {
    const sink = new ScriptedSink((_call, batch) => (batch.partition === 1 ? new SinkBackpressureError(500) : undefined));
    for (const r of [row('t', 0, 1), row('t', 1, 2), row('t', 2, 3)]) sink.add(r);
    const error = (await sink.flush().catch((e: unknown) => e)) as SinkBackpressureError;
    expect(error).toBeInstanceOf(SinkBackpressureError);
    expect(error.retryAfterMs).toBe(500);
    expect(error.sink).toBe('scripted');
    expect(error.partitions).toEqual([{ topic: 't', partition: 1 }, { topic: 't', partition: 2 }]);
    expect(sink.values).toEqual([1]);
    expect(sink.stats.backpressured).toBe(1);
    sink.discard(error.partitions);
    expect(sink.pendingRows).toBe(0);
  });

  it('refuses bad options with a ConfigError', () => {
    expect(() => new MemorySink({ name: 'has space' })).toThrow(ConfigError);
    expect(() => new MemorySink({ name: 'ok', attempts: 0 })).toThrow(/attempts/);
  });
});
