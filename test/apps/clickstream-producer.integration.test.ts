import { faker } from '@faker-js/faker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clickEventGenerator, createClickstreamProducer, type ClickEvent } from '../../apps/clickstream-producer.ts';
import { consumeAll, topicEndOffset, uniqueName, useTestBroker, type TestBroker } from '../support/test-broker.ts';

let broker: TestBroker;
beforeAll(async () => {
  broker = await useTestBroker();
});
afterAll(async () => {
  await broker?.close();
});

describe('clickstream-producer (seed 002)', () => {
  it('makes events of open sessions: a session keeps its user, referrer and device', () => {
    faker.seed(3);
    const next = clickEventGenerator(faker);
    const events = Array.from({ length: 2000 }, (_, i) => next(new Date(Date.UTC(2026, 11, 2, 18, 0, i))));
    expect(new Set(events.map((e) => e.event_id)).size).toBe(2000);
    expect(new Set(events.map((e) => e.event_type))).toEqual(new Set(['click', 'page_view', 'add_to_cart']));
    expect(new Set(events.map((e) => e.device))).toEqual(new Set(['desktop', 'mobile', 'tablet']));
    const sessions = new Map<string, string>();
    for (const e of events) {
      const identity = `${e.user_id}|${e.referrer}|${e.device}`;
      expect(sessions.get(e.session_id) ?? identity).toBe(identity);
      sessions.set(e.session_id, identity);
      expect(e.page).toMatch(/^\/(search|cart|checkout|account|products\/\d+)?$/);
      expect(e.referrer === 'direct' || /^https?:\/\//.test(e.referrer)).toBe(true);
    }
    // sessions end and new ones begin, several events each
    expect(sessions.size).toBeGreaterThan(100);
    expect(sessions.size).toBeLessThan(500);
    expect(events[1999]!.timestamp).toBe('2026-12-02T18:33:19.000Z');
  });

  it('produces --count events keyed by session to a 3-partition topic, a session in production order', async () => {
    const topic = uniqueName('click_stream_data');
    faker.seed(11);
    const sent: ClickEvent[] = [];
    const progress: number[] = [];
    const { app, produced } = createClickstreamProducer({ brokerAddress: broker.address, topic, count: 300, faker, logLevel: 'silent', every: 100, onEvent: (e) => sent.push(e), onProgress: (n) => progress.push(n) });
    await app.run();
    expect(produced()).toBe(300);
    expect(progress).toEqual([100, 200, 300]);

    const records = await consumeAll(broker.address, topic, 300);
    expect(await topicEndOffset(broker.address, topic)).toBe(300);
    const received = records.map((r) => ({ key: r.key, partition: r.partition, offset: Number(r.offset), event: JSON.parse(r.value!) as ClickEvent }));
    expect(received.map((r) => r.event).sort(byId)).toEqual([...sent].sort(byId));
    for (const { key, event } of received) expect(key).toBe(event.session_id);
    expect(new Set(received.map((r) => r.partition))).toEqual(new Set([0, 1, 2]));
    // one session: one partition, and its events in the order produced
    const sentOrder = new Map(sent.map((e, i) => [e.event_id, i]));
    const bySession = new Map<string, typeof received>();
    for (const r of received) bySession.set(r.event.session_id, [...(bySession.get(r.event.session_id) ?? []), r]);
    for (const events of bySession.values()) {
      expect(new Set(events.map((e) => e.partition)).size).toBe(1);
      const order = events.sort((a, b) => a.offset - b.offset).map((e) => sentOrder.get(e.event.event_id)!);
      expect(order).toEqual([...order].sort((a, b) => a - b));
    }
  });
});

function byId(a: ClickEvent, b: ClickEvent): number {
  return a.event_id.localeCompare(b.event_id);
}
