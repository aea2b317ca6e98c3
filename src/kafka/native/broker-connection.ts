// One TCP connection to one Kafka broker:
//
// Request  => Size: INT32, RequestHeader (v1: ApiKey INT16, ApiVersion INT16, CorrelationId INT32,
//             ClientId NULLABLE_STRING; v2 adds TAGGED_FIELDS), request body
// Response => Size: INT32, ResponseHeader (v0: CorrelationId INT32; v1 adds TAGGED_FIELDS), body
//
// Requests are pipelined: several may be in flight, the broker answers them in order, and each
// answer is matched to its request by correlation id. ApiVersions is asked first, so each request
// goes out in the highest version both sides speak.
import { connect, type Socket } from 'node:net';
import { API_CODECS } from '../../protocol/generated/index.ts';
import { requestHeaderVersion, responseHeaderVersion } from '../../protocol/header-versions.ts';
import { Reader } from '../../protocol/primitives/reader.ts';
import { Writer } from '../../protocol/primitives/writer.ts';
import { SluiceError } from '../../errors.ts';
import { BrokerConnectionError, KafkaProtocolError } from './kafka-protocol-error.ts';

const API_VERSIONS = 18;

/**
 * Options of {@link BrokerConnection.open}.
 *
 * @example
 * ```ts
 * const options: BrokerConnectionOptions = { host: '127.0.0.1', port: 9092, clientId: 'sluice' };
 * ```
 */
export interface BrokerConnectionOptions {
  host: string;
  port: number;
  clientId: string;
  /** Default 3000 ms. */
  connectTimeoutMs?: number;
  /** How long a request may wait for its answer (Kafka's `request.timeout.ms`); default 30000 ms. */
  requestTimeoutMs?: number;
}

interface Pending {
  readonly apiKey: number;
  readonly version: number;
  readonly resolve: (body: unknown) => void;
  readonly reject: (error: Error) => void;
  readonly timer: NodeJS.Timeout;
}

/**
 * A connection to one broker that sends requests with the generated codecs and matches answers
 * by correlation id; several requests may be in flight.
 *
 * @example
 * ```ts
 * const conn = await BrokerConnection.open({ host: '127.0.0.1', port: 9092, clientId: 'sluice' });
 * const meta = await conn.request<MetadataResponse>(3, conn.version(3, 0, 9), { topics: null, allowAutoTopicCreation: false });
 * conn.close();
 * ```
 */
export class BrokerConnection {
  readonly address: string;
  private readonly pending = new Map<number, Pending>();
  private nextCorrelationId = 1;
  private readonly chunks: Buffer[] = [];
  private buffered = 0;
  private apiVersions = new Map<number, { min: number; max: number }>();
  private failure: Error | undefined;
  private closeListeners: Array<() => void> = [];

  private constructor(
    private readonly socket: Socket,
    private readonly options: BrokerConnectionOptions,
  ) {
    this.address = `${options.host}:${options.port}`;
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', (e) => this.fail(new BrokerConnectionError(this.address, e.message, e)));
    socket.on('close', () => this.fail(new BrokerConnectionError(this.address, 'the connection closed')));
  }

  /**
   * Connects and asks the broker which API versions it speaks.
   *
   * @example
   * ```ts
   * const conn = await BrokerConnection.open({ host: 'localhost', port: 9092, clientId: 'app' });
   * ```
   */
  static async open(options: BrokerConnectionOptions): Promise<BrokerConnection> {
    const address = `${options.host}:${options.port}`;
    const timeoutMs = options.connectTimeoutMs ?? 3000;
    const socket = await new Promise<Socket>((resolve, reject) => {
      const s = connect({ host: options.host, port: options.port });
      const timer = setTimeout(() => {
        s.destroy();
        reject(new BrokerConnectionError(address, `no connection within ${timeoutMs} ms`));
      }, timeoutMs);
      s.once('connect', () => {
        clearTimeout(timer);
        s.removeAllListeners('error');
        resolve(s);
      });
      s.once('error', (e) => {
        clearTimeout(timer);
        reject(new BrokerConnectionError(address, `cannot connect (${e.message})`, e));
      });
    });
    const conn = new BrokerConnection(socket, options);
    try {
      await conn.negotiateVersions();
    } catch (e) {
      conn.close();
      throw e;
    }
    return conn;
  }

  /** Whether the connection failed or was closed. */
  get closed(): boolean {
    return this.failure !== undefined;
  }

  /**
   * The highest version of `apiKey` both this client (`ourMin`..`ourMax`) and the broker speak;
   * throws when there is none.
   *
   * @example
   * ```ts
   * const v = conn.version(0, 3, 9); // Produce
   * ```
   */
  version(apiKey: number, ourMin: number, ourMax: number): number {
    const theirs = this.apiVersions.get(apiKey);
    const max = Math.min(ourMax, theirs?.max ?? -1);
    if (!theirs || max < Math.max(ourMin, theirs.min)) {
      const name = API_CODECS.get(apiKey)?.name ?? `API ${apiKey}`;
      throw new SluiceError(
        `Kafka broker ${this.address} does not speak ${name} v${ourMin}-${ourMax} (it speaks ${theirs ? `v${theirs.min}-${theirs.max}` : 'none'}); use a newer broker`,
      );
    }
    return max;
  }

  /** Whether the broker speaks `apiKey` at all. */
  supports(apiKey: number, minVersion = 0): boolean {
    const theirs = this.apiVersions.get(apiKey);
    return theirs !== undefined && theirs.max >= minVersion;
  }

