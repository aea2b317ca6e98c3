import type { Socket } from 'node:net';
import type { Logger } from '../logger.ts';
import type { ApiHandler, BrokerContext, RequestContext } from './handler.ts';
import { Reader } from '../protocol/primitives/reader.ts';
import { Writer } from '../protocol/primitives/writer.ts';
import { decodeRequestHeader } from '../protocol/generated/request-header.ts';
import { API_CODECS } from '../protocol/generated/index.ts';
import { encodeApiVersionsResponse } from '../protocol/generated/api-versions.ts';
import { requestHeaderVersion, responseHeaderVersion } from '../protocol/header-versions.ts';
import { ErrorCode } from '../protocol/error-codes.ts';
import { advertisedApiVersions } from './handlers/api-versions.ts';

/** What a connection needs from the server that accepted it. */
export interface ConnectionOptions {
  readonly socket: Socket;
  readonly handlers: ReadonlyMap<number, ApiHandler>;
  readonly context: () => BrokerContext;
  readonly maxFrameBytes: number;
  readonly log: Logger;
}

/** A response slot, kept in request order; `bytes` undefined = not answered yet, null = no response. */
interface Pending {
  bytes: Buffer | null | undefined;
}

const API_VERSIONS = 18;
/** apiKey + apiVersion + correlationId. */
const MIN_HEADER = 8;

/**
 * One client connection: splits the byte stream into size-prefixed frames, decodes each request,
 * dispatches it to its handler and writes the responses back in request order, even when a
 * handler answers later (a Fetch long-poll). A malformed or oversized frame, or an API version
 * no handler implements, closes this connection only.
 *
 * @example
 * ```ts
 * server.on('connection', (socket) => new Connection({ socket, handlers, context: () => ctx, maxFrameBytes, log }));
 * ```
 */
export class Connection {
  private readonly chunks: Buffer[] = [];
  private buffered = 0;
  private readonly pending: Pending[] = [];
  private closed = false;
  readonly peer: string;

  constructor(private readonly opts: ConnectionOptions) {
    const { socket, log } = opts;
    this.peer = `${socket.remoteAddress}:${socket.remotePort}`;
    socket.setNoDelay(true);
    log.debug({ peer: this.peer }, 'connection opened');
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', (err) => log.debug({ peer: this.peer, err: err.message }, 'connection error'));
    socket.on('close', () => {
      this.closed = true;
      this.pending.length = 0;
      log.debug({ peer: this.peer }, 'connection closed');
    });
  }

  /** Closes the connection, logging why. */
  private abort(reason: string, details: Record<string, unknown> = {}): void {
    if (this.closed) return;
    this.closed = true;
    this.opts.log.warn({ peer: this.peer, ...details }, `closing connection: ${reason}`);
    this.opts.socket.destroy();
  }

  private onData(chunk: Buffer): void {
    if (this.closed) return;
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    while (!this.closed && this.buffered >= 4) {
      const size = this.peekSize();
      if (size < MIN_HEADER || size > this.opts.maxFrameBytes) {
        this.abort(size < MIN_HEADER ? 'frame too short to hold a request header' : 'frame larger than maxFrameBytes', {
          size,
          maxFrameBytes: this.opts.maxFrameBytes,
        });
        return;
      }
      if (this.buffered < 4 + size) return;
      const frame = this.take(4 + size).subarray(4);
      this.onFrame(frame);
    }
  }

  private peekSize(): number {
    const first = this.chunks[0];
    if (first.length >= 4) return first.readInt32BE(0);
    return this.take(4, true).readInt32BE(0);
  }

  /** Removes `n` bytes from the front of the buffered chunks (or only looks at them). */
  private take(n: number, peek = false): Buffer {
    const first = this.chunks[0];
    if (first.length >= n) {
      if (peek) return first;
      if (first.length === n) this.chunks.shift();
      else this.chunks[0] = first.subarray(n);
      this.buffered -= n;
      return first.subarray(0, n);
    }
    const all = Buffer.concat(this.chunks, this.buffered);
    this.chunks.length = 0;
    this.chunks.push(all);
    return this.take(n, peek);
  }

  private onFrame(frame: Buffer): void {
    const apiKey = frame.readInt16BE(0);
    const apiVersion = frame.readInt16BE(2);
    const correlationId = frame.readInt32BE(4);
    const handler = this.opts.handlers.get(apiKey);
    const codec = API_CODECS.get(apiKey);
    if (!handler || !codec || apiVersion < handler.implemented.min || apiVersion > handler.implemented.max) {
      if (apiKey === API_VERSIONS) {
        this.respondUnsupportedApiVersions(correlationId);
        return;
      }
      this.abort('unsupported API key or version', { apiKey, apiVersion, api: codec?.name ?? 'unknown' });
      return;
    }
    let request: unknown;
    let clientId: string | null;
    try {
      const r = new Reader(frame);
      clientId = decodeRequestHeader(r, requestHeaderVersion(apiKey, apiVersion)).clientId ?? null;
      request = codec.decodeRequest(r, apiVersion);
    } catch (err) {
      this.abort('malformed request', { api: codec.name, apiVersion, err: (err as Error).message });
      return;
    }
    const ctx: RequestContext = { apiKey, apiVersion, correlationId, clientId, peer: this.peer, broker: this.opts.context() };
    const slot: Pending = { bytes: undefined };
    this.pending.push(slot);
    let result: unknown;
    try {
      result = handler.handle(request, ctx);
    } catch (err) {
      this.handlerFailed(codec.name, err);
      return;
    }
    if (result instanceof Promise) {
      result.then(
        (res) => this.complete(slot, ctx, res),
        (err) => this.handlerFailed(codec.name, err),
      );
    } else this.complete(slot, ctx, result);
  }

  private handlerFailed(api: string, err: unknown): void {
    if (this.closed) return;
    this.opts.log.error({ peer: this.peer, api, err }, 'handler failed');
    this.abort('handler failed', { api });
  }

  private complete(slot: Pending, ctx: RequestContext, response: unknown): void {
    if (this.closed) return;
    if (response === undefined) slot.bytes = null;
    else {
      try {
        slot.bytes = this.encode(ctx.apiKey, ctx.apiVersion, ctx.correlationId, response);
      } catch (err) {
        this.handlerFailed(API_CODECS.get(ctx.apiKey)?.name ?? String(ctx.apiKey), err);
        return;
      }
    }
    this.flush();
  }

  private encode(apiKey: number, apiVersion: number, correlationId: number, response: unknown): Buffer {
    const w = new Writer(512);
    w.int32(0);
    w.int32(correlationId);
    if (responseHeaderVersion(apiKey, apiVersion) >= 1) w.uvarint(0);
    API_CODECS.get(apiKey)!.encodeResponse(w, apiVersion, response);
    w.setInt32(0, w.offset - 4);
    return w.view();
  }

  private flush(): void {
    const { socket } = this.opts;
    while (this.pending.length > 0 && this.pending[0].bytes !== undefined) {
      const bytes = this.pending.shift()!.bytes;
      if (bytes) socket.write(bytes);
    }
  }

  /** ApiVersions with a version we do not speak: answer in v0 with UNSUPPORTED_VERSION and the list. */
  private respondUnsupportedApiVersions(correlationId: number): void {
    const w = new Writer(512);
    w.int32(0);
    w.int32(correlationId);
    encodeApiVersionsResponse(w, 0, { errorCode: ErrorCode.UNSUPPORTED_VERSION, apiKeys: advertisedApiVersions(this.opts.handlers) });
    w.setInt32(0, w.offset - 4);
    this.pending.push({ bytes: w.view() });
    this.flush();
  }
}
