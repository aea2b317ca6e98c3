// The README documents the whole DSL and every CLI command: each public method of a frame and of
// the window builders, and each `sluice` command, is named in it.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { StreamingDataFrame } from '../src/dataframe/streaming-data-frame.ts';
import { AggregatedWindow, WindowBuilder } from '../src/windows/window-builder.ts';
import { CLI_TEST_TIMEOUT_MS, runCli } from './cli/cli-support.ts';

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
const methods = (proto: object): string[] =>
  Object.getOwnPropertyNames(proto).filter((name) => name !== 'constructor' && typeof (proto as Record<string, unknown>)[name] === 'function');

describe('README', () => {
  it('names every operator of StreamingDataFrame and of the window builders in backticks', () => {
    const names = [...methods(StreamingDataFrame.prototype), ...methods(WindowBuilder.prototype), ...methods(AggregatedWindow.prototype)].filter((n) => !/^(add|with)$/.test(n));
    expect(names.length).toBeGreaterThan(25);
    expect(names.filter((name) => !new RegExp('`[^`]*\\b' + name + '\\b[^`]*`').test(readme))).toEqual([]);
  });

  it('has every sluice command in its command reference', async () => {
    const help = (await runCli(['--help'])).stdout;
    const commands = help.slice(help.indexOf('Commands:'), help.indexOf('Options:'));
    const names = [...commands.matchAll(/^ {2}sluice (\S+)/gm)].map((m) => m[1]!);
    expect(names).toEqual(expect.arrayContaining(['run', 'check', 'broker', 'demo', 'stack', 'topics', 'consume', 'produce', 'consumer-groups']));
    const reference = readme.slice(readme.indexOf('## Command reference'));
    expect(names.filter((name) => !reference.includes(`**\`sluice ${name}`))).toEqual([]);
  }, CLI_TEST_TIMEOUT_MS);
});
