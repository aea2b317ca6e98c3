import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ConfigError } from '../../src/errors.ts';
import { GeneratorSource } from '../../src/sources/generator-source.ts';
import { fakeSourceContext } from './fake-source-context.ts';

describe('GeneratorSource', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(1_000_000);
  });
  afterEach(() => vi.useRealTimers());

  it('produces message i no earlier than i / rate seconds after the start', async () => {
    const ctx = fakeSourceContext<{ i: number }>();
    await new GeneratorSource({ name: 'paced', count: 30, rate: 10, generate: (i) => ({ key: String(i), value: { i } }) }).run(ctx);
    expect(ctx.produced.map((m) => m.value.i)).toEqual(Array.from({ length: 30 }, (_, i) => i));
    for (const [i, m] of ctx.produced.entries()) expect(m.at - 1_000_000).toBeGreaterThanOrEqual(i * 100);
    // and not much later: each message within one tick of when it was due
    for (const [i, m] of ctx.produced.entries()) expect(m.at - 1_000_000).toBeLessThanOrEqual(i * 100 + 50);
    expect(ctx.progressReports.at(-1)).toEqual({ done: 30, total: 30, unit: undefined });
  });

  it('at a high rate wakes every 50 ms and produces what is due in one go', async () => {
    const ctx = fakeSourceContext<number>();
    await new GeneratorSource<number>({ name: 'fast', count: 1000, rate: 2000, generate: (i) => ({ value: i }) }).run(ctx);
    expect(ctx.produced).toHaveLength(1000);
    expect(Math.min(...ctx.slept)).toBeGreaterThanOrEqual(50);
    expect(ctx.slept.length).toBeLessThanOrEqual(11); // 1000 messages at 2000/s = 0.5 s of 50 ms ticks
  });

  it('catches up after a stall instead of shifting the schedule', async () => {
    const ctx = fakeSourceContext<number>();
    let stalled = false;
    const source = new GeneratorSource<number>({
      name: 'stall',
      count: 20,
      rate: 10,
      generate: (i) => {
        if (i === 5 && !stalled) {
          stalled = true;
          vi.setSystemTime(Date.now() + 1000); // a 1 s pause while making message 5
        }
        return { value: i };
      },
    });
    await source.run(ctx);
    // 20 messages at 10/s are due by 1.9 s whatever happened on the way
    expect(ctx.produced.at(-1)!.at - 1_000_000).toBeLessThanOrEqual(1950);
  });

  it('without a count runs until the app stops, and without a rate does not sleep', async () => {
    const ctx = fakeSourceContext<number>({ stopAfter: 4321 });
    await new GeneratorSource<number>({ name: 'unbounded', generate: (i) => ({ value: i }) }).run(ctx);
    expect(ctx.produced.length).toBeGreaterThanOrEqual(4321);
    expect(ctx.produced.length).toBeLessThanOrEqual(5000); // stops at the end of the chunk it was in
    expect(ctx.slept).toEqual([]);
    expect(ctx.progressReports).toEqual([]);
  });

  it('rejects bad options with a ConfigError naming the option', () => {
    const generate = (i: number) => ({ value: i });
    expect(() => new GeneratorSource({ name: 'bad name!', generate })).toThrow(ConfigError);
    expect(() => new GeneratorSource({ name: 'x', generate, rate: -1 })).toThrow(/option 'rate' is invalid/);
    expect(() => new GeneratorSource({ name: 'x', generate, count: 1.5 })).toThrow(/option 'count' is invalid/);
    expect(() => new GeneratorSource({ name: 'x', generate, speed: 3 } as never)).toThrow(/'speed' \(unknown; known: name, generate, count, rate\)/);
  });
});
