import type { Logger } from '../logger.ts';
import type { LogStorage, OffsetStore } from './storage/log-storage.ts';
import type { GroupCoordinator } from './coordinator/group-coordinator.ts';
import type { TransactionCoordinator } from './transactions/transaction-coordinator.ts';
import type { FetchSessionCache } from './fetch-sessions/fetch-session-cache.ts';

/** Static facts about this broker that handlers answer with. */
export interface BrokerIdentity {
  readonly nodeId: number;
  readonly host: string;
  readonly port: number;
  readonly clusterId: string;
}

/** Everything a handler may use. Handlers hold no state of their own. */
export interface BrokerContext {
  readonly identity: BrokerIdentity;
  readonly storage: LogStorage;
  readonly offsets: OffsetStore;
  readonly coordinator: GroupCoordinator;
  readonly transactions: TransactionCoordinator;
  /** Incremental fetch sessions (KIP-227), shared by all connections. */
  readonly fetchSessions: FetchSessionCache;
  readonly config: BrokerConfig;
  readonly log: Logger;
}

/** Broker-wide settings (validated once, frozen). */
export interface BrokerConfig {
  /** Partitions of an auto-created topic. */
  readonly defaultPartitions: number;
  readonly autoCreateTopics: boolean;
  /** Largest request frame accepted, in bytes; a larger one closes the connection. */
  readonly maxFrameBytes: number;
  readonly groupInitialRebalanceDelayMs: number;
  /** `transaction.max.timeout.ms`: the largest transaction timeout a producer may ask for. */
  readonly transactionMaxTimeoutMs: number;
  /** How often open transactions are checked against their timeout (Kafka: 10000). */
  readonly transactionAbortCheckIntervalMs: number;
}

/** One request as the connection decoded it. */
export interface RequestContext {
  readonly apiKey: number;
  readonly apiVersion: number;
  readonly correlationId: number;
  readonly clientId: string | null;
  /** `host:port` of the peer, for logs. */
  readonly peer: string;
  readonly broker: BrokerContext;
}

/**
 * One Kafka API served by the broker: the versions it implements, the range it advertises in
 * ApiVersions, and the function that answers a decoded request. Returning `undefined` sends no
 * response (Produce with acks=0). Handlers are registered in `handlers/index.ts`; the ApiVersions
 * answer is built from that registry.
 */
export interface ApiHandler<Req = unknown, Res = unknown> {
  readonly apiKey: number;
  readonly name: string;
  /** Versions this handler decodes and answers. */
  readonly implemented: { readonly min: number; readonly max: number };
  /** Versions advertised in ApiVersions (may start lower so librdkafka's probes find the API). */
  readonly advertised: { readonly min: number; readonly max: number };
  handle(request: Req, ctx: RequestContext): Res | undefined | Promise<Res | undefined>;
}
