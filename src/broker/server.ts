import { createServer, type Server, type Socket } from 'node:net';
import type { Logger } from '../logger.ts';
import type { ApiHandler, BrokerContext } from './handler.ts';
import { Connection } from './connection.ts';

/** Options of a `BrokerServer`. */
export interface BrokerServerOptions {
  readonly host: string;
  /** 0 picks a free port. */
  readonly port: number;
  readonly handlers: ReadonlyMap<number, ApiHandler>;
  readonly maxFrameBytes: number;
  readonly log: Logger;
}

/**
 * The broker's TCP listener: accepts connections and hands each to a `Connection`. The context
 * is set once the listening address is known (Metadata advertises it).
 *
 * @example
 * ```ts
 * const server = new BrokerServer({ host: '127.0.0.1', port: 0, handlers, maxFrameBytes: 1 << 20, log });
 * const { port } = await server.listen();
 * server.setContext(contextFor(port));
 * ```
 */
export class BrokerServer {
  private readonly server: Server;
  private readonly sockets = new Set<Socket>();
  private context: BrokerContext | undefined;

  constructor(private readonly opts: BrokerServerOptions) {
    this.server = createServer((socket) => this.accept(socket));
  }

  private accept(socket: Socket): void {
    if (!this.context) {
      socket.destroy();
      return;
    }
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
    new Connection({
      socket,
      handlers: this.opts.handlers,
      context: () => this.context!,
      maxFrameBytes: this.opts.maxFrameBytes,
      log: this.opts.log,
    });
  }

  /** Starts listening; resolves with the bound address. */
  listen(): Promise<{ host: string; port: number }> {
    return new Promise((resolve, reject) => {
      const onError = (err: Error): void => reject(err);
      this.server.once('error', onError);
      this.server.listen(this.opts.port, this.opts.host, () => {
        this.server.off('error', onError);
        // A failed listen is the caller's to report (the CLI says the port is in use); log only later errors.
        this.server.on('error', (err) => this.opts.log.error({ err }, 'broker listener error'));
        const addr = this.server.address();
        if (addr === null || typeof addr === 'string') throw new Error('broker listener has no TCP address');
        resolve({ host: this.opts.host, port: addr.port });
      });
    });
  }

  setContext(context: BrokerContext): void {
    this.context = context;
  }

  /** Number of open client connections. */
  get connectionCount(): number {
    return this.sockets.size;
  }

  /** Stops accepting, closes every connection, resolves once the listener is closed. */
  close(): Promise<void> {
    return new Promise((resolve) => {
      for (const s of this.sockets) s.destroy();
      this.sockets.clear();
      this.server.close(() => resolve());
    });
  }
}
