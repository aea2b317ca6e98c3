// `sluice run` flags that set Application options for the app file it runs.
import { describe, expect, it } from 'vitest';
import { CLI_TEST_TIMEOUT_MS, runCli } from '../cli/cli-support.ts';

const APP = 'test/dsl/fixtures/config-app.ts';

describe('sluice run application flags', { timeout: CLI_TEST_TIMEOUT_MS }, () => {
  it('--dead-letter-topic becomes the deadLetterTopic of every Application the file creates', async () => {
    const result = await runCli(['run', APP, '--broker', '127.0.0.1:19999', '--dead-letter-topic', 'my-dlq'], { env: { SLUICE_DEAD_LETTER_TOPIC: '' } });
    expect(result.stderr).toBe('');
    expect(JSON.parse(result.stdout.trim())).toEqual({ deadLetterTopic: 'my-dlq', brokerAddress: '127.0.0.1:19999' });
    const without = await runCli(['run', APP], { env: { SLUICE_DEAD_LETTER_TOPIC: '' } });
    expect(JSON.parse(without.stdout.trim())).toMatchObject({ deadLetterTopic: null });
  });

  it('rejects a dead-letter topic name Kafka would not accept, naming the option', async () => {
    const result = await runCli(['run', APP, '--dead-letter-topic', 'bad name'], { env: { SLUICE_DEAD_LETTER_TOPIC: '' } });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("Application environment variable for option 'deadLetterTopic' is invalid: must be a Kafka topic name");
  });
});
