import { connect, type Socket } from 'node:net';
import { Reader } from '../../src/protocol/primitives/reader.ts';
import { Writer } from '../../src/protocol/primitives/writer.ts';
import { encodeRequestHeader } from '../../src/protocol/generated/request-header.ts';
import { API_CODECS } from '../../src/protocol/generated/index.ts';
import { requestHeaderVersion, responseHeaderVersion } from '../../src/protocol/header-versions.ts';

/** A minimal Kafka client over the generated codecs, for tests that need exact requests. */
export class RawClient {
  private buf = Buffer.alloc(0);
  private readonly waiting = new Map<number, { apiKey: number; version: number; resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private nextId = 1;
  closed: Promise<void>;

  private constructor(readonly socket: Socket) {
    socket.on('data', (d: Buffer) => this.onData(d));
    this.closed = new Promise((resolve) => socket.on('close', () => {
      for (const w of this.waiting.values()) w.reject(new Error('connection closed'));
      resolve();
    }));
    socket.on('error', () => {});
  }

  static connect(port: number): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      const s = connect(port, '127.0.0.1', () => resolve(new RawClient(s)));
      s.once('error', reject);
    });
  }

  private onData(d: Buffer): void {
    this.buf = Buffer.concat([this.buf, d]);
    while (this.buf.length >= 4 && this.buf.length >= 4 + this.buf.readInt32BE(0)) {
      const size = this.buf.readInt32BE(0);
      const frame = this.buf.subarray(4, 4 + size);
      this.buf = this.buf.subarray(4 + size);
      const r = new Reader(frame);
      const id = r.int32();
      const w = this.waiting.get(id);
      if (!w) continue;
      this.waiting.delete(id);
      if (responseHeaderVersion(w.apiKey, w.version) >= 1) r.uvarint();
      w.resolve(API_CODECS.get(w.apiKey)!.decodeResponse(r, w.version));
    }
  }

  /** Sends a request and resolves with the decoded response. */
  request<T = any>(apiKey: number, version: number, body: unknown): Promise<T> {
    const id = this.nextId++;
    const w = new Writer();
    w.int32(0);
    encodeRequestHeader(w, requestHeaderVersion(apiKey, version), { requestApiKey: apiKey, requestApiVersion: version, correlationId: id, clientId: 'raw' });
    API_CODECS.get(apiKey)!.encodeRequest(w, version, body);
    w.setInt32(0, w.offset - 4);
    return new Promise<T>((resolve, reject) => {
      this.waiting.set(id, { apiKey, version, resolve: resolve as (v: unknown) => void, reject });
      this.socket.write(w.toBuffer());
    });
  }

  /** Sends a request that gets no response (acks=0) and returns its correlation id. */
  send(apiKey: number, version: number, body: unknown): void {
    const w = new Writer();
    w.int32(0);
    encodeRequestHeader(w, requestHeaderVersion(apiKey, version), { requestApiKey: apiKey, requestApiVersion: version, correlationId: this.nextId++, clientId: 'raw' });
    API_CODECS.get(apiKey)!.encodeRequest(w, version, body);
    w.setInt32(0, w.offset - 4);
    this.socket.write(w.toBuffer());
  }

  writeRaw(bytes: Buffer): void {
    this.socket.write(bytes);
  }

  close(): void {
    this.socket.destroy();
  }
}
