import { Faker, en } from '@faker-js/faker';
import { describe, expect, it } from 'vitest';
import { cleanOrder } from '../../apps/orders-pipeline.ts';
import { makeRawOrder, type RawOrder } from '../../apps/raw-orders-producer.ts';

const raw = (over: Partial<RawOrder> = {}): RawOrder => ({ order_id: 'o1', customer_id: 'customer_1', product: ' PRODUCT_3 ', quantity: '2', unit_price: '19.99', ordered_at: '2026-12-02T18:00:00.000Z', ...over });

describe('seed 003: cleaning raw orders', () => {
  it('normalises the product id, parses numbers and recomputes the amount', () => {
    expect(cleanOrder(raw())).toEqual({
      ok: true,
      order: { order_id: 'o1', customer_id: 'customer_1', product_id: 'product_3', quantity: 2, unit_price: 19.99, amount: 39.98, ordered_at: '2026-12-02T18:00:00.000Z' },
    });
  });

  it('refuses, with the reason, an order without a product, a bad quantity, price or time', () => {
    expect(cleanOrder(raw({ product: '' }))).toEqual({ ok: false, reason: 'no product' });
    expect(cleanOrder(raw({ quantity: 0 }))).toMatchObject({ ok: false, reason: 'quantity must be a positive integer, got 0' });
    expect(cleanOrder(raw({ quantity: '-3' }))).toMatchObject({ ok: false });
    expect(cleanOrder(raw({ quantity: 1.5 }))).toMatchObject({ ok: false });
    expect(cleanOrder(raw({ unit_price: 'n/a' }))).toMatchObject({ ok: false, reason: 'unit_price must be a positive number, got "n/a"' });
    expect(cleanOrder(raw({ ordered_at: 'yesterday' }))).toMatchObject({ ok: false, reason: 'ordered_at is not a time: "yesterday"' });
  });

  it('recovers the order the checkout meant from every raw order the producer makes, and refuses exactly the faulty ones', () => {
    const faker = new Faker({ locale: [en] });
    faker.seed(7);
    let faults = 0;
    for (let i = 0; i < 2000; i++) {
      const { raw: r, clean, fault } = makeRawOrder(faker, new Date(1_700_000_000_000 + i));
      const check = cleanOrder(r);
      if (clean) expect(check).toEqual({ ok: true, order: clean });
      else {
        faults++;
        expect(check.ok, fault).toBe(false);
      }
    }
    expect(faults).toBeGreaterThan(50);
  });
});
