// The acceptance check: `kcat -b <broker> -C -t jokes -e` prints what
// `apps/jokes-producer.ts`, run through the sluice CLI, wrote to the broker.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadJokes } from '../../apps/jokes-producer.ts';
import { topicEndOffset, useTestBroker, type TestBroker } from '../support/test-broker.ts';
import { clients, ROOT, run } from './compat-clients.ts';

describe('jokes-producer, read with kcat', () => {
  let broker: TestBroker;
  beforeAll(async () => {
    broker = await useTestBroker();
  });
  afterAll(async () => {
    await broker?.close();
  });

  it('kcat -C -t jokes -e prints every joke the app produced, keyed by id, in file order', async () => {
    const kcat = clients.kcat();
    const from = await topicEndOffset(broker.address, 'jokes');
    const produced = await run(process.execPath, [join(ROOT, 'bin', 'sluice.mjs'), 'run', join(ROOT, 'apps', 'jokes-producer.ts'), '--broker', broker.address], {
      timeoutMs: 60_000,
    });
    const jokes = loadJokes();
    expect(produced.stdout).toContain(`produced ${jokes.length} jokes to "jokes"`);

    const out = await run(kcat, ['-b', broker.address, '-C', '-t', 'jokes', '-o', String(from), '-e', '-q', '-f', '%k\t%s\n'], { timeoutMs: 30_000 });
    const records = out.stdout.trimEnd().split('\n').map((line) => {
      const [key, value] = line.split('\t');
      return { key, value: JSON.parse(value!) };
    });
    expect(records).toEqual(jokes.map((joke) => ({ key: String(joke.id), value: joke })));
  });
});
