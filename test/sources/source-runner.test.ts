import { PassThrough } from 'node:stream';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import type { ProduceMessage } from '../../src/kafka/sluice-producer.ts';
import type { PositionStore } from '../../src/sources/base/position-store.ts';
import type { Source, SourceContext } from '../../src/sources/base/source.ts';
import { SourceError } from '../../src/sources/base/source-error.ts';
import { MAX_UNACKNOWLEDGED, SourceRunner } from '../../src/sources/source-runner.ts';
import { Topic } from '../../src/topics/topic.ts';

/** A producer whose flush acknowledges what was queued, or fails while `down` is set. */
class FakeProducer {
  queued: unknown[] = [];
  acknowledged: unknown[] = [];
  down = false;
  flushDelayMs = 0;
  produce(_topic: Topic<any, any>, message: ProduceMessage<any, any>): void {
    this.queued.push(message.value);
  }
  async flush(): Promise<void> {
    await new Promise((r) => (this.flushDelayMs > 0 ? setTimeout(r, this.flushDelayMs) : setImmediate(r)));
    if (this.down) throw new Error('connection refused');
    this.acknowledged.push(...this.queued);
    this.queued = [];
  }
}

/** Positions in memory; each save records how many messages were acknowledged at that moment. */
class MemoryPositions implements PositionStore {
  saved: Array<{ position: unknown; acknowledged: number }> = [];
  constructor(private readonly producer: FakeProducer, private initial?: unknown) {}
  async load(): Promise<unknown> {
    return this.initial;
  }
  async save(_source: string, _topic: string, position: unknown): Promise<void> {
    this.saved.push({ position, acknowledged: this.producer.acknowledged.length });
  }
}

const silent = pino({ level: 'silent' });

function runner(source: Source<number, string, any>, producer: FakeProducer, positions: PositionStore, extra: { progressStream?: NodeJS.WriteStream } = {}) {
  return new SourceRunner({ source, topic: new Topic<number>('out'), producer, positions, logger: silent, checkpointInterval: 20, ...extra });
}

/** A resumable source producing `n` numbers from its position, pausing every 10 to let checkpoints run. */
function counting(n: number, onProduced?: (i: number, ctx: SourceContext<number, string, number>) => void): Source<number, string, number> {
  return {
    name: 'counting',
    resumable: true,
    async run(ctx) {
      for (let i = ctx.position ?? 0; i < n && !ctx.signal.aborted; i++) {
        ctx.produce({ value: i });
        ctx.setPosition(i + 1);
        onProduced?.(i, ctx);
        if (i % 10 === 9) await ctx.sleep(5);
      }
    },
  };
}

