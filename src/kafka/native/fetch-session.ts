// Incremental fetch sessions (KIP-227). The first Fetch to a broker is full (SessionId 0, epoch 0)
// and lists every partition; if the broker answers with a session id, later requests (epoch 1, 2,
// ...) list only the partitions whose fetch offset changed since the broker last saw it, plus the
// ones to forget, and the answer only the partitions with news. A session error, or a broker that
// gives no session id (Fetch < v7, or sessions off), means full requests again.
import { ErrorCode } from '../../protocol/error-codes.ts';

/** A partition this client wants to fetch, and from where. */
export interface SessionPartition {
  readonly key: string;
  readonly topic: string;
  readonly partition: number;
  readonly fetchOffset: number;
}

/**
 * What to put in the next Fetch request of a session.
 *
 * @example
 * ```ts
 * const { sessionId, sessionEpoch, toSend, toForget } = session.next(wanted);
 * ```
 */
export interface SessionRequest {
  sessionId: number;
  sessionEpoch: number;
  toSend: SessionPartition[];
  toForget: { topic: string; partition: number }[];
}

const MAX_EPOCH = 0x7fffffff;

/**
 * The client side of one broker's fetch session.
 *
 * @example
 * ```ts
 * const session = new FetchSession(true);
 * const req = session.next(wanted);
 * // ...send it...
 * session.answered(req, response.errorCode, response.sessionId);
 * ```
 */
export class FetchSession {
  private id = 0;
  private epoch = 0;
  /** What the broker's session holds: partition key → fetch offset it last got. */
  private known = new Map<string, SessionPartition>();

  /** `enabled`: the broker speaks Fetch v7+. */
  constructor(private readonly enabled: boolean) {}

  /** The request for fetching `wanted` (every partition this client fetches from the broker now). */
  next(wanted: readonly SessionPartition[]): SessionRequest {
    if (!this.enabled) return { sessionId: 0, sessionEpoch: -1, toSend: [...wanted], toForget: [] };
    if (this.id === 0) return { sessionId: 0, sessionEpoch: 0, toSend: [...wanted], toForget: [] };
    const toSend: SessionPartition[] = [];
    const keep = new Set<string>();
    for (const p of wanted) {
      keep.add(p.key);
      if (this.known.get(p.key)?.fetchOffset !== p.fetchOffset) toSend.push(p);
    }
    const toForget: { topic: string; partition: number }[] = [];
    for (const [key, p] of this.known) if (!keep.has(key)) toForget.push({ topic: p.topic, partition: p.partition });
    return { sessionId: this.id, sessionEpoch: this.epoch, toSend, toForget };
  }

  /**
   * Records the broker's answer to `req`. Returns false when the session was lost (the request
   * must be sent again as a full one).
   */
  answered(req: SessionRequest, errorCode: number, sessionId: number): boolean {
    if (!this.enabled) return true;
    if (errorCode === ErrorCode.FETCH_SESSION_ID_NOT_FOUND || errorCode === ErrorCode.INVALID_FETCH_SESSION_EPOCH) {
      this.reset();
      return false;
    }
    if (req.sessionId === 0) {
      this.id = sessionId;
      this.epoch = 1;
      this.known = new Map(req.toSend.map((p) => [p.key, p]));
      return true;
    }
    this.epoch = this.epoch >= MAX_EPOCH ? 1 : this.epoch + 1;
    for (const p of req.toSend) this.known.set(p.key, p);
    for (const f of req.toForget) this.known.delete(`${f.topic}\u0000${f.partition}`);
    return true;
  }

  /** Starts over with a full request (after a failed request, whose effect on the session is unknown). */
  reset(): void {
    this.id = 0;
    this.epoch = 0;
    this.known.clear();
  }
}
