/**
 * A mutation may store its idempotency answer in its own last write
 * (`AnswerStore`): the checkout's order insert and the payment's status update
 * do. The stored answer must be the very answer given — the same JSON text —
 * and when a foreseen answer is not the one returned, the returned one is stored.
 */
import { createTestDatabase, type TestDatabase } from '@stockroom/db/testing';
import { sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { runMutation } from '../src/idempotency/index.js';
import { paymentSucceeded, startCheckout } from './core.js';
import { makeProduct, makeWarehouse, service, stock } from './factories.js';

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(() => t.destroy());

const scope = (key: string) => ({ principal: 'test', procedure: 'p', key });
const ctx = (key: string) => ({ db: t.db, actor: service, idempotency: scope(key) });

/** The stored answer's text, as the replay reads it. */
async function storedText(key: string): Promise<string> {
  const row = await sql<{ response: string }>`
    select response::text as response from idempotency_records where key = ${key}`.execute(t.db);
  return row.rows[0]?.response as string;
}

it('checkout and payment store their answers in their own writes, text for text, and replay them', async () => {
  const w = await makeWarehouse(t.db, { latitude: 40.7, longitude: -74 });
  const p = await makeProduct(t.db, { priceMinor: 1999 });
  await stock(t.db, w.id, p.sku, 5);
  const input = {
    lines: [{ sku: p.sku, quantity: 2 }],
    shipTo: { latitude: 40.7, longitude: -74, address: 'x' },
  };
  const order = await startCheckout(ctx('start-1'), input);
  expect(await storedText('start-1')).toBe(JSON.stringify(order));
  expect(JSON.stringify(await startCheckout(ctx('start-1'), input))).toBe(JSON.stringify(order));

  const payment = { orderId: order.id, paymentReference: 'psp-1' };
  const paid = await paymentSucceeded(ctx('pay-1'), payment);
  expect(paid).toMatchObject({ status: 'paid', version: order.version + 1, expiresAt: null });
  expect(await storedText('pay-1')).toBe(JSON.stringify(paid));
  expect(JSON.stringify(await paymentSucceeded(ctx('pay-1'), payment))).toBe(JSON.stringify(paid));
});

it('a foreseen answer that is not the one returned is replaced by the returned one', async () => {
  const run = () =>
    runMutation(t.db, scope('foreseen-wrong'), {}, async (trx, answer) => {
      await sql`with x as (select 1) ${answer.ctes({ n: 1 })} select 1`.execute(trx);
      return { n: 2 };
    });
  expect((await run()).result).toEqual({ n: 2 });
  expect(await storedText('foreseen-wrong')).toBe('{"n":2}');
  expect(await run()).toEqual({ result: { n: 2 }, replayed: true });
});
