import * as fs from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { FdCache } from '../../src/broker/storage/fd-cache.ts';
import { FilePartitionLog } from '../../src/broker/storage/file-partition-log.ts';
import { logPolicy } from '../../src/broker/storage/log-policy.ts';
import { OffsetOutOfRangeError } from '../../src/broker/storage/errors.ts';
import { batch, captureLogger, summarize, tempDir } from './helpers.ts';

const opened: { log: FilePartitionLog; fds: FdCache }[] = [];
afterEach(() => {
  for (const o of opened.splice(0)) {
    o.log.close();
    o.fds.closeAll();
  }
});

/** Ten segments of 5 batches (2 records each, timestamps 1000 + 100·batch) with 1 KiB segments. */
function filledLog(configs: Record<string, string>, dir = tempDir()) {
  const fds = new FdCache(4);
  const capture = captureLogger();
  const log = new FilePartitionLog({ dir, topic: 'r', partition: 0, fds, log: capture.logger, segmentBytes: 5 * batch(2, { prefix: 'b00' }).length, indexIntervalBytes: 64, policy: logPolicy(configs) });
  opened.push({ log, fds });
  for (let i = 0; i < 50; i++) log.append(batch(2, { prefix: `b${String(i).padStart(2, "0")}`, timestamp: 1000 + i * 100 }));
  return { log, dir, ...capture };
}

describe('retention', () => {
  it('lays out ten segments of five batches for these tests', () => {
    const { log } = filledLog({});
    expect(log.segmentCount).toBe(10);
    expect(log.logEndOffset).toBe(100);
  });

  it('deletes whole segments whose newest batch is older than retention.ms and moves the log start offset', () => {
    const { log, dir, infos } = filledLog({ 'retention.ms': '1000' });
    // segment k holds batches 5k..5k+4, newest timestamp 1000 + (5k+4)·100; now - 1000 = 3000 expires k with 1400+500k < 3000 → k = 0..3
    expect(log.enforceRetention(4000)).toBe(4);
    expect(log.segmentCount).toBe(6);
    expect(log.logStartOffset).toBe(40);
    expect(() => log.read(39, 100)).toThrow(OffsetOutOfRangeError);
    expect(summarize(log.read(40, 1))).toEqual([[40, 2, 'b20-0']]);
    expect(fs.readdirSync(dir).filter((f) => f.endsWith('.log')).length).toBe(6);
    expect(infos[0]).toBe('retention deleted 4 segment(s) of r-0');
    expect(log.enforceRetention(4000)).toBe(0);
  });

  it('rolls and deletes an expired active segment so that everything expired goes', () => {
    const { log } = filledLog({ 'retention.ms': '10' });
    expect(log.enforceRetention(1_000_000)).toBe(10);
    expect(log.logStartOffset).toBe(100);
    expect(log.logEndOffset).toBe(100);
    expect(log.read(100, 100).length).toBe(0);
    expect(log.append(batch(1)).baseOffset).toBe(100);
  });

  it('deletes the oldest segments while the log exceeds retention.bytes', () => {
    const segment = 5 * batch(2, { prefix: 'b00' }).length;
    const { log } = filledLog({ 'retention.bytes': String(3 * segment + 1), 'retention.ms': '-1' });
    expect(log.sizeBytes).toBe(10 * segment);
    expect(log.enforceRetention(Date.now())).toBe(6);
    expect(log.segmentCount).toBe(4);
    expect(log.sizeBytes).toBe(4 * segment);
    expect(log.logStartOffset).toBe(60);
  });

  it('keeps the log start offset across a restart after retention', () => {
    const { log, dir } = filledLog({ 'retention.ms': '1000' });
    log.enforceRetention(4000);
    log.close();
    const fds = new FdCache(2);
    const again = new FilePartitionLog({ dir, topic: 'r', partition: 0, fds, log: captureLogger().logger, segmentBytes: 1024, indexIntervalBytes: 64, policy: logPolicy({}) });
    opened.push({ log: again, fds });
    expect(again.logStartOffset).toBe(40);
    expect(again.logEndOffset).toBe(100);
  });

  it('never deletes cleanup.policy=compact logs by time or size', () => {
    const { log } = filledLog({ 'cleanup.policy': 'compact', 'retention.ms': '1', 'retention.bytes': '1' });
    expect(log.enforceRetention(1_000_000)).toBe(0);
    expect(log.segmentCount).toBe(10);
    expect(log.logStartOffset).toBe(0);
  });

  it('keeps everything with the defaults when segments are recent', () => {
    const { log } = filledLog({});
    expect(log.enforceRetention(1000 + 49 * 100 + 60_000)).toBe(0);
    expect(log.enforceRetention(1000 + 8 * 24 * 3600 * 1000)).toBe(10);
  });
});
