import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import type { CommitOffset, GroupMetadata } from '../kafka/group-consumer.ts';
import { ProducerFencedError } from '../kafka/producer-fenced-error.ts';
import type { TransactionalProducer, TransactionalProducerOptions } from '../kafka/transactional-producer.ts';
import type { OutgoingRecord, TopicPartition } from '../topics/message-context.ts';
import { SinkBackpressureError } from '../sinks/base/sink-backpressure-error.ts';
import { ExactlyOnceCheckpoint } from './exactly-once-checkpoint.ts';
import type { BatchResult } from './processor.ts';

const logger = pino({ level: 'silent' });
const record = (topic: string, value: string): OutgoingRecord => ({ topic, key: null, value: Buffer.from(value), headers: {}, timestamp: 0 });
const result = (last: number, produced: OutgoingRecord[]): BatchResult => ({ produced, changelog: [], lastProcessedOffset: last });
const tp = (partition: number): TopicPartition => ({ topic: 'in', partition });
const name = (p: TopicPartition): string => `${p.topic}[${p.partition}]`;

/**
 * A checkpoint over fake transactional producers, consumer and state that write what happens to
 * `steps`; `fail(step)` makes the next producer call of that kind fail with the error it returns.
 */
function harness(options: { groupMetadata?: boolean; committed?: CommitOffset[]; flushError?: () => Error | undefined } = {}) {
  const steps: string[] = [];
  const failures = new Map<string, () => Error>();
  const producers: string[] = [];
  const step = (id: string, what: string): void => {
    const failure = failures.get(what);
    if (failure) {
      failures.delete(what);
      throw failure();
    }
    steps.push(`${id} ${what}`);
  };
  const producer = (o: TransactionalProducerOptions): TransactionalProducer => {
    producers.push(o.transactionalId);
    const id = o.transactionalId;
    return {
      supportsGroupMetadata: options.groupMetadata ?? false,
      begin: async () => step(id, 'begin'),
      send: async (records) => {
        if (records.length > 0) step(id, `send ${records.map((r) => `${r.topic}:${r.value}`).join(',')}`);
      },
      sendOffsets: async (offsets: readonly CommitOffset[], group: GroupMetadata) =>
        step(id, `offsets ${offsets.map((c) => `${c.topic}[${c.partition}]=${c.offset}`).join(',')} gen ${group.generationId}`),
      commit: async () => step(id, 'commit'),
      abort: async () => step(id, 'abort'),
      close: async () => void steps.push(`${id} close`),
    };
  };
  const checkpoint = new ExactlyOnceCheckpoint({
    client: {
      transactionalProducer: producer,
      admin: { committedOffsets: async () => options.committed ?? [] } as never,
    },
    consumer: {
      groupMetadata: () => ({ groupId: 'g', generationId: 7, memberId: 'm', groupInstanceId: null }),
      seek: (p, offset) => void steps.push(`seek ${name(p)} ${offset}`),
      pause: (ps) => void steps.push(`pause ${ps.map(name).join(',')}`),
      resume: (ps) => void steps.push(`resume ${ps.map(name).join(',')}`),
    },
    groupId: 'g',
    instanceId: 'i1',
    state: {
      prepare: (ps) => ps.map((p) => record('changelog', name(p))),
      commit: (ps) => void steps.push(`state commit ${ps.map(name).join(',')}`),
      discard: (ps) => void steps.push(`state discard ${ps.map(name).join(',')}`),
    },
    participants: [{ flush: async (ps) => {
      const error = options.flushError?.();
      if (error) throw error;
      steps.push(`sink flush ${(ps ?? []).map(name).join(',')}`);
    }, discard: (ps) => void steps.push(`sink discard ${ps.map(name).join(',')}`) }],
    logger,
    reassignTimeoutMs: 60_000,
  });
  return { checkpoint, steps, producers, fail: (what: string, error: () => Error) => failures.set(what, error) };
}

