// Produces random e-commerce transactions to `transactions`, keyed by user_id.
//   npx tsx apps/transactions-producer.ts --count 1000 --rate 50 --broker localhost:9092
import { faker as defaultFaker, type Faker } from '@faker-js/faker';
import { Application, GeneratorSource } from '../src/index.ts';
import type { LogLevel } from '../src/logger.ts';
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

/** Options of {@link createTransactionsProducer}: where to produce, how many and how fast. */
export interface TransactionsProducerOptions {
  /** Default: env SLUICE_BROKER_ADDRESS, else localhost:9092. */
  brokerAddress?: string;
  /** How many transactions; default unbounded (until Ctrl-C or `app.stop()`). */
  count?: number;
  /** Transactions per second; 0 = as fast as possible. */
  rate?: number;
  /** Default `transactions`. */
  topic?: string;
  /** Seed it for reproducible transactions. */
  faker?: Faker;
  logLevel?: LogLevel;
  /** Called with the running total every `every` transactions (default 1000). */
  onProgress?: (produced: number) => void;
  every?: number;
}

/**
 * The producer app: a {@link GeneratorSource} of random transactions feeding `transactions`
 * (3 partitions, key = user_id, message timestamp = the transaction's). `produced()` counts what
 * it generated; once `app.run()` has resolved, all of it is acknowledged.
 *
 * @example
 * ```ts
 * const { app, produced } = createTransactionsProducer({ brokerAddress: 'localhost:9092', count: 500, rate: 50 });
 * await app.run();
 * console.log(produced()); // 500
 * ```
 */
export function createTransactionsProducer(options: TransactionsProducerOptions = {}): { app: Application; produced: () => number } {
  const { faker = defaultFaker, every = 1000 } = options;
  const app = new Application({ clientId: 'transactions-producer', ...(options.brokerAddress ? { brokerAddress: options.brokerAddress } : {}), ...(options.logLevel ? { logLevel: options.logLevel } : {}) });
  const topic = app.topic<Transaction>(options.topic ?? TRANSACTIONS_TOPIC, { config: { numPartitions: 3 } });
  let produced = 0;
  const source = new GeneratorSource<Transaction>({
    name: 'transactions-producer',
    ...(options.count === undefined ? {} : { count: options.count }),
    rate: options.rate ?? 0,
    generate: () => {
      const t = makeTransaction(faker, new Date());
      produced++;
      if (produced % every === 0) options.onProgress?.(produced);
      return { key: t.user_id, value: t, timestamp: Date.parse(t.timestamp) };
    },
  });
  app.addSource(source, topic);
  return { app, produced: () => produced };
}

if (isMain(import.meta.url)) {
  const flags = parseAppFlags({ name: 'transactions-producer', description: `Produces random e-commerce transactions to "${TRANSACTIONS_TOPIC}", keyed by user_id`, kind: 'producer' });
  const { app, produced } = createTransactionsProducer({ brokerAddress: flags.broker, count: flags.count, rate: flags.rate, onProgress: (n) => console.log(`sent ${n} transactions`) });
  await app.run(); // until --count is reached or Ctrl-C
  console.log(`sent ${produced()} transactions to "${TRANSACTIONS_TOPIC}"`);
}
