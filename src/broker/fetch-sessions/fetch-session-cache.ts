import { randomInt } from 'node:crypto';
import { ErrorCode } from '../../protocol/error-codes.ts';
import { FetchSession, type FetchTarget } from './fetch-session.ts';

/** A fetch as the session cache sees it (Fetch v7+). */
export interface FetchSessionRequest {
  readonly sessionId: number;
  readonly sessionEpoch: number;
  /** The partitions named in the request. */
  readonly targets: readonly FetchTarget[];
  readonly forgotten: readonly { readonly topic: string; readonly partition: number }[];
}

/**
 * How to answer a fetch: an error (unknown session, wrong epoch), a full answer without a session
 * (epoch -1, or no room for a new session), a full answer that opens a session (epoch 0), or an
 * incremental answer within a session.
 */
export type FetchContext =
  | { readonly kind: 'error'; readonly errorCode: number }
  | { readonly kind: 'sessionless'; readonly targets: readonly FetchTarget[] }
  | { readonly kind: 'full'; readonly session: FetchSession; readonly targets: readonly FetchTarget[] }
  | { readonly kind: 'incremental'; readonly session: FetchSession; readonly targets: readonly FetchTarget[] };

/** Options of {@link FetchSessionCache}. */
export interface FetchSessionCacheOptions {
  /** `max.incremental.fetch.session.cache.slots`: sessions kept; the least recently used is evicted for a new one. Default 1000. */
  readonly maxSessions?: number;
  readonly clock?: () => number;
}

const INITIAL_EPOCH = 0;
const FINAL_EPOCH = -1;

/**
 * The broker's fetch sessions (KIP-227), shared by all connections as in Kafka: a client opens a
 * session with a full fetch (epoch 0), then sends only the partitions whose position changed and
 * gets back only partitions with news; epoch -1 closes the session. Sessions live in memory (a
 * restarted broker answers FETCH_SESSION_ID_NOT_FOUND and clients open a new one).
 *
 * @example
 * ```ts
 * const sessions = new FetchSessionCache({ maxSessions: 1000 });
 * const context = sessions.open({ sessionId: 0, sessionEpoch: 0, targets, forgotten: [] }); // kind 'full'
 * ```
 */
export class FetchSessionCache {
  /** In least-recently-used order (a Map keeps insertion order; a used session is re-inserted). */
  private readonly sessions = new Map<number, FetchSession>();
  private readonly maxSessions: number;
  private readonly clock: () => number;

  constructor(options: FetchSessionCacheOptions = {}) {
    this.maxSessions = options.maxSessions ?? 1000;
    this.clock = options.clock ?? Date.now;
  }

  /** Number of open sessions. */
  get size(): number {
    return this.sessions.size;
  }

  /** Decides how to answer `req`, opening, updating or closing its session. */
  open(req: FetchSessionRequest): FetchContext {
    const now = this.clock();
    if (req.sessionEpoch === FINAL_EPOCH || req.sessionEpoch === INITIAL_EPOCH) {
      if (req.sessionId !== 0) this.sessions.delete(req.sessionId);
      if (req.sessionEpoch === FINAL_EPOCH) return { kind: 'sessionless', targets: req.targets };
      const session = this.create(req.targets, now);
      return session === null ? { kind: 'sessionless', targets: req.targets } : { kind: 'full', session, targets: req.targets };
    }
    const session = this.sessions.get(req.sessionId);
    if (session === undefined) return { kind: 'error', errorCode: ErrorCode.FETCH_SESSION_ID_NOT_FOUND };
    if (session.epoch !== req.sessionEpoch) return { kind: 'error', errorCode: ErrorCode.INVALID_FETCH_SESSION_EPOCH };
    session.update(req.targets, req.forgotten, now);
    this.sessions.delete(session.id);
    this.sessions.set(session.id, session);
    return { kind: 'incremental', session, targets: session.targets() };
  }

  /** Drops every session (the broker stops). */
  clear(): void {
    this.sessions.clear();
  }

  private create(targets: readonly FetchTarget[], now: number): FetchSession | null {
    if (this.maxSessions <= 0) return null;
    while (this.sessions.size >= this.maxSessions) this.sessions.delete(this.sessions.keys().next().value!);
    let id: number;
    do id = randomInt(1, 0x7fffffff);
    while (this.sessions.has(id));
    const session = new FetchSession(id, targets, now);
    this.sessions.set(id, session);
    return session;
  }
}
