import type { Logger } from 'pino';
import { ErrorCode } from '../../protocol/error-codes.ts';
import type { FindCoordinatorResponse } from '../../protocol/generated/find-coordinator.ts';
import type { MetadataResponse } from '../../protocol/generated/metadata.ts';
import { BrokerConnection } from './broker-connection.ts';
import { BrokerConnectionError, KafkaProtocolError } from './kafka-protocol-error.ts';

const METADATA = 3;
const FIND_COORDINATOR = 10;

/**
 * One partition as the cluster metadata describes it.
 *
 * @example
 * ```ts
 * const p: PartitionMetadata = { partition: 0, leader: 1, replicas: [1], isr: [1] };
 * ```
 */
export interface PartitionMetadata {
  partition: number;
  /** Node id of the leader; -1 while there is none. */
  leader: number;
  replicas: number[];
  isr: number[];
}

/**
 * Options of a {@link Cluster}.
 *
 * @example
 * ```ts
 * const options: ClusterOptions = { brokerAddress: '127.0.0.1:9092', clientId: 'sluice', logger };
 * ```
 */
export interface ClusterOptions {
  /** Bootstrap `host:port`, comma-separated for several. */
  brokerAddress: string;
  clientId: string;
  logger: Logger;
  connectTimeoutMs?: number;
  requestTimeoutMs?: number;
}

/**
 * What a client knows about the cluster: its brokers, the partitions and leaders of the topics it
 * asked about, and one connection per broker (opened on first use, reopened after a failure).
 * Producers and consumers each have their own, so a long-polling fetch never delays a produce
 * answer on the same connection (a broker answers one connection's requests in order).
 *
 * @example
 * ```ts
 * const cluster = new Cluster({ brokerAddress: 'localhost:9092', clientId: 'app', logger });
 * await cluster.refresh(['words']);
 * const conn = await cluster.leader('words', 0);
 * ```
 */
export class Cluster {
  private readonly bootstrap: { host: string; port: number }[];
  private readonly brokers = new Map<number, { host: string; port: number }>();
  private readonly connections = new Map<number, Promise<BrokerConnection>>();
  private anyConnection: Promise<BrokerConnection> | undefined;
  private readonly topics = new Map<string, PartitionMetadata[]>();
  private readonly coordinators = new Map<string, number>();
  private refreshing: Promise<void> | undefined;
  private refreshTopics = new Set<string>();
  private closed = false;
  controllerId = -1;

  constructor(readonly options: ClusterOptions) {
    this.bootstrap = options.brokerAddress.split(',').map((a) => {
      const i = a.lastIndexOf(':');
      return { host: a.slice(0, i), port: Number(a.slice(i + 1)) };
    });
  }

  /** The partitions of `topic` as last seen, or undefined when it was never looked up or does not exist. */
  partitions(topic: string): readonly PartitionMetadata[] | undefined {
    return this.topics.get(topic);
  }

  /**
   * Looks the topics up again (several callers asking at once share one Metadata request).
   * A topic the broker does not know is forgotten.
   */
  refresh(topics: Iterable<string>): Promise<void> {
    for (const t of topics) this.refreshTopics.add(t);
    this.refreshing ??= (async () => {
      await Promise.resolve(); // let concurrent callers add their topics
      const names = [...this.refreshTopics];
      this.refreshTopics.clear();
      try {
        await this.metadata(names);
      } finally {
        this.refreshing = undefined;
      }
    })();
    return this.refreshing;
  }

  /** Looks up the topics not known yet. */
  async ensure(topics: Iterable<string>): Promise<void> {
    const missing = [...topics].filter((t) => !this.topics.has(t));
    if (missing.length > 0) await this.refresh(missing);
  }

  /**
   * A Metadata request for `topics` (null: every topic), also updating what this cluster knows.
   *
   * @example
   * ```ts
   * const { topics } = await cluster.metadata(null);
   * ```
   */
  async metadata(topics: readonly string[] | null): Promise<MetadataResponse> {
    const res = await this.withAnyBroker(async (conn) => {
      const version = conn.version(METADATA, 1, 9);
      return conn.request<MetadataResponse>(METADATA, version, {
        topics: topics === null ? null : topics.map((name) => ({ name })),
        allowAutoTopicCreation: false,
      });
    });
    for (const b of res.brokers) this.brokers.set(b.nodeId, { host: b.host, port: b.port });
    this.controllerId = res.controllerId ?? -1;
    for (const t of res.topics) {
      if (t.name === null) continue;
      if (t.errorCode === ErrorCode.UNKNOWN_TOPIC_OR_PARTITION) {
        this.topics.delete(t.name);
        continue;
      }
      if (t.errorCode !== ErrorCode.NONE && t.partitions.length === 0) continue;
      this.topics.set(
        t.name,
        t.partitions
          .map((p) => ({ partition: p.partitionIndex, leader: p.leaderId, replicas: p.replicaNodes, isr: p.isrNodes }))
          .sort((a, b) => a.partition - b.partition),
      );
    }
    return res;
  }