  /**
   * Sends a request and resolves with the decoded answer. With `expectResponse: false` (Produce
   * with acks 0) it resolves once the bytes are handed to the socket.
   *
   * @example
   * ```ts
   * const res = await conn.request<ListOffsetsResponse>(2, 1, { replicaId: -1, topics: [...] });
   * ```
   */
  request<T>(apiKey: number, version: number, body: unknown, options: { expectResponse?: boolean; timeoutMs?: number } = {}): Promise<T> {
    if (this.failure) return Promise.reject(this.failure);
    const codec = API_CODECS.get(apiKey);
    if (!codec) return Promise.reject(new SluiceError(`no codec for API key ${apiKey}`));
    const correlationId = this.nextCorrelationId;
    this.nextCorrelationId = (this.nextCorrelationId + 1) & 0x7fffffff;
    const w = new Writer(256);
    w.int32(0);
    w.int16(apiKey).int16(version).int32(correlationId).nullableString(this.options.clientId);
    if (requestHeaderVersion(apiKey, version) >= 2) w.uvarint(0);
    codec.encodeRequest(w, version, body);
    w.setInt32(0, w.offset - 4);
    const frame = w.view();
    if (options.expectResponse === false) {
      return new Promise<T>((resolve, reject) => {
        this.socket.write(frame, (e) => (e ? reject(new BrokerConnectionError(this.address, e.message, e)) : resolve(undefined as T)));
      });
    }
    return new Promise<T>((resolve, reject) => {
      const timeoutMs = options.timeoutMs ?? this.options.requestTimeoutMs ?? 30_000;
      const timer = setTimeout(() => {
        this.pending.delete(correlationId);
        reject(new BrokerConnectionError(this.address, `no answer to ${codec.name} v${version} within ${timeoutMs} ms`));
        // Answers come in order: a lost one means the connection can no longer be trusted.
        this.close();
      }, timeoutMs);
      this.pending.set(correlationId, { apiKey, version, resolve: resolve as (b: unknown) => void, reject, timer });
      this.socket.write(frame);
    });
  }

  /** Calls `listener` once when the connection fails or closes. */
  onClose(listener: () => void): void {
    if (this.failure) listener();
    else this.closeListeners.push(listener);
  }

  /** Closes the connection; requests in flight fail with a retriable BrokerConnectionError. */
  close(): void {
    this.fail(new BrokerConnectionError(this.address, 'the connection was closed by the client'));
    this.socket.destroy();
  }

  private async negotiateVersions(): Promise<void> {
    type ApiVersionsResponse = { errorCode: number; apiKeys: { apiKey: number; minVersion: number; maxVersion: number }[] };
    this.apiVersions.set(API_VERSIONS, { min: 0, max: 3 });
    let res = await this.request<ApiVersionsResponse>(API_VERSIONS, 3, { clientSoftwareName: 'sluice', clientSoftwareVersion: '0.1.0' });
    if (res.errorCode === 35) res = await this.request<ApiVersionsResponse>(API_VERSIONS, 0, {}); // UNSUPPORTED_VERSION: ask in v0
    if (res.errorCode !== 0) throw new KafkaProtocolError(res.errorCode, `asking broker ${this.address} for its API versions`);
    this.apiVersions = new Map(res.apiKeys.map((k) => [k.apiKey, { min: k.minVersion, max: k.maxVersion }]));
  }

  private onData(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    while (this.buffered >= 4) {
      const head = this.chunks[0]!.length >= 4 ? this.chunks[0]! : Buffer.concat(this.chunks, 4);
      const size = head.readInt32BE(0);
      if (this.buffered < size + 4) return;
      const frame = this.take(size + 4).subarray(4);
      this.onFrame(frame);
      if (this.failure) return;
    }
  }

  /** Removes `n` bytes from the front of the buffered chunks (without copying when one chunk holds them). */
  private take(n: number): Buffer {
    const first = this.chunks[0]!;
    let out: Buffer;
    if (first.length >= n) {
      out = first.subarray(0, n);
      if (first.length === n) this.chunks.shift();
      else this.chunks[0] = first.subarray(n);
    } else {
      out = Buffer.allocUnsafe(n);
      let at = 0;
      while (at < n) {
        const c = this.chunks[0]!;
        const part = Math.min(c.length, n - at);
        c.copy(out, at, 0, part);
        at += part;
        if (part === c.length) this.chunks.shift();
        else this.chunks[0] = c.subarray(part);
      }
    }
    this.buffered -= n;
    return out;
  }

  private onFrame(frame: Buffer): void {
    const r = new Reader(frame);
    const correlationId = r.int32();
    const p = this.pending.get(correlationId);
    if (!p) {
      this.fail(new BrokerConnectionError(this.address, `answer with unknown correlation id ${correlationId}`));
      this.socket.destroy();
      return;
    }
    this.pending.delete(correlationId);
    clearTimeout(p.timer);
    try {
      if (responseHeaderVersion(p.apiKey, p.version) >= 1) {
        for (let n = r.uvarint(); n > 0; n--) {
          r.uvarint();
          r.skip(r.uvarint());
        }
      }
      p.resolve(API_CODECS.get(p.apiKey)!.decodeResponse(r, p.version));
    } catch (e) {
      p.reject(new BrokerConnectionError(this.address, `cannot decode the answer to API ${p.apiKey} v${p.version}: ${(e as Error).message}`, e));
    }
  }

  private fail(error: Error): void {
    if (this.failure) return;
    this.failure = error;
    for (const p of this.pending.values()) {
      clearTimeout(p.timer);
      p.reject(error);
    }
    this.pending.clear();
    for (const l of this.closeListeners.splice(0)) l();
  }
}
