import { describe, expect, it } from 'vitest';
import { StreamingDataFrame } from '../dataframe/streaming-data-frame.ts';
import type { RawMessage } from '../topics/message-context.ts';
import { Topic } from '../topics/topic.ts';
import { TestDriver } from '../testing/test-driver.ts';
import { Application } from './application.ts';
import { DEAD_LETTER_HEADERS as H } from './dead-letter.ts';
import { Processor, type BatchResult } from './processor.ts';

interface Reading {
  sensor: string;
  temp: number;
}

const readings = new Topic<Reading>('readings');
const out = new Topic<number>('temps');
const deadLetters = { topic: 'readings-dlq', app: 'sensor-app' };

function msg(offset: number, value: string | Buffer | null, headers: RawMessage['headers'] = {}): RawMessage {
  return { key: Buffer.from(`k${offset}`), value: typeof value === 'string' ? Buffer.from(value) : value, headers, timestamp: 5000 + offset, offset };
}

const process = (p: Processor, ...messages: RawMessage[]): BatchResult => p.process({ topic: 'readings', partition: 3, messages });
const outputs = (r: BatchResult) => r.produced.filter((x) => x.topic === 'temps').map((x) => Number(x.value!.toString()));
const letters = (r: BatchResult) => r.produced.filter((x) => x.topic === deadLetters.topic);

function failingOnNegative(): StreamingDataFrame<number, string> {
  return StreamingDataFrame.fromTopic(readings).apply((r) => {
    if (r.temp < 0) throw new RangeError(`negative temperature ${r.temp}`);
    return r.temp;
  });
}

describe('dead-letter topic', () => {
  it('writes a message that cannot be deserialized there with its original bytes and error headers, and goes on', () => {
    const p = new Processor({ dataframes: [failingOnNegative().toTopic(out)], deadLetters });
    const result = process(p, msg(0, '{"sensor":"a","temp":1}'), msg(1, '{not json', { trace: 'abc' }), msg(2, '{"sensor":"c","temp":3}'));
    expect(result.error).toBeUndefined();
    expect(result.lastProcessedOffset).toBe(2);
    expect(outputs(result)).toEqual([1, 3]);
    const [letter, ...more] = letters(result);
    expect(more).toEqual([]);
    expect(letter!.key!.toString()).toBe('k1');
    expect(letter!.value!.toString()).toBe('{not json');
    expect(letter!.timestamp).toBe(5001);
    expect(letter!.headers).toMatchObject({
      trace: 'abc',
      [H.errorClass]: 'DeserializationError',
      [H.operator]: 'deserialize-value',
      [H.topic]: 'readings',
      [H.partition]: '3',
      [H.offset]: '1',
      [H.app]: 'sensor-app',
    });
    expect(letter!.headers[H.errorMessage]).toMatch(/^cannot deserialize the value of the message at topic 'readings' partition 3 offset 1: /);
    expect(p.stats).toMatchObject({ processed: 3, produced: 2, deadLettered: 1, skippedDeserializationErrors: 0 });
  });

  it('writes a message a callback throws on there, without the outputs its other branches made', () => {
    const root = StreamingDataFrame.fromTopic(readings);
    root.apply((r) => r.temp * 100).toTopic(out);
    root.apply((r) => {
      if (r.temp < 0) throw new RangeError(`negative temperature ${r.temp}`);
      return r.temp;
    }).toTopic(out);
    const p = new Processor({ dataframes: [root], deadLetters });
    const result = process(p, msg(0, '{"sensor":"a","temp":1}'), msg(1, '{"sensor":"b","temp":-2}'), msg(2, '{"sensor":"c","temp":3}'));
    expect(outputs(result)).toEqual([100, 1, 300, 3]);
    const [letter] = letters(result);
    expect(letter!.value!.toString()).toBe('{"sensor":"b","temp":-2}');
    expect(letter!.headers).toMatchObject({ [H.errorClass]: 'ProcessingError', [H.operator]: 'apply', [H.offset]: '1' });
    expect(letter!.headers[H.errorMessage]).toContain('negative temperature -2');
    expect(result.lastProcessedOffset).toBe(2);
  });

  it('names a tombstone and an empty value as such', () => {
    const p = new Processor({ dataframes: [failingOnNegative().toTopic(out)], deadLetters });
    const result = process(p, msg(0, null), msg(1, Buffer.alloc(0)));
    const [tombstone, empty] = letters(result);
    expect(tombstone!.value).toBeNull();
    expect(tombstone!.headers).toMatchObject({ [H.errorClass]: 'TombstoneError', [H.operator]: 'deserialize-value', [H.offset]: '0' });
    expect(tombstone!.headers[H.errorMessage]).toContain('is a tombstone');
    expect(empty!.value).toEqual(Buffer.alloc(0));
    expect(empty!.headers).toMatchObject({ [H.errorClass]: 'DeserializationError', [H.offset]: '1' });
    expect(result.lastProcessedOffset).toBe(1);
  });

  it('lets onDeserializationError and onProcessingError skip a message before it would be dead-lettered', () => {
    const p = new Processor({
      dataframes: [failingOnNegative().toTopic(out)],
      deadLetters,
      onDeserializationError: (e) => e.offset === 0,
      onProcessingError: (e) => e.offset === 2,
    });
    const result = process(p, msg(0, 'bad'), msg(1, 'bad too'), msg(2, '{"sensor":"b","temp":-2}'), msg(3, '{"sensor":"b","temp":-3}'));
    expect(letters(result).map((l) => l.headers[H.offset])).toEqual(['1', '3']);
    expect(p.stats).toMatchObject({ skippedDeserializationErrors: 1, skippedProcessingErrors: 1, deadLettered: 2 });
    expect(result.lastProcessedOffset).toBe(3);
  });

  it('in an app: a dead-lettered message leaves no state change, and the dead letters can be read back as bytes', async () => {
    const app = new Application({ consumerGroup: 'counter', deadLetterTopic: 'counter-dlq', logLevel: 'silent' });
    const words = app.topic<{ word: string }>('words');
    app
      .dataframe(words)
      .apply((w, state) => {
        const count = state.get('count', 0) + 1;
        state.set('count', count);
        if (w.word === 'cursed') throw new Error('cursed word');
        return count;
      }, { stateful: true })
      .toTopic(app.topic<number>('counts'));
    const driver = new TestDriver(app);
    driver.send('words', { word: 'w' }, { key: 'w' });
    driver.send('words', { word: 'cursed' }, { key: 'w' });
    driver.sendRaw('words', Buffer.from('{"word":'), { key: Buffer.from('w') });
    driver.send('words', { word: 'w' }, { key: 'w' });
    expect(driver.read('counts').map((r) => r.value)).toEqual([1, 2]);
    const dlq = driver.read<Buffer, Buffer>('counter-dlq');
    expect(dlq.map((r) => [r.key.toString(), r.value.toString(), r.headers[H.errorClass]])).toEqual([
      ['w', '{"word":"cursed"}', 'ProcessingError'],
      ['w', '{"word":', 'DeserializationError'],
    ]);
    expect(app.topics.get('counter-dlq')).toBeDefined();
    await driver.close();
  });

  it('refuses a dead-letter topic the app also reads', () => {
    const app = new Application({ consumerGroup: 'loop', deadLetterTopic: 'readings', logLevel: 'silent' });
    app.dataframe(app.topic<Reading>('readings')).toTopic(app.topic('x'));
    expect(() => app.createProcessor()).toThrow("deadLetterTopic 'readings' is also an input of this app");
  });
});
