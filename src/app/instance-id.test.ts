import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { persistentInstanceId } from './instance-id.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('persistentInstanceId', () => {
  it('is the same for the same state directory and group, and differs between groups and directories', () => {
    const [a, b] = [mkdtempSync(join(tmpdir(), 'sluice-id-')), mkdtempSync(join(tmpdir(), 'sluice-id-'))];
    dirs.push(a, b);
    const first = persistentInstanceId(a, 'g');
    expect(first).toMatch(/^[0-9a-f-]{36}$/);
    expect(persistentInstanceId(a, 'g')).toBe(first);
    expect(persistentInstanceId(a, 'other')).not.toBe(first);
    expect(persistentInstanceId(b, 'g')).not.toBe(first);
  });
});