  /** The connection to the leader of a partition (looking the topic up when needed). */
  async leader(topic: string, partition: number): Promise<BrokerConnection> {
    let p = this.topics.get(topic)?.[partition];
    if (!p || p.leader < 0) {
      await this.refresh([topic]);
      p = this.topics.get(topic)?.[partition];
    }
    if (!p) throw new KafkaProtocolError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `looking up topic '${topic}' partition ${partition}`);
    if (p.leader < 0) throw new KafkaProtocolError(ErrorCode.LEADER_NOT_AVAILABLE, `looking up the leader of topic '${topic}' partition ${partition}`);
    return this.broker(p.leader);
  }

  /** The connection to broker `nodeId`. */
  broker(nodeId: number): Promise<BrokerConnection> {
    const existing = this.connections.get(nodeId);
    if (existing) return existing;
    const address = this.brokers.get(nodeId);
    if (!address) return Promise.reject(new BrokerConnectionError(`node ${nodeId}`, 'the broker is not in the cluster metadata'));
    return this.open(nodeId, address);
  }

  /**
   * The connection to the coordinator of a group (`keyType` 0) or transactional id (1).
   *
   * @example
   * ```ts
   * const coordinator = await cluster.coordinator(0, 'word-count');
   * ```
   */
  async coordinator(keyType: 0 | 1, key: string): Promise<BrokerConnection> {
    const cacheKey = `${keyType}:${key}`;
    const known = this.coordinators.get(cacheKey);
    if (known !== undefined) return this.broker(known);
    const res = await this.withAnyBroker(async (conn) => {
      const version = conn.version(FIND_COORDINATOR, keyType === 1 ? 1 : 0, 3);
      return conn.request<FindCoordinatorResponse>(FIND_COORDINATOR, version, { key, keyType });
    });
    if ((res.errorCode ?? 0) !== ErrorCode.NONE) throw new KafkaProtocolError(res.errorCode!, `finding the coordinator of '${key}'`, res.errorMessage);
    this.brokers.set(res.nodeId!, { host: res.host!, port: res.port! });
    this.coordinators.set(cacheKey, res.nodeId!);
    return this.broker(res.nodeId!);
  }

  /** Forgets a deleted topic. */
  forgetTopic(topic: string): void {
    this.topics.delete(topic);
  }

  /**
   * Runs `fn` on the coordinator of `key`, finding it again and retrying (with a pause) while the
   * coordinator moved, is loading, or its connection failed — up to `timeoutMs`.
   *
   * @example
   * ```ts
   * const res = await cluster.withCoordinator(0, 'word-count', (conn) => conn.request(12, 3, heartbeat));
   * ```
   */
  async withCoordinator<T>(keyType: 0 | 1, key: string, fn: (conn: BrokerConnection) => Promise<T>, timeoutMs = 30_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (let pause = 100; ; pause = Math.min(pause * 2, 1000)) {
      try {
        return await fn(await this.coordinator(keyType, key));
      } catch (e) {
        const code = e instanceof KafkaProtocolError ? e.code : undefined;
        const moved = code === ErrorCode.NOT_COORDINATOR || code === ErrorCode.COORDINATOR_NOT_AVAILABLE || e instanceof BrokerConnectionError;
        if (!(moved || code === ErrorCode.COORDINATOR_LOAD_IN_PROGRESS) || Date.now() + pause > deadline) throw e;
        if (moved) this.forgetCoordinator(keyType, key);
        await new Promise((r) => setTimeout(r, pause));
      }
    }
  }

  /** Forgets the coordinator of `key` (after NOT_COORDINATOR or a failed connection). */
  forgetCoordinator(keyType: 0 | 1, key: string): void {
    this.coordinators.delete(`${keyType}:${key}`);
  }

  /**
   * Runs `fn` on a connection to some broker, trying the others (and the bootstrap addresses)
   * when the connection fails.
   */
  async withAnyBroker<T>(fn: (conn: BrokerConnection) => Promise<T>): Promise<T> {
    let lastError: unknown;
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        this.anyConnection ??= this.openAny();
        return await fn(await this.anyConnection);
      } catch (e) {
        lastError = e;
        if (!(e instanceof BrokerConnectionError)) throw e;
        this.anyConnection = undefined;
      }
    }
    throw lastError;
  }

  /** Closes every connection. */
  close(): void {
    this.closed = true;
    for (const c of this.connections.values()) void c.then((conn) => conn.close(), () => undefined);
    this.connections.clear();
    void this.anyConnection?.then((conn) => conn.close(), () => undefined);
    this.anyConnection = undefined;
  }

  private async openAny(): Promise<BrokerConnection> {
    const candidates = [...new Map([...this.brokers.values(), ...this.bootstrap].map((b) => [`${b.host}:${b.port}`, b])).values()];
    let lastError: unknown;
    for (const { host, port } of candidates) {
      try {
        const conn = await this.connect(host, port);
        conn.onClose(() => {
          if (this.anyConnection && !this.closed) this.anyConnection = undefined;
        });
        return conn;
      } catch (e) {
        lastError = e;
      }
    }
    throw lastError ?? new BrokerConnectionError(this.options.brokerAddress, 'no broker address to connect to');
  }

  private open(nodeId: number, address: { host: string; port: number }): Promise<BrokerConnection> {
    const opening = this.connect(address.host, address.port).then(
      (conn) => {
        conn.onClose(() => {
          if (this.connections.get(nodeId) === opening) this.connections.delete(nodeId);
        });
        return conn;
      },
      (e: unknown) => {
        this.connections.delete(nodeId);
        throw e;
      },
    );
    this.connections.set(nodeId, opening);
    return opening;
  }

  private connect(host: string, port: number): Promise<BrokerConnection> {
    if (this.closed) return Promise.reject(new BrokerConnectionError(`${host}:${port}`, 'the client is closed'));
    return BrokerConnection.open({
      host,
      port,
      clientId: this.options.clientId,
      ...(this.options.connectTimeoutMs === undefined ? {} : { connectTimeoutMs: this.options.connectTimeoutMs }),
      ...(this.options.requestTimeoutMs === undefined ? {} : { requestTimeoutMs: this.options.requestTimeoutMs }),
    });
  }
}
