import { spawn } from 'node:child_process';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { FileLogStorage } from '../../src/broker/storage/file-log-storage.ts';
import { FileOffsetStore } from '../../src/broker/storage/file-offset-store.ts';
import { captureLogger, summarize, tempDir } from './helpers.ts';

const fixture = path.join(import.meta.dirname, 'fixtures/append-then-hang.ts');

/** Runs the fixture until it reports "done", then kills it with SIGKILL. */
function runAndKill(dataDir: string, appends: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', fixture, dataDir, String(appends)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`fixture did not finish in 30 s; stderr: ${err}`));
    }, 30_000);
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('done\n')) child.kill('SIGKILL');
    });
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (signal === 'SIGKILL' && out.includes('done\n')) resolve();
      else reject(new Error(`fixture exited with ${code ?? signal}; stderr: ${err}`));
    });
  });
}

describe('kill -9', () => {
  it('keeps every append and commit that returned before the process was killed', async () => {
    const dataDir = tempDir();
    await runAndKill(dataDir, 300);
    const capture = captureLogger();
    const storage = new FileLogStorage({ dataDir, logger: capture.logger, segmentBytes: 16 * 1024 });
    const offsets = new FileOffsetStore({ dataDir, logger: capture.logger });
    try {
      expect(storage.topic('crash')!.partitions).toBe(2);
      expect(storage.partition('crash', 0)!.logEndOffset).toBe(1500);
      expect(storage.partition('crash', 1)!.logEndOffset).toBe(1500);
      expect(storage.filePartition('crash', 0)!.segmentCount).toBeGreaterThan(5);
      expect(summarize(storage.partition('crash', 1)!.read(1495, 1))).toEqual([[1490, 10, `c299-0${'x'.repeat(50)}`]]);
      expect(offsets.fetch('g', 'crash', 1)).toEqual({ offset: 1500, leaderEpoch: -1, metadata: 'after 299', commitTimestamp: 299 });
      expect(offsets.fetch('g', 'crash', 0)?.offset).toBe(1500);
      expect(capture.warnings).toEqual([]);
    } finally {
      storage.close();
      offsets.close();
    }
  });
});
