// The bad-message flags every processor app takes.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseAppFlags } from '../../apps/app-flags.ts';
import { DeserializationError } from '../../src/topics/serialization-errors.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const spec = { name: 'word-counter', description: 'counts', kind: 'processor' } as const;

describe('processor app flags', () => {
  it('--dead-letter-topic and --skip-bad-messages become Application options', () => {
    expect(parseAppFlags(spec, []).appOptions).toEqual({});
    expect(parseAppFlags(spec, ['--dead-letter-topic', 'wc-dlq']).appOptions).toEqual({ deadLetterTopic: 'wc-dlq' });
    const skip = parseAppFlags(spec, ['--skip-bad-messages']).appOptions;
    expect(skip.onDeserializationError?.(new DeserializationError('t', 0, 1, 'value', new Error('x')))).toBe(true);
    expect(skip.onProcessingError).toBeTypeOf('function');
  });

  it('lists them in --help and refuses both at once', () => {
    const run = (...args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', 'apps/word-counter.ts', ...args], { cwd: ROOT, encoding: 'utf8', timeout: 30_000 });
    const help = run('--help');
    expect(help.status).toBe(0);
    expect(help.stdout).toContain('--skip-bad-messages');
    expect(help.stdout).toContain('--dead-letter-topic');
    const both = run('--skip-bad-messages', '--dead-letter-topic', 'x');
    expect(both.status).toBe(1);
    expect(both.stderr).toContain('Arguments skip-bad-messages and dead-letter-topic are mutually exclusive');
  });
});
