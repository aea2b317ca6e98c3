import type { Logger } from '../logger.ts';
import type { ApiHandler, BrokerConfig, BrokerContext } from './handler.ts';
import type { LogStorage, OffsetStore } from './storage/log-storage.ts';
import { GroupCoordinator } from './coordinator/group-coordinator.ts';
import { TransactionCoordinator } from './transactions/transaction-coordinator.ts';
import type { TransactionStore } from './transactions/transaction-store.ts';
import { FetchSessionCache } from './fetch-sessions/fetch-session-cache.ts';
import { BrokerServer } from './server.ts';
import { createHandlerRegistry } from './handlers/index.ts';

/** A running broker. */
export interface BrokerHandle {
  /** `host:port` to give clients as their bootstrap broker. */
  readonly address: string;
  readonly host: string;
  readonly port: number;
  /** Stops listening, closes connections, the coordinator and the storage. Safe to call twice. */
  close(): Promise<void>;
}

/** Everything `launchBroker` wires together (already opened and validated). */
export interface LaunchBrokerOptions {
  readonly host: string;
  readonly port: number;
  readonly nodeId: number;
  readonly clusterId: string;
  readonly config: BrokerConfig;
  readonly storage: LogStorage;
  readonly offsets: OffsetStore;
  /** The transaction coordinator's durable log. */
  readonly transactionStore: TransactionStore;
  readonly log: Logger;
  /** How often retention runs, in ms. */
  readonly retentionCheckIntervalMs: number;
  /** Handlers replacing built-in ones (tests). */
  readonly extraHandlers?: readonly ApiHandler[];
}

/**
 * Starts the network server over an opened storage: builds the handler registry, the group
 * coordinator and the transaction coordinator (which first finishes transactions a crash
 * interrupted), listens, and runs retention on an unref'd timer. `startBroker` is the public
 * entry; this is the seam tests use with in-memory storage.
 *
 * @example
 * ```ts
 * const broker = await launchBroker({ host: '127.0.0.1', port: 0, nodeId: 0, clusterId, config, storage, offsets, transactionStore, log, retentionCheckIntervalMs: 60000 });
 * await broker.close();
 * ```
 */
export async function launchBroker(opts: LaunchBrokerOptions): Promise<BrokerHandle> {
  const { storage, offsets, log, config } = opts;
  const coordinator = new GroupCoordinator({ offsets, logger: log, initialRebalanceDelayMs: config.groupInitialRebalanceDelayMs });
  const transactions = new TransactionCoordinator({
    store: opts.transactionStore,
    storage,
    offsets: coordinator,
    logger: log,
    maxTimeoutMs: config.transactionMaxTimeoutMs,
    abortCheckIntervalMs: config.transactionAbortCheckIntervalMs,
  });
  const server = new BrokerServer({
    host: opts.host,
    port: opts.port,
    handlers: createHandlerRegistry(opts.extraHandlers),
    maxFrameBytes: config.maxFrameBytes,
    log,
  });
  let bound: { host: string; port: number };
  try {
    bound = await server.listen();
  } catch (err) {
    coordinator.close();
    transactions.close();
    throw err;
  }
  const context: BrokerContext = {
    identity: Object.freeze({ nodeId: opts.nodeId, host: bound.host, port: bound.port, clusterId: opts.clusterId }),
    storage,
    offsets,
    coordinator,
    transactions,
    fetchSessions: new FetchSessionCache(),
    config,
    log,
  };
  server.setContext(context);
  const retention = setInterval(() => {
    try {
      storage.enforceRetention(Date.now());
    } catch (err) {
      log.error({ err }, 'retention failed');
    }
  }, opts.retentionCheckIntervalMs);
  retention.unref();
  log.info({ address: `${bound.host}:${bound.port}`, clusterId: opts.clusterId }, 'broker listening');
  let closing: Promise<void> | undefined;
  return {
    address: `${bound.host}:${bound.port}`,
    host: bound.host,
    port: bound.port,
    close() {
      closing ??= (async () => {
        clearInterval(retention);
        await server.close();
        transactions.close();
        coordinator.close();
        storage.close();
        offsets.close();
        opts.transactionStore.close();
        log.info({ address: `${bound.host}:${bound.port}` }, 'broker stopped');
      })();
      return closing;
    },
  };
}
