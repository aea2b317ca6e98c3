import { describe, expect, it } from 'vitest';
import { ConfigError } from '../errors.ts';
import { Application } from './application.ts';
import { resolveApplicationConfig } from './application-config.ts';

describe('Application options', () => {
  it('applies defaults, with broker and group from the environment', () => {
    const config = resolveApplicationConfig({}, {});
    expect(config).toMatchObject({
      brokerAddress: 'localhost:9092',
      consumerGroup: 'sluice-default',
      autoOffsetReset: 'latest',
      commitInterval: 5000,
      clientId: 'sluice',
      logLevel: 'info',
      brokerAvailabilityTimeout: 30000,
      autoCreateTopics: true,
    });
    expect([config.onDeserializationError, config.onProcessingError, config.onProducerError]).toEqual([undefined, undefined, undefined]);
    const fromEnv = resolveApplicationConfig({}, { SLUICE_BROKER_ADDRESS: 'kafka:9093', SLUICE_CONSUMER_GROUP: 'g1', SLUICE_LOG_LEVEL: 'warn' });
    expect(fromEnv).toMatchObject({ brokerAddress: 'kafka:9093', consumerGroup: 'g1', logLevel: 'warn' });
  });

  it('prefers explicit options over the environment and freezes the result', () => {
    const config = resolveApplicationConfig({ brokerAddress: 'a:1,b:2', consumerGroup: 'mine' }, { SLUICE_BROKER_ADDRESS: 'kafka:9093' });
    expect(config).toMatchObject({ brokerAddress: 'a:1,b:2', consumerGroup: 'mine' });
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(new Application({ logLevel: 'silent' }).config)).toBe(true);
  });

  it('names an unknown option', () => {
    expect(() => new Application({ brokerAdress: 'x:1' } as never)).toThrow(ConfigError);
    expect(() => new Application({ brokerAdress: 'x:1' } as never)).toThrow(/^unknown Application option 'brokerAdress'; known options: brokerAddress, consumerGroup/);
  });

  it('names an ill-typed option', () => {
    expect(() => new Application({ commitInterval: '5s' } as never)).toThrow("Application option 'commitInterval' is invalid: Invalid input: expected number, received string");
    expect(() => new Application({ autoOffsetReset: 'newest' } as never)).toThrow(/Application option 'autoOffsetReset' is invalid/);
    expect(() => new Application({ brokerAddress: 'localhost' })).toThrow("Application option 'brokerAddress' is invalid: must be host:port (comma-separated for several)");
    expect(() => new Application({ onProcessingError: true } as never)).toThrow("Application option 'onProcessingError' is invalid: must be a function returning a boolean");
    expect(() => new Application({ brokerAvailabilityTimeout: -1 })).toThrow(/'brokerAvailabilityTimeout' is invalid/);
  });

  it('takes the dead-letter topic from the option, else SLUICE_DEAD_LETTER_TOPIC, and checks the name', () => {
    expect(resolveApplicationConfig({}, {}).deadLetterTopic).toBeUndefined();
    expect(resolveApplicationConfig({}, { SLUICE_DEAD_LETTER_TOPIC: 'env-dlq' }).deadLetterTopic).toBe('env-dlq');
    expect(resolveApplicationConfig({ deadLetterTopic: 'mine' }, { SLUICE_DEAD_LETTER_TOPIC: 'env-dlq' }).deadLetterTopic).toBe('mine');
    expect(() => new Application({ deadLetterTopic: 'a/b' })).toThrow("Application option 'deadLetterTopic' is invalid: must be a Kafka topic name");
  });

  it('takes the processing guarantee from the option, else SLUICE_PROCESSING_GUARANTEE, else at-least-once', () => {
    expect(resolveApplicationConfig({}, {}).processingGuarantee).toBe('at-least-once');
    expect(resolveApplicationConfig({}, { SLUICE_PROCESSING_GUARANTEE: 'exactly-once' }).processingGuarantee).toBe('exactly-once');
    expect(resolveApplicationConfig({ processingGuarantee: 'at-least-once' }, { SLUICE_PROCESSING_GUARANTEE: 'exactly-once' }).processingGuarantee).toBe('at-least-once');
    expect(() => resolveApplicationConfig({ processingGuarantee: 'exactly_once' as never }, {})).toThrow("Application option 'processingGuarantee' is invalid");
    expect(() => resolveApplicationConfig({}, { SLUICE_PROCESSING_GUARANTEE: 'twice' })).toThrow("Application environment variable for option 'processingGuarantee' is invalid");
    expect(() => resolveApplicationConfig({ processingGuarantee: 'exactly-once', onProducerError: () => true }, {})).toThrow(/'onProducerError' cannot be used with processingGuarantee 'exactly-once'/);
  });

  it('names a bad environment variable value', () => {
    expect(() => resolveApplicationConfig({}, { SLUICE_BROKER_ADDRESS: 'nope' })).toThrow("Application environment variable for option 'brokerAddress' is invalid");
  });

  it('refuses to run without a dataframe', async () => {
    await expect(new Application({ logLevel: 'silent' }).run()).rejects.toThrow('nothing to run: declare a dataframe with app.dataframe(topic) or a source with app.addSource(source) before app.run()');
  });

  it('registers declared topics and rejects conflicting redeclarations', () => {
    const app = new Application({ logLevel: 'silent' });
    const a = app.topic('a', { config: { numPartitions: 2 } });
    app.dataframe(a).toTopic(app.topic('b'));
    expect(app.topics.all().map((t) => t.name)).toEqual(['a', 'b']);
    expect(() => app.topic('a', { config: { numPartitions: 3 } })).toThrow("topic 'a' is declared twice with different settings");
  });
});
