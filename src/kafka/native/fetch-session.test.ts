import { describe, expect, it } from 'vitest';
import { ErrorCode } from '../../protocol/error-codes.ts';
import { FetchSession, type SessionPartition } from './fetch-session.ts';

const p = (topic: string, partition: number, fetchOffset: number): SessionPartition => ({ key: `${topic}\u0000${partition}`, topic, partition, fetchOffset });

describe('FetchSession (KIP-227)', () => {
  it('sends a full request first, then only changed partitions and the ones to forget', () => {
    const s = new FetchSession(true);
    const first = s.next([p('a', 0, 10), p('a', 1, 20), p('b', 0, 5)]);
    expect(first).toMatchObject({ sessionId: 0, sessionEpoch: 0 });
    expect(first.toSend).toHaveLength(3);
    expect(s.answered(first, ErrorCode.NONE, 99)).toBe(true);

    const second = s.next([p('a', 0, 15), p('a', 1, 20)]); // a/0 moved, a/1 idle, b/0 paused
    expect(second).toMatchObject({ sessionId: 99, sessionEpoch: 1, toForget: [{ topic: 'b', partition: 0 }] });
    expect(second.toSend.map((x) => x.key)).toEqual(['a\u00000']);
    s.answered(second, ErrorCode.NONE, 99);

    const third = s.next([p('a', 0, 15), p('a', 1, 20), p('b', 0, 5)]); // b/0 resumed
    expect(third).toMatchObject({ sessionId: 99, sessionEpoch: 2, toForget: [] });
    expect(third.toSend.map((x) => x.key)).toEqual(['b\u00000']);
  });

  it('starts over with a full request when the broker lost the session, and stays full without sessions', () => {
    const s = new FetchSession(true);
    s.answered(s.next([p('a', 0, 1)]), ErrorCode.NONE, 7);
    const req = s.next([p('a', 0, 2)]);
    expect(s.answered(req, ErrorCode.FETCH_SESSION_ID_NOT_FOUND, 0)).toBe(false);
    expect(s.next([p('a', 0, 2)])).toMatchObject({ sessionId: 0, sessionEpoch: 0 });

    const none = new FetchSession(true);
    none.answered(none.next([p('a', 0, 1)]), ErrorCode.NONE, 0); // the broker offered no session
    expect(none.next([p('a', 0, 1)])).toMatchObject({ sessionId: 0, sessionEpoch: 0 });
    expect(new FetchSession(false).next([p('a', 0, 1)])).toMatchObject({ sessionId: 0, sessionEpoch: -1 });
  });
});
