import { z } from 'zod';
import type { ProcessingError } from '../dataframe/processing-error.ts';
import { ConfigError } from '../errors.ts';
import type { KafkaClientKind } from '../kafka/kafka-client.ts';
import type { LogLevel } from '../logger.ts';
import type { DeserializationError } from '../topics/serialization-errors.ts';

/**
 * Options of `new Application(options)`. Every option is optional.
 *
 * @example
 * ```ts
 * const options: ApplicationOptions = { brokerAddress: 'localhost:9092', consumerGroup: 'word-count', autoOffsetReset: 'earliest' };
 * ```
 */
export interface ApplicationOptions {
  /** Bootstrap `host:port` (comma-separated for several). Default: env SLUICE_BROKER_ADDRESS, else 'localhost:9092'. */
  brokerAddress?: string;
  /** Consumer group id. Default: env SLUICE_CONSUMER_GROUP, else 'sluice-default'. */
  consumerGroup?: string;
  /** Where a group without committed offsets starts. Default 'latest' (as in Quix Streams). */
  autoOffsetReset?: 'earliest' | 'latest';
  /** How often processed offsets are committed, in ms. Default 5000. */
  commitInterval?: number;
  /**
   * Kafka's `session.timeout.ms`: how long the group waits for a member that stopped heartbeating
   * (a crashed or stalled instance) before its partitions go to the others, in ms. Heartbeats are
   * sent every third of it (at most every 3 s). Default 30000; brokers accept 6000 and up by default.
   */
  sessionTimeoutMs?: number;
  /** Kafka client id. Default 'sluice'. */
  clientId?: string;
  /** pino level. Default: env SLUICE_LOG_LEVEL, else 'info'. */
  logLevel?: LogLevel;
  /** How long to keep trying to reach the broker at start, in ms. Default 30000. */
  brokerAvailabilityTimeout?: number;
  /** Create missing topics at start. Default true. */
  autoCreateTopics?: boolean;
  /** Directory of the durable (LMDB) state of stateful steps and windows. Default './state'. */
  stateDir?: string;
  /**
   * Return true to skip (log and count) a message that cannot be deserialized, or a tombstone a
   * frame does not accept (a TombstoneError); otherwise it goes to `deadLetterTopic`, or the app stops.
   */
  onDeserializationError?: (error: DeserializationError) => boolean;
  /** Return true to skip (log and count) a message a callback threw on; otherwise as above. */
  onProcessingError?: (error: ProcessingError) => boolean;
  /** Return true to ignore (log and count) a failed produce; default: stop without committing the batch. */
  onProducerError?: (error: Error) => boolean;
  /**
   * Topic where messages that fail (deserialization, tombstones, a callback throwing) and are not
   * skipped by the callbacks above are written — original key, value bytes and headers plus
   * `sluice.dlq.*` error headers — as part of the batch's checkpoint; processing goes on.
   * Default: env SLUICE_DEAD_LETTER_TOPIC, else none (the app stops at such a message).
   */
  deadLetterTopic?: string;
  /**
   * The Kafka client underneath: 'kafkajs' or 'native' (sluice's own, on its protocol codecs).
   * Default: env SLUICE_CLIENT, else 'kafkajs'.
   */
  client?: KafkaClientKind;
  /**
   * 'at-least-once' (default): a crash may process some messages again, so outputs may repeat.
   * 'exactly-once': outputs, dead letters, changelog records and consumer offsets of a checkpoint
   * are written in one Kafka transaction, so read_committed readers see each result once (sinks
   * stay at-least-once). Default: env SLUICE_PROCESSING_GUARANTEE, else 'at-least-once'.
   */
  processingGuarantee?: ProcessingGuarantee;
}

/**
 * What a crash or rebalance may do to outputs: repeat some ('at-least-once') or nothing visible to
 * read_committed readers ('exactly-once', Kafka transactions).
 *
 * @example
 * ```ts
 * const guarantee: ProcessingGuarantee = 'exactly-once';
 * ```
 */
export type ProcessingGuarantee = 'at-least-once' | 'exactly-once';

/**
 * Validated options with defaults applied; frozen. Read it from `app.config`.
 *
 * @example
 * ```ts
 * const { brokerAddress, consumerGroup } = app.config;
 * ```
 */
export type ApplicationConfig = Readonly<
  Required<Omit<ApplicationOptions, OptionalOption>> & Pick<ApplicationOptions, OptionalOption>
>;

/** Options that stay undefined when not given. */
type OptionalOption = 'onDeserializationError' | 'onProcessingError' | 'onProducerError' | 'deadLetterTopic';

const callback = z.custom<(error: any) => boolean>((v) => typeof v === 'function', { message: 'must be a function returning a boolean' });
const positiveMs = z.number().int().positive();
const logLevels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

