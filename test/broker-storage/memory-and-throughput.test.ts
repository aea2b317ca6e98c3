import * as fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { FileLogStorage } from '../../src/broker/storage/file-log-storage.ts';
import { decodeRecordBatch } from '../../src/protocol/record-batch.ts';
import { batch, captureLogger, tempDir } from './helpers.ts';

const MB = 1024 * 1024;

describe('FileLogStorage at volume', () => {
  it('writes and reads 300 MB across many segments with bounded memory and ≥ 300k msgs/s appends', () => {
    const dataDir = tempDir();
    try {
      const storage = new FileLogStorage({ dataDir, logger: captureLogger().logger, segmentBytes: 16 * MB });
      storage.createTopic('big', 1);
      const log = storage.partition('big', 0)!;
      const template = batch(1000, { valueBytes: 95 }); // 1000 records of ~100-byte values, ~120 KB
      const appends = Math.ceil((300 * MB) / template.length);
      const rssBefore = process.memoryUsage().rss;
      const started = process.hrtime.bigint();
      for (let i = 0; i < appends; i++) log.append(template);
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const msgsPerSecond = (appends * 1000) / seconds;
      expect(log.logEndOffset).toBe(appends * 1000);
      expect(storage.filePartition('big', 0)!.segmentCount).toBe(Math.ceil(appends / Math.floor((16 * MB) / template.length)));
      expect(msgsPerSecond).toBeGreaterThan(300_000);

      let offset = 0;
      let batches = 0;
      while (offset < log.logEndOffset) {
        const bytes = log.read(offset, MB);
        let pos = 0;
        while (pos < bytes.length) {
          const size = bytes.readInt32BE(pos + 8) + 12;
          batches++;
          offset = Number(bytes.readBigInt64BE(pos)) + bytes.readInt32BE(pos + 23) + 1;
          pos += size;
        }
      }
      expect(batches).toBe(appends);
      const middle = decodeRecordBatch(log.read(1_500_123, 1));
      expect(middle.baseOffset).toBe(1_500_000);
      expect(middle.records[123].offset).toBe(1_500_123);
      const growth = (process.memoryUsage().rss - rssBefore) / MB;
      expect(growth).toBeLessThan(100);
      storage.close();
      console.log(`storage volume: ${appends} appends, ${Math.round(msgsPerSecond).toLocaleString()} msgs/s, RSS growth ${growth.toFixed(1)} MB`);
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
