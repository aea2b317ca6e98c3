// FileSource run by Applications against a broker: a producer process killed with SIGKILL mid-file
// resumes, when started again, exactly at the position it had stored; a bad line stops the app with
// a SourceError and, once fixed, the next run delivers the rest.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Application } from '../../src/app/application.ts';
import { SourceError } from '../../src/sources/base/source-error.ts';
import { FileSource } from '../../src/sources/file-source.ts';
import { sourcePositionTopicName } from '../../src/sources/topic-position-store.ts';
import { consumeAll, consumeLatestByKey, topicEndOffset, uniqueName, useTestBroker, type TestBroker } from '../support/test-broker.ts';

const APP = fileURLToPath(new URL('./fixtures/file-source-app.ts', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'sluice-file-source-it-'));
let broker: TestBroker;
beforeAll(async () => {
  broker = await useTestBroker();
});
afterAll(async () => {
  await broker?.close();
  rmSync(dir, { recursive: true, force: true });
});

const lines = (from: number, to: number): string => Array.from({ length: to - from }, (_, i) => `{"id":${from + i},"customer":"c${(from + i) % 11}"}\n`).join('');

function startProducer(env: Record<string, string>): { output: () => string; exited: Promise<number | null>; kill: () => void } {
  const child = spawn(process.execPath, ['--import', 'tsx', APP], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  return { output: () => out, exited, kill: () => child.kill('SIGKILL') };
}

describe('FileSource through Applications', () => {
  it('a producer killed with SIGKILL mid-file resumes at its stored position: every line delivered, only the unstored tail twice', async () => {
    const total = 30_000;
    const path = join(dir, 'orders.jsonl');
    writeFileSync(path, lines(0, total));
    const [topic, name] = [uniqueName('file-orders'), uniqueName('orders-file')];
    const env = { FILE_SOURCE_BROKER: broker.address, FILE_SOURCE_PATH: path, FILE_SOURCE_TOPIC: topic, FILE_SOURCE_NAME: name };

    const first = startProducer(env);
    // kill it once it has stored a couple of positions and is still producing
    const deadline = Date.now() + 90_000;
    while ((await topicEndOffset(broker.address, sourcePositionTopicName(name))) < 2) {
      if (Date.now() > deadline || first.output().includes('done')) throw new Error(`the first run stored no position while running:\n${first.output()}`);
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(first.output()).not.toContain('done');
    first.kill();
    await first.exited;
    const deliveredBeforeKill = await topicEndOffset(broker.address, topic);
    const stored = await consumeLatestByKey(broker.address, sourcePositionTopicName(name), (m) => m.has(topic), 30_000);
    const position = (JSON.parse(stored.get(topic)!) as { position: { records: number; line: number } }).position;
    expect(position.records).toBeGreaterThan(0);
    expect(position.records).toBeLessThan(total);
    expect(deliveredBeforeKill).toBeGreaterThanOrEqual(position.records); // acknowledged before stored

    const second = startProducer(env);
    expect(await second.exited).toBe(0);
    expect(second.output()).toContain('done');
    const end = await topicEndOffset(broker.address, topic);
    expect(end - deliveredBeforeKill).toBe(total - position.records); // the second run started right after the stored position

    const records = await consumeAll(broker.address, topic, end, 60_000);
    const ids = records.map((r) => (JSON.parse(r.value!) as { id: number }).id);
    expect(new Set(ids).size).toBe(total);
    expect(Math.min(...ids)).toBe(0);
    expect(Math.max(...ids)).toBe(total - 1);
    // a customer's lines stay in file order within their partition: increasing, except where the
    // second run starts over at the stored position (the unstored tail of the first run, delivered twice)
    const c3 = records.filter((r) => r.key === 'c3').map((r) => (JSON.parse(r.value!) as { id: number }).id).filter((id) => id >= position.records);
    const restarts = c3.flatMap((id, i) => (i > 0 && id <= c3[i - 1]! ? [i] : []));
    expect(restarts.length).toBeLessThanOrEqual(1);
    for (const i of restarts) expect(c3[i]).toBe(Math.min(...c3));
  });

  it('stops the app with a SourceError at a bad line; after the fix the next run delivers the rest, nothing twice', async () => {
    const path = join(dir, 'bad.jsonl');
    writeFileSync(path, lines(0, 100) + '{"id":100,"customer":\n' + lines(101, 200));
    const [topic, name] = [uniqueName('file-bad'), uniqueName('bad-file')];
    const run = async () => {
      const app = new Application({ brokerAddress: broker.address, commitInterval: 100, logLevel: 'silent' });
      app.addSource(new FileSource({ path, name, key: 'customer' }), app.topic(topic));
      return app.run().then(
        () => undefined,
        (e: unknown) => e,
      );
    };
    const error = await run();
    expect(error).toBeInstanceOf(SourceError);
    expect((error as Error).message).toMatch(/bad\.jsonl line 101: not valid JSON .* the 100 record\(s\) before it were delivered and the source resumes after them \(line 101\)/);
    expect(await topicEndOffset(broker.address, topic)).toBe(100);

    writeFileSync(path, lines(0, 200));
    expect(await run()).toBeUndefined();
    const ids = (await consumeAll(broker.address, topic, 200)).map((r) => (JSON.parse(r.value!) as { id: number }).id).sort((a, b) => a - b);
    expect(ids).toEqual(Array.from({ length: 200 }, (_, i) => i));
    expect(await topicEndOffset(broker.address, topic)).toBe(200);
  });
});
