// `sluice stack apps/ecommerce.stack.ts` (seed 000's run script): starts the producer and both
// consumer groups as processes, keeps a live summary in logs/summary.json, and stops everything on
// SIGINT. The summary's figures are checked against the transactions on the broker.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EcommerceSummary } from '../../apps/ecommerce.stack.ts';
import type { Transaction } from '../../apps/transactions-producer.ts';
import { consumeAll, createTopics, testKafka, topicEndOffset, uniqueName, useTestBroker, type TestBroker } from '../support/test-broker.ts';
import { REPO_ROOT } from './cli-support.ts';

interface SummaryFile {
  final: boolean;
  components: Record<string, { pid: number; running: boolean }>;
  data: EcommerceSummary;
}

let broker: TestBroker;
const cwd = mkdtempSync(join(tmpdir(), 'sluice-stack-'));
beforeAll(async () => {
  broker = await useTestBroker();
  // A fresh Kafka creates its offsets topic on the first group lookup, which can outlast the
  // retries of two apps' consumers starting at once; one group join first settles it.
  const warmUp = uniqueName('stack-warm-up');
  const producer = testKafka(broker.address).producer();
  await createTopics(broker.address, [warmUp]);
  await producer.connect();
  await producer.send({ topic: warmUp, messages: [{ value: 'x' }] });
  await producer.disconnect();
  await consumeAll(broker.address, warmUp, 1, 90_000);
}, 180_000);
afterAll(async () => {
  await broker?.close();
  rmSync(cwd, { recursive: true, force: true });
});

const readSummary = (): SummaryFile | undefined => {
  const path = join(cwd, 'logs', 'summary.json');
  return existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as SummaryFile) : undefined;
};
const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

async function until<T>(what: string, get: () => T | undefined | Promise<T | undefined>, timeoutMs: number, diagnostics: () => string, gone: () => boolean): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await get();
    if (value !== undefined) return value;
    if (gone()) throw new Error(`the stack ended before ${what}\n${diagnostics()}`);
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}\n${diagnostics()}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

const cents = (x: number): number => Math.round(x * 100);

describe('sluice stack apps/ecommerce.stack.ts', () => {
  it('runs the three components with a live summary that matches the transactions, and stops them all on SIGINT', { timeout: 360_000 }, async () => {
    const stack = spawn(process.execPath, [join(REPO_ROOT, 'bin', 'sluice.mjs'), 'stack', join(REPO_ROOT, 'apps', 'ecommerce.stack.ts'), '--broker', broker.address, '--summary-every', '1', '--', '--rate', '0', '--count', '300'], {
      cwd,
      env: { ...process.env, SLUICE_LOG_LEVEL: 'info' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    stack.stdout.on('data', (d) => (output += d));
    stack.stderr.on('data', (d) => (output += d));
    const exited = new Promise<number | null>((resolve) => stack.once('exit', (code) => resolve(code)));
    let pids: number[] = [];
    try {
      // the producer finishes its 300; the topic may hold earlier runs' transactions too (an external broker)
      await until('the producer to finish', () => (readSummary()?.components['transactions-producer']?.running === false ? true : undefined), 180_000, () => output, () => stack.exitCode !== null);
      const total = await topicEndOffset(broker.address, 'transactions');
      expect(total).toBeGreaterThanOrEqual(300);
      const summary = await until('the summary to count every transaction', () => {
        const s = readSummary();
        return s && s.data.transactions === total && s.data.topCustomers.length === 5 ? s : undefined;
      }, 120_000, () => `${JSON.stringify(readSummary()?.data.transactions)} of ${total}\n${output}`, () => stack.exitCode !== null);
      pids = Object.values(summary.components).map((c) => c.pid);
      expect(Object.keys(summary.components)).toEqual(['revenue-aggregator', 'customer-behaviour', 'transactions-producer']);

      // ground truth: the transactions on the broker
      const transactions = (await consumeAll(broker.address, 'transactions', total, 60_000)).map((r) => JSON.parse(r.value!) as Transaction);
      const byProduct = new Map<string, { revenue: number; orders: number }>();
      const byUser = new Map<string, { spend: number; orders: number }>();
      for (const t of transactions) {
        const p = byProduct.get(t.product_id) ?? { revenue: 0, orders: 0 };
        byProduct.set(t.product_id, { revenue: p.revenue + cents(t.amount), orders: p.orders + 1 });
        const u = byUser.get(t.user_id) ?? { spend: 0, orders: 0 };
        byUser.set(t.user_id, { spend: u.spend + cents(t.amount), orders: u.orders + 1 });
      }
      expect(new Map(summary.data.products.map((p) => [p.product_id, { revenue: cents(p.revenue), orders: p.orders }]))).toEqual(byProduct);
      expect(cents(summary.data.revenue)).toBe([...byProduct.values()].reduce((n, p) => n + p.revenue, 0));
      const top5 = [...byUser].sort(([a, x], [b, y]) => y.spend - x.spend || a.localeCompare(b)).slice(0, 5);
      expect(summary.data.topCustomers.map((c) => [c.user_id, cents(c.spend), c.orders])).toEqual(top5.map(([user, u]) => [user, u.spend, u.orders]));
      expect(summary.data.products.map((p) => p.revenue)).toEqual([...summary.data.products.map((p) => p.revenue)].sort((a, b) => b - a));

      stack.kill('SIGINT');
      expect(await exited).toBe(0);
      const last = readSummary()!;
      expect(last.final).toBe(true);
      expect(Object.values(last.components).every((c) => !c.running)).toBe(true);
      for (const pid of pids) expect({ pid, alive: alive(pid) }).toEqual({ pid, alive: false });
      for (const name of ['revenue-aggregator', 'customer-behaviour', 'transactions-producer']) {
        expect(statSync(join(cwd, 'logs', `${name}.log`)).size).toBeGreaterThan(0);
      }
    } finally {
      if (stack.exitCode === null) stack.kill('SIGKILL');
      for (const pid of pids) if (alive(pid)) process.kill(pid, 'SIGKILL');
    }
  });
});
