// Shared by the app files: command-line flags and "am I the program being run?".
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import yargs, { type Options } from 'yargs';
import { hideBin } from 'yargs/helpers';
import type { ApplicationOptions } from '../src/index.ts';

/** The Application options a processor app's flags set (see {@link AppFlags.appOptions}). */
export type FlagAppOptions = Pick<ApplicationOptions, 'onDeserializationError' | 'onProcessingError' | 'deadLetterTopic' | 'processingGuarantee'>;

/** Flags every app understands. */
export interface AppFlags {
  /** Kafka bootstrap address; default `SLUICE_BROKER_ADDRESS` or `localhost:9092`. */
  broker: string;
  /** How many records to produce (producers only); undefined = all. */
  count?: number;
  /** Records per second (producers only); 0 = as fast as possible. */
  rate: number;
  /** Stop after this many seconds (consumers); undefined = until Ctrl-C. */
  seconds?: number;
  /**
   * Processors: what `--skip-bad-messages` (skip, log and count messages that cannot be
   * deserialized or that a step throws on), `--dead-letter-topic NAME` (write them there) and
   * `--guarantee` ask for; spread into the app's options.
   */
  appOptions: FlagAppOptions;
}

/** What `parseAppFlags` needs to know about an app. */
export interface AppSpec {
  /** File name without `.ts`, e.g. `jokes-producer`. */
  name: string;
  /** One line for `--help`. */
  description: string;
  /** Producers take `--count` and `--rate`; processors take `--seconds`. */
  kind: 'producer' | 'processor';
  /** The app's own flags (yargs options by name), returned beside the common ones. */
  options?: Record<string, Options>;
}

/**
 * Parses an app's flags from `process.argv` (strict: unknown flags are errors naming the flag).
 *
 * @example
 * ```ts
 * const flags = parseAppFlags({ name: 'jokes-producer', description: 'Produces the jokes', kind: 'producer' });
 * const own = parseAppFlags<{ lowStock: number }>({ name: 'inventory-service', description: '...', kind: 'processor', options: { 'low-stock': { type: 'number', default: 50 } } });
 * ```
 */
export function parseAppFlags<E extends object = object>(spec: AppSpec, argv: string[] = hideBin(process.argv)): AppFlags & E {
  let cli = yargs(argv)
    .scriptName(spec.name)
    .usage(`$0 [options]\n\n${spec.description}`)
    .option('broker', {
      type: 'string',
      default: process.env.SLUICE_BROKER_ADDRESS ?? 'localhost:9092',
      describe: 'Kafka bootstrap address host:port',
    })
    .example(`npx tsx apps/${spec.name}.ts --broker localhost:9092`, 'Run against a local broker')
    .example(`npx sluice run apps/${spec.name}.ts --broker localhost:9092`, 'The same through the sluice CLI');
  cli =
    spec.kind === 'producer'
      ? cli
          .option('count', { type: 'number', describe: 'How many records to produce (default: all)' })
          .option('rate', { type: 'number', default: 0, describe: 'Records per second, 0 = as fast as possible' })
      : cli
          .option('seconds', { type: 'number', describe: 'Stop after this many seconds (default: run until Ctrl-C)' })
          .option('skip-bad-messages', {
            type: 'boolean',
            describe: 'Skip (log and count) messages that cannot be deserialized or that a step fails on, instead of stopping',
          })
          .option('dead-letter-topic', {
            type: 'string',
            describe: 'Write messages that cannot be deserialized or that a step fails on to this topic (with the error in headers) and go on',
          })
          .option('guarantee', {
            choices: ['at-least-once', 'exactly-once'] as const,
            describe: "Processing guarantee (default: SLUICE_PROCESSING_GUARANTEE, else at-least-once); 'exactly-once' uses Kafka transactions",
          })
          .conflicts('skip-bad-messages', 'dead-letter-topic')
          .example(`npx tsx apps/${spec.name}.ts --dead-letter-topic ${spec.name}-dlq`, 'Park bad messages; read them with: npx sluice consume <topic> --from-beginning');
  if (spec.options) cli = cli.options(spec.options) as unknown as typeof cli;
  const parsed = cli.strict().help().parseSync() as Record<string, unknown> & {
    broker: string;
    count?: number;
    rate?: number;
    seconds?: number;
    'skip-bad-messages'?: boolean;
    'dead-letter-topic'?: string;
    guarantee?: 'at-least-once' | 'exactly-once';
  };
  const own = Object.fromEntries(Object.keys(spec.options ?? {}).map((name) => [camel(name), parsed[name]]));
  return { ...(own as E), broker: parsed.broker, count: parsed.count, rate: parsed.rate ?? 0, seconds: parsed.seconds, appOptions: flagAppOptions(parsed) };
}

function flagAppOptions(parsed: { 'skip-bad-messages'?: boolean; 'dead-letter-topic'?: string; guarantee?: 'at-least-once' | 'exactly-once' }): FlagAppOptions {
  const guarantee: FlagAppOptions = parsed.guarantee ? { processingGuarantee: parsed.guarantee } : {};
  if (parsed['dead-letter-topic']) return { ...guarantee, deadLetterTopic: parsed['dead-letter-topic'] };
  if (parsed['skip-bad-messages']) return { ...guarantee, onDeserializationError: () => true, onProcessingError: () => true };
  return guarantee;
}

/** `initial-stock` → `initialStock`. */
function camel(name: string): string {
  return name.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
}

/**
 * True when the module at `moduleUrl` is the program being run (`tsx apps/x.ts` or
 * `sluice run apps/x.ts`), false when a test or the demo imports it.
 *
 * @example
 * ```ts
 * if (isMain(import.meta.url)) await main();
 * ```
 */
export function isMain(moduleUrl: string): boolean {
  const entry = process.argv[1];
  if (!entry) return false;
  try {
    return realpathSync(fileURLToPath(moduleUrl)) === realpathSync(entry);
  } catch {
    return false;
  }
}
