// `sluice check` and the type check `sluice run` does first, on an app outside the project: a
// misspelled field is caught by both (run then does not start the app); --no-check starts it and
// it fails at runtime. The cache knows an unchanged file (and its local imports) clean.
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI_TEST_TIMEOUT_MS, REPO_ROOT, runCli } from './cli-support.ts';
import { isKnownClean, rememberClean } from '../../src/cli/check/check-cache.ts';

let dir: string;
const app = (field: string): string => `import { writeFileSync } from 'node:fs';
import { Application } from '${join(REPO_ROOT, 'src/index.ts')}';
import { TestDriver } from '${join(REPO_ROOT, 'src/testing/index.ts')}';
import type { Joke } from './joke.ts';

writeFileSync(new URL('./started', import.meta.url), 'yes');
const app = new Application({ consumerGroup: 'typo-check' });
app.dataframe(app.topic<Joke>('jokes')).apply((joke) => ({ id: joke.id, length: joke.${field}.length })).toTopic(app.topic('lengths'));
const driver = new TestDriver(app);
driver.send('jokes', { id: 1, text: 'hello' });
console.log(JSON.stringify(driver.read('lengths').map((r) => r.value)));
`;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'sluice-check-'));
  writeFileSync(join(dir, 'package.json'), '{ "type": "module" }\n');
  writeFileSync(join(dir, 'joke.ts'), 'export interface Joke { id: number; text: string }\n');
  writeFileSync(join(dir, 'typo.ts'), app('txt'));
  writeFileSync(join(dir, 'fine.ts'), app('text'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('sluice check and checked runs', { timeout: CLI_TEST_TIMEOUT_MS }, () => {
  it('check reports a misspelled field in an app outside apps/ as tsc does, and exits 1', async () => {
    const result = await runCli(['check', join(dir, 'typo.ts'), join(dir, 'fine.ts')]);
    expect(result.code).toBe(1);
    const lines = result.stderr.trim().split('\n');
    const column = app('txt').split('\n')[7]!.indexOf('.txt') + 2;
    expect(lines[0]).toBe(`${join(dir, 'typo.ts')}:8:${column} - error TS2551: Property 'txt' does not exist on type 'Joke'. Did you mean 'text'?`);
    expect(lines.slice(1)).toEqual(['sluice: 1 type error — fix them and check again']);

    const fine = await runCli(['check', join(dir, 'fine.ts')]);
    expect(fine.code).toBe(0);
    expect(fine.stdout).toBe('No type errors in 1 file\n');
  });

  it('run checks first and does not start an app with type errors; --no-check starts it and it fails at runtime', async () => {
    rmSync(join(dir, 'started'), { force: true });
    const checked = await runCli(['run', join(dir, 'typo.ts')]);
    expect(checked.code).toBe(1);
    expect(checked.stderr).toContain(`error TS2551: Property 'txt' does not exist on type 'Joke'`);
    expect(checked.stderr).toContain('was not started');
    expect(existsSync(join(dir, 'started'))).toBe(false);

    const unchecked = await runCli(['run', '--no-check', join(dir, 'typo.ts')]);
    expect(unchecked.code).toBe(1);
    expect(existsSync(join(dir, 'started'))).toBe(true);
    expect(unchecked.stderr).toContain("Cannot read properties of undefined (reading 'length')");

    const fine = await runCli(['run', join(dir, 'fine.ts')]);
    expect(fine.code).toBe(0);
    expect(fine.stdout).toContain('[{"id":1,"length":5}]');
  });

  it('the cache knows a file clean until it or a local import changes', () => {
    const files = [join(dir, 'cached.ts')];
    writeFileSync(files[0]!, "import type { Joke } from './joke.ts';\nexport const j: Joke = { id: 1, text: 'x' };\n");
    rememberClean(files, [files[0]!, join(dir, 'joke.ts')]);
    expect(isKnownClean(files)).toBe(true);
    writeFileSync(join(dir, 'joke.ts'), 'export interface Joke { id: number; text: string; extra?: boolean }\n');
    expect(isKnownClean(files)).toBe(false);
  });
});
