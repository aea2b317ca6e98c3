import * as fs from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { encodeRecordBatch, decodeRecordBatches } from '../../src/protocol/record-batch.ts';
import { FdCache } from '../../src/broker/storage/fd-cache.ts';
import { FilePartitionLog } from '../../src/broker/storage/file-partition-log.ts';
import { logPolicy } from '../../src/broker/storage/log-policy.ts';
import { OutOfOrderSequenceError } from '../../src/broker/storage/errors.ts';
import { captureLogger, tempDir } from './helpers.ts';

const opened: { log: FilePartitionLog; fds: FdCache }[] = [];

function openLog(dir: string, segmentBytes = 64 * 1024 * 1024) {
  const capture = captureLogger();
  const fds = new FdCache(4);
  const log = new FilePartitionLog({ dir, topic: 't', partition: 0, fds, log: capture.logger, segmentBytes, indexIntervalBytes: 256, policy: logPolicy({}) });
  opened.push({ log, fds });
  return { log, ...capture };
}

/** Drops the log like a killed process would: descriptors released, nothing sealed or snapshotted. */
function crash(log: FilePartitionLog): void {
  log.release();
}

afterEach(() => {
  for (const o of opened.splice(0)) {
    o.log.close();
    o.fds.closeAll();
  }
});

const idem = (pid: number, epoch: number, seq: number, count = 2, transactional = false) =>
  encodeRecordBatch({ producerId: pid, producerEpoch: epoch, baseSequence: seq, transactional, records: Array.from({ length: count }, (_, i) => ({ value: `p${pid}-${seq + i}`.padEnd(40, '.') })) });

const snapshots = (dir: string) => fs.readdirSync(dir).filter((f) => f.endsWith('.snapshot')).sort();

describe('FilePartitionLog producer state across restarts', () => {
  for (const how of ['a clean close', 'a crash'] as const) {
    it(`still answers a retry as a duplicate, refuses a gap and keeps transactions after ${how}`, () => {
      const dir = tempDir();
      const first = openLog(dir).log;
      first.append(idem(7, 0, 0));
      first.append(idem(7, 0, 2));
      first.append(idem(8, 1, 0, 3, true));
      first.appendMarker({ producerId: 8, producerEpoch: 1, commit: false, coordinatorEpoch: 0 });
      first.append(idem(9, 0, 0, 1, true));
      expect(first.lastStableOffset).toBe(8);
      if (how === 'a clean close') first.close();
      else crash(first);

      const { log, infos } = openLog(dir);
      expect(log.append(idem(7, 0, 2))).toEqual({ baseOffset: 2, logAppendTime: -1, logStartOffset: 0, duplicate: true });
      expect(() => log.append(idem(7, 0, 9))).toThrow(OutOfOrderSequenceError);
      expect(log.lastStableOffset).toBe(8);
      expect(log.openTransactions()).toEqual([{ producerId: 9, producerEpoch: 0, firstOffset: 8 }]);
      expect(log.abortedTransactions(0, 9)).toEqual([{ producerId: 8, firstOffset: 4, lastOffset: 7 }]);
      expect(infos.some((m) => m.startsWith('rebuilt the producer state'))).toBe(how === 'a crash');
      log.appendMarker({ producerId: 9, producerEpoch: 0, commit: true, coordinatorEpoch: 0 });
      expect(log.lastStableOffset).toBe(log.logEndOffset);
    });
  }

  it('after a crash replays only the batches after the snapshot of the last segment roll', () => {
    const dir = tempDir();
    const first = openLog(dir, 1024).log;
    for (let seq = 0; seq < 60; seq += 2) first.append(idem(7, 0, seq));
    expect(first.segmentCount).toBeGreaterThan(3);
    expect(snapshots(dir)).toHaveLength(2);
    crash(first);
    const { log, infos } = openLog(dir, 1024);
    const replayed = infos.find((m) => m.startsWith('rebuilt'));
    expect(replayed).toBeDefined();
    expect(log.append(idem(7, 0, 58)).duplicate).toBe(true);
    expect(log.append(idem(7, 0, 60)).baseOffset).toBe(60);
  });

  it('rebuilds from the log alone when every snapshot is gone or unreadable', () => {
    const dir = tempDir();
    const first = openLog(dir, 1024).log;
    for (let seq = 0; seq < 30; seq += 2) first.append(idem(7, 0, seq, 2, true));
    first.close();
    const files = snapshots(dir);
    fs.writeFileSync(`${dir}/${files.at(-1)}`, '{ torn');
    for (const f of files.slice(0, -1)) fs.rmSync(`${dir}/${f}`);
    const { log, warnings } = openLog(dir, 1024);
    expect(warnings).toContain('producer state snapshot is unreadable; deleting it and rebuilding from the log');
    expect(log.openTransactions()).toEqual([{ producerId: 7, producerEpoch: 0, firstOffset: 0 }]);
    expect(log.append(idem(7, 0, 28, 2, true)).duplicate).toBe(true);
  });

  it('reads below a max offset only whole batches that start before it', () => {
    const { log } = openLog(tempDir());
    log.append(idem(7, 0, 0, 3));
    log.append(idem(8, 0, 0, 2, true));
    log.append(idem(7, 0, 3, 1));
    expect(log.lastStableOffset).toBe(3);
    const committedView = decodeRecordBatches(log.read(0, 1 << 20, log.lastStableOffset));
    expect(committedView.map((b) => b.baseOffset)).toEqual([0]);
    expect(log.read(3, 1 << 20, log.lastStableOffset)).toHaveLength(0);
    expect(decodeRecordBatches(log.read(0, 1 << 20)).map((b) => b.baseOffset)).toEqual([0, 3, 5]);
  });
});
