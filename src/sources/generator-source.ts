import { z } from 'zod';
import { ConfigError } from '../errors.ts';
import type { ProduceMessage } from '../kafka/sluice-producer.ts';
import type { Source, SourceContext } from './base/source.ts';

/**
 * Options of a {@link GeneratorSource}.
 *
 * @example
 * ```ts
 * const opts: GeneratorSourceOptions<{ n: number }> = { name: 'numbers', count: 100, rate: 10, generate: (i) => ({ key: String(i), value: { n: i } }) };
 * ```
 */
export interface GeneratorSourceOptions<V, K = string> {
  /** Names the source and its default topic. Letters, digits, `.`, `_`, `-`. */
  name: string;
  /** Makes message number `i` (0, 1, 2, ...). */
  generate: (i: number) => ProduceMessage<V, K>;
  /** How many messages; default: until the app stops. */
  count?: number;
  /** Messages per second; 0 or undefined = as fast as the broker takes them. */
  rate?: number;
}

/** How often a rate-limited generator wakes up to produce what is due. */
const TICK_MS = 50;
/** Messages an unlimited generator produces between two looks at the event loop. */
const CHUNK = 1000;

/** Topic-name-safe source names (they name topics). */
export const SOURCE_NAME = z.string().regex(/^[a-zA-Z0-9._-]{1,200}$/, 'must be 1-200 letters, digits, ".", "_" or "-" (it names topics)');

const schema = z.strictObject({
  name: SOURCE_NAME,
  generate: z.custom<(i: number) => unknown>((v) => typeof v === 'function', { message: 'must be a function (i) => ({ key, value })' }),
  count: z.number().int().nonnegative().optional(),
  rate: z.number().nonnegative().finite().optional(),
});

/**
 * A source that makes its messages with a function: `count` of them (or until the app stops), at
 * `rate` per second (or as fast as the broker acknowledges them). The pace is kept against the
 * start time, so a slow moment is caught up. It keeps no position: each run generates afresh.
 *
 * @example
 * ```ts
 * import { faker } from '@faker-js/faker';
 * const clicks = new GeneratorSource({
 *   name: 'clicks',
 *   rate: 50,
 *   generate: () => { const c = { user: faker.internet.username(), page: faker.internet.url() }; return { key: c.user, value: c }; },
 * });
 * app.dataframe(clicks).print();
 * await app.run();
 * ```
 */
export class GeneratorSource<V, K = string> implements Source<V, K> {
  readonly name: string;
  readonly resumable = false;
  private readonly options: Readonly<GeneratorSourceOptions<V, K>>;

  constructor(options: GeneratorSourceOptions<V, K>) {
    const parsed = schema.safeParse(options);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      const field = issue.code === 'unrecognized_keys' ? `'${issue.keys[0]}' (unknown; known: ${Object.keys(schema.shape).join(', ')})` : `'${issue.path.join('.')}'`;
      throw new ConfigError(`GeneratorSource option ${field} is invalid${issue.code === 'unrecognized_keys' ? '' : `: ${issue.message}`}`);
    }
    this.options = Object.freeze({ ...options });
    this.name = options.name;
  }

  async run(ctx: SourceContext<V, K>): Promise<void> {
    const { generate, count = Infinity, rate = 0 } = this.options;
    const started = Date.now();
    let i = 0;
    while (i < count && !ctx.signal.aborted) {
      // rate-limited: every message due by now (message i is due at i / rate s); unlimited: one chunk
      const due = rate > 0 ? Math.min(count, Math.floor(((Date.now() - started) / 1000) * rate) + 1) : Math.min(count, i + CHUNK);
      let mustDrain = false;
      for (; i < due && i < count; i++) mustDrain = !ctx.produce(generate(i)) || mustDrain;
      if (Number.isFinite(count)) ctx.progress(i, count);
      if (mustDrain) await ctx.drain();
      // until the next message is due, but wake at most every TICK_MS when messages are closer than that
      if (rate > 0 && i < count) await ctx.sleep(Math.max(1, started + (i / rate) * 1000 - Date.now(), 1000 / rate < TICK_MS ? TICK_MS : 0));
      else if (!mustDrain) await new Promise((r) => setImmediate(r));
    }
  }
}
