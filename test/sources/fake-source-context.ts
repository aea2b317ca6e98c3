// A SourceContext without Kafka for unit tests: records what a source produced and the positions it
// set; `sleep` moves a fake clock (vi.useFakeTimers({ toFake: ['Date'] })) instead of waiting.
import pino from 'pino';
import { vi } from 'vitest';
import type { ProduceMessage } from '../../src/kafka/sluice-producer.ts';
import type { SourceContext } from '../../src/sources/base/source.ts';
import { Topic } from '../../src/topics/topic.ts';

export interface FakeSourceContext<V, K, P> extends SourceContext<V, K, P> {
  readonly produced: Array<ProduceMessage<V, K> & { at: number }>;
  readonly positions: P[];
  readonly progressReports: Array<{ done: number; total: number; unit?: string }>;
  readonly slept: number[];
  readonly abort: AbortController;
}

export function fakeSourceContext<V, K = string, P = unknown>(options: { position?: P; topic?: string; stopAfter?: number } = {}): FakeSourceContext<V, K, P> {
  const abort = new AbortController();
  const produced: FakeSourceContext<V, K, P>['produced'] = [];
  const positions: P[] = [];
  const progressReports: FakeSourceContext<V, K, P>['progressReports'] = [];
  const slept: number[] = [];
  return {
    topic: new Topic<V, K>(options.topic ?? 'out'),
    position: options.position,
    signal: abort.signal,
    logger: pino({ level: 'silent' }),
    produce(message) {
      produced.push({ ...message, at: Date.now() });
      if (options.stopAfter !== undefined && produced.length >= options.stopAfter) abort.abort();
      return true;
    },
    drain: async () => undefined,
    setPosition: (p) => void positions.push(p),
    progress: (done, total, unit) => void progressReports.push({ done, total, unit }),
    sleep: async (ms) => {
      slept.push(ms);
      vi.setSystemTime(Date.now() + ms);
    },
    produced,
    positions,
    progressReports,
    slept,
    abort,
  };
}