describe('SourceRunner', () => {
  it('stores a position only after every message produced before it is acknowledged', async () => {
    const producer = new FakeProducer();
    const positions = new MemoryPositions(producer);
    const result = await runner(counting(200), producer, positions).run();
    expect(result).toEqual({ produced: 200, position: 200 });
    expect(positions.saved.length).toBeGreaterThan(1); // periodic checkpoints, then the final one
    for (const { position, acknowledged } of positions.saved) expect(acknowledged).toBeGreaterThanOrEqual(position as number);
    expect(positions.saved.at(-1)).toEqual({ position: 200, acknowledged: 200 });
  });

  it('stores the final position even when a periodic checkpoint is under way as the source ends', async () => {
    const producer = new FakeProducer();
    producer.flushDelayMs = 100; // a checkpoint outlasts the 20 ms interval
    const positions = new MemoryPositions(producer);
    const source: Source<number, string, number> = {
      name: 'ends-mid-checkpoint',
      resumable: true,
      async run(ctx) {
        ctx.produce({ value: 0 });
        ctx.setPosition(1);
        await ctx.sleep(40); // the checkpoint of t = 20 ms is flushing until t = 120 ms
        ctx.produce({ value: 1 });
        ctx.setPosition(2);
      },
    };
    const result = await runner(source, producer, positions).run();
    expect(result.position).toBe(2);
    expect(positions.saved.map((s) => s.position)).toEqual([1, 2]);
    expect(positions.saved.at(-1)).toEqual({ position: 2, acknowledged: 2 });
  });

  it('hands the stored position to the next run', async () => {
    const producer = new FakeProducer();
    const positions = new MemoryPositions(producer, 150);
    const result = await runner(counting(200), producer, positions).run();
    expect(result.produced).toBe(50);
    expect(producer.acknowledged[0]).toBe(150);
  });

  it('when delivery fails, fails with a SourceError naming the source and keeps the last delivered position', async () => {
    const producer = new FakeProducer();
    const positions = new MemoryPositions(producer);
    const source = counting(200, (i) => {
      if (i === 120) producer.down = true;
    });
    const error = await runner(source, producer, positions).run().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SourceError);
    expect((error as SourceError).message).toMatch(/source 'counting' could not deliver to topic 'out': connection refused/);
    expect((error as SourceError).retriable).toBe(true);
    const last = positions.saved.at(-1)!;
    expect(last.position as number).toBeLessThanOrEqual(121);
    expect(last.acknowledged).toBeGreaterThanOrEqual(last.position as number);
    // the failed checkpoint stopped the source: it did not go on producing into a dead producer
    expect(producer.acknowledged.length + producer.queued.length).toBeLessThan(200);
  });

  it('a source that throws stops with a SourceError; what it delivered before keeps its position', async () => {
    const producer = new FakeProducer();
    const positions = new MemoryPositions(producer);
    const source = counting(100, (i) => {
      if (i === 42) throw new Error('input went away');
    });
    const error = await runner(source, producer, positions).run().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SourceError);
    expect((error as Error).message).toBe("source 'counting' failed: input went away");
    expect(positions.saved.at(-1)).toEqual({ position: 43, acknowledged: 43 });
  });

  it('asks the source to drain once MAX_UNACKNOWLEDGED messages wait', async () => {
    const producer = new FakeProducer();
    let refusedAt = -1;
    const source: Source<number> = {
      name: 'greedy',
      async run(ctx) {
        for (let i = 0; i < MAX_UNACKNOWLEDGED * 2; i++) {
          if (!ctx.produce({ value: i }) && refusedAt < 0) {
            refusedAt = i;
            await ctx.drain();
          }
        }
      },
    };
    await runner(source, producer, new MemoryPositions(producer)).run();
    expect(refusedAt).toBe(MAX_UNACKNOWLEDGED - 1);
    expect(producer.acknowledged).toHaveLength(MAX_UNACKNOWLEDGED * 2);
  });

  it('stop() aborts the signal and wakes a sleeping source; the final checkpoint is stored', async () => {
    const producer = new FakeProducer();
    const positions = new MemoryPositions(producer);
    const source: Source<number, string, number> = {
      name: 'sleepy',
      resumable: true,
      async run(ctx) {
        ctx.produce({ value: 1 });
        ctx.setPosition(1);
        await ctx.sleep(3_600_000);
      },
    };
    const r = runner(source, producer, positions);
    const done = r.run();
    await new Promise((res) => setTimeout(res, 30));
    r.stop();
    expect(await done).toEqual({ produced: 1, position: 1 });
    expect(positions.saved.at(-1)).toEqual({ position: 1, acknowledged: 1 });
  });

  it('draws a progress bar on a terminal from ctx.progress, and none elsewhere', async () => {
    const source = (): Source<number> => ({
      name: 'barred',
      async run(ctx) {
        for (let i = 0; i < 40; i++) {
          ctx.produce({ value: i });
          ctx.progress(i + 1, 40);
          await ctx.sleep(10);
        }
      },
    });
    const terminal = Object.assign(new PassThrough(), { isTTY: true, columns: 120 }) as unknown as NodeJS.WriteStream;
    let drawn = '';
    terminal.on('data', (d: Buffer) => (drawn += d.toString()));
    const producer = new FakeProducer();
    await runner(source(), producer, new MemoryPositions(producer), { progressStream: terminal }).run();
    expect(drawn).toContain('barred → out');
    expect(drawn).toContain('40/40 messages');
    const pipe = Object.assign(new PassThrough(), { isTTY: false }) as unknown as NodeJS.WriteStream;
    let notDrawn = '';
    pipe.on('data', (d: Buffer) => (notDrawn += d.toString()));
    await runner(source(), producer, new MemoryPositions(producer), { progressStream: pipe }).run();
    expect(notDrawn).toBe('');
  });
});