const schema = z.strictObject({
  brokerAddress: z.string().regex(/^[^\s,:]+:\d+(,[^\s,:]+:\d+)*$/, 'must be host:port (comma-separated for several)').optional(),
  consumerGroup: z.string().min(1).optional(),
  autoOffsetReset: z.enum(['earliest', 'latest']).optional(),
  commitInterval: positiveMs.optional(),
  sessionTimeoutMs: positiveMs.optional(),
  clientId: z.string().min(1).optional(),
  logLevel: z.enum(logLevels).optional(),
  brokerAvailabilityTimeout: positiveMs.optional(),
  autoCreateTopics: z.boolean().optional(),
  stateDir: z.string().min(1).optional(),
  client: z.enum(['kafkajs', 'native']).optional(),
  processingGuarantee: z.enum(['at-least-once', 'exactly-once']).optional(),
  onDeserializationError: callback.optional(),
  onProcessingError: callback.optional(),
  onProducerError: callback.optional(),
  deadLetterTopic: z.string().regex(/^[A-Za-z0-9._-]{1,249}$/, 'must be a Kafka topic name (letters, digits, ".", "_", "-")').optional(),
});

/**
 * Validates `options`, fills defaults (the only place sluice reads SLUICE_BROKER_ADDRESS,
 * SLUICE_CONSUMER_GROUP, SLUICE_LOG_LEVEL, SLUICE_DEAD_LETTER_TOPIC, SLUICE_CLIENT and SLUICE_PROCESSING_GUARANTEE) and freezes the result. Throws ConfigError naming
 * the first bad option.
 *
 * @example
 * ```ts
 * resolveApplicationConfig({ commitInterval: 1000 }).brokerAddress; // 'localhost:9092' unless SLUICE_BROKER_ADDRESS is set
 * ```
 */
export function resolveApplicationConfig(options: ApplicationOptions = {}, env: NodeJS.ProcessEnv = process.env): ApplicationConfig {
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new ConfigError('Application options must be an object, e.g. new Application({ consumerGroup: "my-app" })');
  }
  const fromEnv = {
    brokerAddress: nonEmpty(env.SLUICE_BROKER_ADDRESS),
    consumerGroup: nonEmpty(env.SLUICE_CONSUMER_GROUP),
    logLevel: nonEmpty(env.SLUICE_LOG_LEVEL),
    deadLetterTopic: nonEmpty(env.SLUICE_DEAD_LETTER_TOPIC),
    client: nonEmpty(env.SLUICE_CLIENT),
    processingGuarantee: nonEmpty(env.SLUICE_PROCESSING_GUARANTEE),
  };
  const parsed = schema.safeParse(options);
  if (!parsed.success) throw toConfigError(parsed.error.issues[0], 'option');
  const envParsed = schema.safeParse(Object.fromEntries(Object.entries(fromEnv).filter(([, v]) => v !== undefined)));
  if (!envParsed.success) throw toConfigError(envParsed.error.issues[0], 'environment variable for option');
  const o = parsed.data;
  const e = envParsed.data;
  if (o.onProducerError && (o.processingGuarantee ?? e.processingGuarantee) === 'exactly-once') {
    throw new ConfigError(
      "Application option 'onProducerError' cannot be used with processingGuarantee 'exactly-once': a failed produce aborts the transaction and its input is processed again, nothing can be skipped. Remove one of them.",
    );
  }
  return Object.freeze({
    brokerAddress: o.brokerAddress ?? e.brokerAddress ?? 'localhost:9092',
    consumerGroup: o.consumerGroup ?? e.consumerGroup ?? 'sluice-default',
    autoOffsetReset: o.autoOffsetReset ?? 'latest',
    commitInterval: o.commitInterval ?? 5000,
    sessionTimeoutMs: o.sessionTimeoutMs ?? 30_000,
    clientId: o.clientId ?? 'sluice',
    logLevel: o.logLevel ?? e.logLevel ?? 'info',
    brokerAvailabilityTimeout: o.brokerAvailabilityTimeout ?? 30_000,
    autoCreateTopics: o.autoCreateTopics ?? true,
    stateDir: o.stateDir ?? './state',
    client: o.client ?? e.client ?? 'kafkajs',
    processingGuarantee: o.processingGuarantee ?? e.processingGuarantee ?? 'at-least-once',
    onDeserializationError: o.onDeserializationError,
    onProcessingError: o.onProcessingError,
    onProducerError: o.onProducerError,
    deadLetterTopic: o.deadLetterTopic ?? e.deadLetterTopic,
  });
}

function nonEmpty(v: string | undefined): string | undefined {
  return v === undefined || v === '' ? undefined : v;
}

function toConfigError(issue: z.core.$ZodIssue, what: string): ConfigError {
  if (issue.code === 'unrecognized_keys') {
    const known = Object.keys(schema.shape).join(', ');
    return new ConfigError(`unknown Application ${what} '${issue.keys[0]}'; known options: ${known}`);
  }
  const name = issue.path.join('.');
  return new ConfigError(`Application ${what} '${name}' is invalid: ${issue.message}`);
}
