// Produces random e-commerce transactions to `transactions`, keyed by user_id.
//   npx tsx apps/transactions-producer.ts --count 1000 --rate 50 --broker localhost:9092
import { faker as defaultFaker, type Faker } from '@faker-js/faker';
import { Kafka, logLevel, type Producer } from 'kafkajs';
import { isMain, parseAppFlags } from './app-flags.ts';

/** One purchase, as the course exercise defines it. */
export interface Transaction {
  transaction_id: string;
  user_id: string;
  product_id: string;
  /** Price paid, two decimals. */
  amount: number;
  /** ISO-8601 time of the purchase. */
  timestamp: string;
}

export const TRANSACTIONS_TOPIC = 'transactions';

/**
 * A random transaction: 100 users, 20 products, amounts from 5 to 500.
 *
 * @example
 * ```ts
 * makeTransaction(faker, new Date('2026-11-23T00:00:00Z'));
 * // { transaction_id: '6b04…', user_id: 'user_43', product_id: 'product_7', amount: 479.15, timestamp: '2026-11-23T00:00:00.000Z' }
 * ```
 */
export function makeTransaction(faker: Faker = defaultFaker, at: Date = new Date()): Transaction {
  return {
    transaction_id: faker.string.uuid(),
    user_id: `user_${faker.number.int({ min: 1, max: 100 })}`,
    product_id: `product_${faker.number.int({ min: 1, max: 20 })}`,
    amount: Number(faker.commerce.price({ min: 5, max: 500, dec: 2 })),
    timestamp: at.toISOString(),
  };
}

/** Options of {@link produceTransactions}. */
export interface ProduceTransactionsOptions {
  producer: Producer;
  /** How many transactions; default unbounded (until `signal` aborts). */
  count?: number;
  /** Transactions per second; 0 = as fast as possible. */
  rate?: number;
  signal?: AbortSignal;
  faker?: Faker;
  /** Called after each sent batch with the running total. */
  onProgress?: (sent: number) => void;
}

/**
 * Sends transactions in batches (at most 100 per send, paced to `rate`); resolves with how many
 * were sent.
 *
 * @example
 * ```ts
 * const sent = await produceTransactions({ producer, count: 500, rate: 0 });
 * ```
 */
export async function produceTransactions(options: ProduceTransactionsOptions): Promise<number> {
  const { producer, count = Infinity, rate = 0, signal, faker = defaultFaker } = options;
  const batchSize = rate > 0 ? Math.max(1, Math.min(100, Math.round(rate / 10))) : 100;
  const started = Date.now();
  let sent = 0;
  while (sent < count && !signal?.aborted) {
    const n = Math.min(batchSize, count - sent);
    const now = Date.now();
    const messages = Array.from({ length: n }, () => {
      const t = makeTransaction(faker, new Date(now));
      return { key: t.user_id, value: JSON.stringify(t), timestamp: String(now) };
    });
    await producer.send({ topic: TRANSACTIONS_TOPIC, messages });
    sent += n;
    options.onProgress?.(sent);
    if (rate > 0) {
      const due = started + (sent / rate) * 1000;
      const wait = due - Date.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    }
  }
  return sent;
}

async function main(): Promise<void> {
  const flags = parseAppFlags({ name: 'transactions-producer', description: `Produces random e-commerce transactions to "${TRANSACTIONS_TOPIC}", keyed by user_id`, kind: 'producer' });
  const kafka = new Kafka({ clientId: 'transactions-producer', brokers: [flags.broker], logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic: TRANSACTIONS_TOPIC, numPartitions: 3 }] });
  await admin.disconnect();
  const producer = kafka.producer();
  await producer.connect();
  const stop = new AbortController();
  process.once('SIGINT', () => stop.abort());
  const sent = await produceTransactions({
    producer,
    count: flags.count,
    rate: flags.rate,
    signal: stop.signal,
    onProgress: (n) => {
      if (n % 1000 === 0) console.log(`sent ${n} transactions`);
    },
  });
  await producer.disconnect();
  console.log(`sent ${sent} transactions to "${TRANSACTIONS_TOPIC}"`);
}

if (isMain(import.meta.url)) await main();