describe('ExactlyOnceCheckpoint with a client without KIP-447 (kafkajs)', () => {
  it('gives every input partition its own transactional producer, begun (InitProducerId) when the partition is assigned', async () => {
    const { checkpoint, steps, producers } = harness();
    expect(await checkpoint.assign([tp(0), tp(1)])).toEqual([]);
    expect(producers).toEqual(['g:instance:i1', 'g:in:0', 'g:in:1']);
    expect(steps).toEqual(['g:instance:i1 close', 'g:in:0 begin', 'g:in:1 begin']);
  });

  it('commits outputs, sinks, changelog and offsets in the partition’s transaction, then state', async () => {
    const { checkpoint, steps } = harness();
    await checkpoint.assign([tp(0), tp(1)]);
    steps.length = 0;
    await checkpoint.add(result(4, [record('out', 'a')]), tp(0));
    await checkpoint.add(result(9, [record('out', 'b')]), tp(0));
    expect(checkpoint.pending).toBe(true);
    await checkpoint.commit();
    expect(steps).toEqual([
      'g:in:0 send out:a',
      'g:in:0 send out:b',
      'sink flush in[0]',
      'g:in:0 send changelog:in[0]',
      'g:in:0 offsets in[0]=10 gen 7',
      'g:in:0 commit',
      'state commit in[0]',
    ]);
    expect(checkpoint.pending).toBe(false);
  });

  it('aborts a transaction whose send failed: the state is discarded and the partition rewinds to its last commit', async () => {
    const { checkpoint, steps, fail } = harness({ committed: [{ topic: 'in', partition: 0, offset: 3 }] });
    await checkpoint.assign([tp(0)]);
    expect(checkpoint.admit(tp(0), 0)).toBe(3); // offsets 0-2 were committed by an earlier owner
    steps.length = 0;
    fail('send out:a', () => Object.assign(new Error('broker gone'), { retriable: true }));
    await checkpoint.add(result(4, [record('out', 'a')]), tp(0));
    await expect(checkpoint.commit()).rejects.toThrow(/aborted; its partitions restart from their last commit.*broker gone/);
    expect(steps).toEqual(['state discard in[0]', 'sink discard in[0]', 'g:in:0 abort', 'g:in:0 close', 'seek in[0] 3']);
    expect(checkpoint.admit(tp(0), 3)).toBe(3);
    // the next batch begins a transaction on a new producer (whose InitProducerId ends the old one's)
    await checkpoint.add(result(4, [record('out', 'a')]), tp(0));
    await checkpoint.commit();
    expect(steps.slice(5)).toEqual(['g:in:0 begin', 'g:in:0 send out:a', 'sink flush in[0]', 'g:in:0 send changelog:in[0]', 'g:in:0 offsets in[0]=5 gen 7', 'g:in:0 commit', 'state commit in[0]']);
  });

  it('stops the app after aborting a transaction that failed for good (not retriable)', async () => {
    const { checkpoint, steps, fail } = harness({ committed: [{ topic: 'in', partition: 0, offset: 3 }] });
    await checkpoint.assign([tp(0)]);
    fail('send out:a', () => new Error('record too large'));
    await checkpoint.add(result(4, [record('out', 'a')]), tp(0));
    await expect(checkpoint.commit()).rejects.toThrow(/record too large/);
    expect(steps).toContain('g:in:0 abort');
    await expect(checkpoint.add(result(4, [record('out', 'a')]), tp(0))).rejects.toThrow(/record too large/);
  });

  it('drops the transaction when a sink asks to pause, and rewinds the partition to its committed offset', async () => {
    let pressure: Error | undefined = new SinkBackpressureError(500, { partitions: [tp(0)], sink: 'csv' });
    const { checkpoint, steps } = harness({ committed: [{ topic: 'in', partition: 0, offset: 3 }], flushError: () => pressure });
    await checkpoint.assign([tp(0)]);
    await checkpoint.add(result(4, [record('out', 'a')]), tp(0));
    steps.length = 0;
    await expect(checkpoint.commit()).rejects.toBeInstanceOf(SinkBackpressureError);
    expect(steps).toEqual(['state discard in[0]', 'sink discard in[0]', 'g:in:0 abort', 'g:in:0 close', 'seek in[0] 3']);
    expect(checkpoint.rewind([tp(0)])).toEqual([{ topic: 'in', partition: 0, offset: 3 }]);
    pressure = undefined;
    await checkpoint.add(result(4, [record('out', 'a')]), tp(0));
    await checkpoint.commit();
    expect(steps).toContain('g:in:0 offsets in[0]=5 gen 7');
  });

  it('a fenced producer drops its partition’s work without failing, pauses it, and reopens it when the group assigns it again', async () => {
    const { checkpoint, steps, fail } = harness({ committed: [{ topic: 'in', partition: 0, offset: 3 }] });
    await checkpoint.assign([tp(0), tp(1)]);
    await checkpoint.add(result(4, [record('out', 'a')]), tp(0));
    await checkpoint.add(result(7, [record('out', 'b')]), tp(1));
    steps.length = 0;
    fail('commit', () => new ProducerFencedError('g:in:0', 'committing the transaction', Object.assign(new Error('fenced'), { type: 'PRODUCER_FENCED' })));
    await checkpoint.commit(); // not thrown: the other instance owns the partition now
    expect(steps).toContain('state discard in[0]');
    expect(steps).toContain('pause in[0]');
    expect(steps).toContain('g:in:1 commit');
    expect(steps).not.toContain('g:in:0 abort');
    expect(checkpoint.admit(tp(0), 5)).toBe(Infinity);
    // a batch fetched before the pause is not taken
    steps.length = 0;
    await checkpoint.add(result(9, [record('out', 'c')]), tp(0));
    expect(steps).toEqual(['state discard in[0]']);
    // the group gives the partition back (after the rebalance the fencing caused)
    steps.length = 0;
    expect(await checkpoint.assign([tp(0), tp(1)])).toEqual([tp(0)]);
    expect(steps).toEqual(['g:in:0 begin', 'seek in[0] 3', 'resume in[0]']);
    expect(checkpoint.admit(tp(0), 3)).toBe(3);
  });

  it('aborts the open transaction of a revoked partition and closes its producer', async () => {
    const { checkpoint, steps } = harness();
    await checkpoint.assign([tp(0), tp(1)]);
    await checkpoint.add(result(4, [record('out', 'a')]), tp(0));
    steps.length = 0;
    checkpoint.revoke([tp(0)]);
    await checkpoint.commit();
    expect(steps).toEqual(['sink discard in[0]', 'g:in:0 abort', 'g:in:0 close']);
    expect(checkpoint.pending).toBe(false);
  });
});

describe('ExactlyOnceCheckpoint with a KIP-447 client', () => {
  it('uses one producer for the instance and sends the group generation with the offsets', async () => {
    const { checkpoint, steps, producers } = harness({ groupMetadata: true });
    await checkpoint.assign([tp(0), tp(1)]);
    await checkpoint.add(result(4, [record('out', 'a')]), tp(0));
    await checkpoint.add(result(2, [record('out', 'b')]), tp(1));
    await checkpoint.commit();
    expect(producers).toEqual(['g:instance:i1']);
    expect(steps).toEqual([
      'g:instance:i1 begin',
      'g:instance:i1 send out:a',
      'g:instance:i1 send out:b',
      'sink flush in[0]',
      'sink flush in[1]',
      'g:instance:i1 send changelog:in[0],changelog:in[1]',
      'g:instance:i1 offsets in[0]=5,in[1]=3 gen 7',
      'g:instance:i1 commit',
      'state commit in[0],in[1]',
    ]);
  });
});
