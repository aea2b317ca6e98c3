import type { Options } from 'yargs';

/**
 * One process of a stack: an app file run with tsx, its output prefixed with `name` on the console
 * and written to `<logs>/<name>.log`.
 *
 * @example
 * ```ts
 * const producer: StackComponent = { name: 'producer', file: './transactions-producer.ts', args: (o) => ['--rate', String(o.rate)] };
 * ```
 */
export interface StackComponent {
  /** Console prefix and log file name. Letters, digits, `.`, `_`, `-`. */
  name: string;
  /** The app file, relative to the stack file. */
  file: string;
  /** Extra arguments, from the stack's own options (`sluice stack <file> -- --rate 50`); `--broker` is always passed. */
  args?: (options: Record<string, unknown>) => string[];
}

/**
 * What a stack's summary reads: the latest value of every key of the topics it follows.
 *
 * @example
 * ```ts
 * const revenue = view.latest('product-revenue'); // Map<key, value>
 * ```
 */
export interface StackView {
  latest(topic: string): ReadonlyMap<string, unknown>;
}

/**
 * A live summary of a running stack: the topics it follows, and what to show (text every few
 * seconds on the console) and keep (JSON, written to `<logs>/summary.json` at each refresh).
 *
 * @example
 * ```ts
 * const summary: StackSummary = { topics: ['word-counts'], data: (v) => ({ words: v.latest('word-counts').size }), render: (d) => `${(d as any).words} words` };
 * ```
 */
export interface StackSummary {
  topics: string[];
  data(view: StackView): unknown;
  render(data: unknown): string;
}

/**
 * A stack file's default export: the components `sluice stack <file>` starts, the options it
 * takes after `--`, and an optional live summary.
 *
 * @example
 * ```ts
 * // apps/words.stack.ts
 * import type { StackDefinition } from '../src/cli/stack/stack-definition.ts';
 * export default {
 *   description: 'jokes → words → counts',
 *   components: [
 *     { name: 'splitter', file: './text-splitter.ts' },
 *     { name: 'counter', file: './word-counter.ts' },
 *     { name: 'producer', file: './jokes-producer.ts' },
 *   ],
 * } satisfies StackDefinition;
 * ```
 */
export interface StackDefinition {
  description: string;
  components: StackComponent[];
  /** yargs options the stack understands after `--`, handed to each component's `args`. */
  options?: Record<string, Options>;
  summary?: StackSummary;
}
