import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import getPort from 'get-port';
import { describe, expect, it } from 'vitest';
import { runCli } from './cli-support.ts';
import { expectedWordCounts, readJokesFile } from '../apps/expected-counts.ts';

describe('sluice demo', { timeout: 2 * 300_000 }, () => {
  it('starts the embedded broker when none answers, runs the pipeline, prints the top words; a rerun continues the counts', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'sluice-demo-'));
    try {
      const port = await getPort({ host: '127.0.0.1' });
      const result = await runCli(['demo', '--broker', `127.0.0.1:${port}`, '--data-dir', join(dataDir, 'broker'), '--state-dir', join(dataDir, 'state'), '--top', '5', '--seconds', '240'], { timeoutMs: 300_000 });
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      expect(result.stdout).toContain(`Started the embedded broker at 127.0.0.1:${port}`);
      expect(result.stdout).toContain(`produced ${readJokesFile().length} jokes to "jokes"`);
      expect(result.stdout).toContain('All jokes processed.');

      const expected = [...expectedWordCounts(readJokesFile())].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).slice(0, 5);
      const printed = result.stdout
        .split('\n')
        .filter((line) => /^ {2}\S+\s+\d+$/.test(line))
        .map((line) => line.trim().split(/\s+/))
        .map(([word, count]) => [word, Number(count)]);
      expect(printed).toEqual(expected);

      // A second run on the same broker data and state: the jokes are produced again and the
      // durable counts continue from the first run's, so every printed count doubles.
      const again = await runCli(['demo', '--broker', `127.0.0.1:${port}`, '--data-dir', join(dataDir, 'broker'), '--state-dir', join(dataDir, 'state'), '--top', '5', '--seconds', '240'], { timeoutMs: 300_000 });
      expect(again.code).toBe(0);
      expect(again.stdout).toContain('All jokes processed.');
      const doubled = again.stdout
        .split('\n')
        .filter((line) => /^ {2}\S+\s+\d+$/.test(line))
        .map((line) => line.trim().split(/\s+/))
        .map(([word, count]) => [word, Number(count)]);
      expect(doubled).toEqual(expected.map(([word, count]) => [word, 2 * Number(count)]));
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
