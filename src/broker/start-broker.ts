import { z } from 'zod';
import { ConfigError } from '../errors.ts';
import { createLogger, type Logger, type LogLevel } from '../logger.ts';
import type { BrokerConfig } from './handler.ts';
import { loadClusterMeta } from './cluster-meta.ts';
import { launchBroker, type BrokerHandle } from './launch-broker.ts';
import { FileLogStorage } from './storage/file-log-storage.ts';
import { FileOffsetStore } from './storage/file-offset-store.ts';
import { FileTransactionStore } from './storage/file-transaction-store.ts';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

const OptionsSchema = z
  .object({
    port: z.number().int().min(0).max(65535).default(9092),
    host: z.string().min(1).default('127.0.0.1'),
    dataDir: z.string().min(1).default('.sluice/data'),
    partitions: z.number().int().min(1).max(10_000).default(1),
    autoCreateTopics: z.boolean().default(true),
    maxFrameBytes: z.number().int().min(1024).default(100 * 1024 * 1024),
    groupInitialRebalanceDelayMs: z.number().int().min(0).default(0),
    retentionCheckIntervalMs: z.number().int().min(10).default(60_000),
    transactionMaxTimeoutMs: z.number().int().min(1).default(900_000),
    transactionAbortCheckIntervalMs: z.number().int().min(10).default(10_000),
    logLevel: z.enum(LOG_LEVELS).optional(),
    logger: z.custom<Logger>((v) => typeof v === 'object' && v !== null && typeof (v as Logger).info === 'function').optional(),
  })
  .strict();

/** Options of `startBroker`; every field is optional. */
export interface BrokerOptions {
  /** TCP port; 0 picks a free one. Default 9092. */
  port?: number;
  /** Interface to listen on and to advertise. Default `127.0.0.1`. */
  host?: string;
  /** Where topics, offsets and the cluster id are kept. Default `.sluice/data`. */
  dataDir?: string;
  /** Partitions of auto-created topics and of CreateTopics with num_partitions -1. Default 1. */
  partitions?: number;
  /** Create unknown topics on Metadata/Produce. Default true. */
  autoCreateTopics?: boolean;
  /** Largest request accepted; a larger frame closes its connection. Default 100 MiB. */
  maxFrameBytes?: number;
  /** `group.initial.rebalance.delay.ms`. Default 0. */
  groupInitialRebalanceDelayMs?: number;
  /** How often retention runs. Default 60000 ms. */
  retentionCheckIntervalMs?: number;
  /** `transaction.max.timeout.ms`: the largest `transaction.timeout.ms` a producer may ask for. Default 900000. */
  transactionMaxTimeoutMs?: number;
  /** How often open transactions are checked against their timeout and aborted past it. Default 10000 ms. */
  transactionAbortCheckIntervalMs?: number;
  /** Level of the broker's own logger (ignored when `logger` is given). */
  logLevel?: LogLevel;
  logger?: Logger;
}

export type { BrokerHandle };

/**
 * Starts the embedded Kafka-compatible broker: one node, durable file storage under `dataDir`,
 * consumer groups, idempotent and transactional producers (with read_committed consumers), and
 * the APIs kafkajs, librdkafka and the Java client use. Resolves once it listens.
 *
 * @example
 * ```ts
 * import { startBroker } from 'sluice';
 * const broker = await startBroker({ port: 0, dataDir: '/tmp/sluice-data' });
 * const kafka = new Kafka({ brokers: [broker.address] });
 * // ...
 * await broker.close();
 * ```
 */
export async function startBroker(options: BrokerOptions = {}): Promise<BrokerHandle> {
  const parsed = OptionsSchema.safeParse(options);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ConfigError(`startBroker option "${issue.path.join('.') || '(root)'}": ${issue.message}; see BrokerOptions for valid values`);
  }
  const o = parsed.data;
  const log = o.logger ?? createLogger('broker', o.logLevel);
  const config: BrokerConfig = Object.freeze({
    defaultPartitions: o.partitions,
    autoCreateTopics: o.autoCreateTopics,
    maxFrameBytes: o.maxFrameBytes,
    groupInitialRebalanceDelayMs: o.groupInitialRebalanceDelayMs,
    transactionMaxTimeoutMs: o.transactionMaxTimeoutMs,
    transactionAbortCheckIntervalMs: o.transactionAbortCheckIntervalMs,
  });
  const meta = loadClusterMeta(o.dataDir);
  const storage = new FileLogStorage({ dataDir: o.dataDir });
  let offsets: FileOffsetStore | undefined;
  let transactionStore: FileTransactionStore | undefined;
  try {
    offsets = new FileOffsetStore({ dataDir: o.dataDir, logger: log });
    transactionStore = new FileTransactionStore({ dataDir: o.dataDir, logger: log });
    return await launchBroker({
      host: o.host, port: o.port, nodeId: meta.nodeId, clusterId: meta.clusterId, config, storage, offsets, transactionStore, log,
      retentionCheckIntervalMs: o.retentionCheckIntervalMs,
    });
  } catch (err) {
    storage.close();
    offsets?.close();
    transactionStore?.close();
    throw err;
  }
}
