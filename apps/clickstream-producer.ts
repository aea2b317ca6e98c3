// Seed 002: produces random website click-stream events (clicks, page views, add-to-cart) to
// `click_stream_data`, keyed by session id so one session's events stay in order on one partition.
//   npx tsx apps/clickstream-producer.ts --rate 20 --broker localhost:9092
import { faker as defaultFaker, type Faker } from '@faker-js/faker';
import { Application, GeneratorSource } from '../src/index.ts';
import type { LogLevel } from '../src/logger.ts';
import { isMain, parseAppFlags } from './app-flags.ts';

/** What a visitor did. */
export type ClickEventType = 'click' | 'page_view' | 'add_to_cart';

/** The device class a session runs on. */
export type Device = 'desktop' | 'mobile' | 'tablet';

/** One click-stream event, as produced to `click_stream_data`. */
export interface ClickEvent {
  event_id: string;
  event_type: ClickEventType;
  session_id: string;
  user_id: string;
  /** Path of the page the event happened on, e.g. `/products/42`. */
  page: string;
  /** Where the session came from: a URL, or `direct`. */
  referrer: string;
  device: Device;
  /** ISO-8601 time of the event. */
  timestamp: string;
}

export const CLICK_STREAM_TOPIC = 'click_stream_data';

const EVENT_TYPES: readonly ClickEventType[] = ['page_view', 'page_view', 'click', 'click', 'click', 'add_to_cart'];
const DEVICES: readonly Device[] = ['desktop', 'desktop', 'mobile', 'mobile', 'mobile', 'tablet'];
const PAGES: readonly string[] = ['/', '/search', '/cart', '/checkout', '/account', ...Array.from({ length: 15 }, (_, i) => `/products/${i + 1}`)];
/** Sessions open at once; each event belongs to one of them. */
const OPEN_SESSIONS = 25;
/** Chance that a session ends after an event (a new one takes its place). */
const SESSION_END_CHANCE = 0.08;

interface Session {
  session_id: string;
  user_id: string;
  referrer: string;
  device: Device;
}

/**
 * Makes click-stream events of a changing set of open visitor sessions: each event belongs to one
 * of 25 open sessions (its user, referrer and device), and a session ends now and then for a new
 * one. Pages are `/`, `/search`, `/cart`, `/checkout`, `/account` and `/products/1..15`.
 *
 * @example
 * ```ts
 * const next = clickEventGenerator(faker);
 * next(new Date('2026-12-02T18:00:00Z'));
 * // { event_id: '0c1e…', event_type: 'click', session_id: 'b7a0…', user_id: 'user_412', page: '/products/7', referrer: 'direct', device: 'mobile', timestamp: '2026-12-02T18:00:00.000Z' }
 * ```
 */
export function clickEventGenerator(faker: Faker = defaultFaker): (at?: Date) => ClickEvent {
  const newSession = (): Session => ({
    session_id: faker.string.uuid(),
    user_id: `user_${faker.number.int({ min: 1, max: 500 })}`,
    referrer: faker.datatype.boolean() ? 'direct' : faker.internet.url({ appendSlash: false }),
    device: faker.helpers.arrayElement(DEVICES),
  });
  const sessions = Array.from({ length: OPEN_SESSIONS }, newSession);
  return (at = new Date()) => {
    const slot = faker.number.int({ min: 0, max: OPEN_SESSIONS - 1 });
    const session = sessions[slot]!;
    if (faker.number.float({ min: 0, max: 1 }) < SESSION_END_CHANCE) sessions[slot] = newSession();
    return {
      event_id: faker.string.uuid(),
      event_type: faker.helpers.arrayElement(EVENT_TYPES),
      ...session,
      page: faker.helpers.arrayElement(PAGES),
      timestamp: at.toISOString(),
    };
  };
}

/** Options of {@link createClickstreamProducer}: where to produce, how many and how fast. */
export interface ClickstreamProducerOptions {
  /** Default: env SLUICE_BROKER_ADDRESS, else localhost:9092. */
  brokerAddress?: string;
  /** How many events; default unbounded (until Ctrl-C or `app.stop()`). */
  count?: number;
  /** Events per second; 0 = as fast as possible. */
  rate?: number;
  /** Default `click_stream_data`. */
  topic?: string;
  /** Seed it for reproducible events. */
  faker?: Faker;
  /** The time of event number `i`; default: now. */
  clock?: (i: number) => Date;
  logLevel?: LogLevel;
  /** Called with each event produced (e.g. a test's ground truth). */
  onEvent?: (event: ClickEvent) => void;
  /** Called with the running total every `every` events (default 1000). */
  onProgress?: (produced: number) => void;
  every?: number;
}

/**
 * The producer app: a {@link GeneratorSource} of click-stream events feeding `click_stream_data`
 * (3 partitions, key = session_id, message timestamp = the event's). `produced()` counts what it
 * generated; once `app.run()` has resolved, all of it is acknowledged.
 *
 * @example
 * ```ts
 * const { app, produced } = createClickstreamProducer({ brokerAddress: 'localhost:9092', count: 1000, rate: 100 });
 * await app.run();
 * console.log(produced()); // 1000
 * ```
 */
export function createClickstreamProducer(options: ClickstreamProducerOptions = {}): { app: Application; produced: () => number } {
  const { every = 1000, clock = () => new Date() } = options;
  const next = clickEventGenerator(options.faker ?? defaultFaker);
  const app = new Application({ clientId: 'clickstream-producer', ...(options.brokerAddress ? { brokerAddress: options.brokerAddress } : {}), ...(options.logLevel ? { logLevel: options.logLevel } : {}) });
  const topic = app.topic<ClickEvent>(options.topic ?? CLICK_STREAM_TOPIC, { config: { numPartitions: 3 } });
  let produced = 0;
  const source = new GeneratorSource<ClickEvent>({
    name: 'clickstream-producer',
    ...(options.count === undefined ? {} : { count: options.count }),
    rate: options.rate ?? 0,
    generate: (i) => {
      const event = next(clock(i));
      produced++;
      options.onEvent?.(event);
      if (produced % every === 0) options.onProgress?.(produced);
      return { key: event.session_id, value: event, timestamp: Date.parse(event.timestamp) };
    },
  });
  app.addSource(source, topic);
  return { app, produced: () => produced };
}

if (isMain(import.meta.url)) {
  const flags = parseAppFlags({ name: 'clickstream-producer', description: `Produces random click-stream events (click, page_view, add_to_cart) to "${CLICK_STREAM_TOPIC}", keyed by session_id`, kind: 'producer' });
  const { app, produced } = createClickstreamProducer({ brokerAddress: flags.broker, count: flags.count, rate: flags.rate, onProgress: (n) => console.log(`sent ${n} events`) });
  await app.run(); // until --count is reached or Ctrl-C
  console.log(`sent ${produced()} events to "${CLICK_STREAM_TOPIC}"`);
}
