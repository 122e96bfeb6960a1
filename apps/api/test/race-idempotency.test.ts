/**
 * The race demo honours Idempotency-Key like every mutation: a retry replays the
 * race's answer and holds no stock a second time (it used to run twice), the same
 * key with another body is refused, and a malformed key is refused.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { appCodeOf, startTestApi, type TestApi } from './harness.js';

let api: TestApi;
let admin = '';
beforeAll(async () => {
  api = await startTestApi();
  admin = await api.login('admin@example.com');
});
afterAll(() => api?.stop());

const SKU = 'EL-HDP-001';
const reserved = async () =>
  Number(
    (
      await sql<{
        n: number;
      }>`select l.reserved as n from stock_levels l join products p on p.id = l.product_id
        join warehouses w on w.id = l.warehouse_id where p.sku = ${SKU} and w.code = 'NYC-1'`.execute(
        api.database.db,
      )
    ).rows[0]?.n,
  );

it('a retried race with its key replays the answer and holds nothing more', async () => {
  const input = { sku: SKU, warehouseId: 'NYC-1', buyers: 3, quantityEach: 1 };
  const keyed = api.client(admin, { headers: { 'idempotency-key': `race-${Date.now()}` } });
  const before = await reserved();
  const answers = await Promise.all([keyed.demo.race.mutate(input), keyed.demo.race.mutate(input)]);
  const again = await keyed.demo.race.mutate(input);
  expect(answers[1]).toEqual(answers[0]);
  expect(again).toEqual(answers[0]);
  expect(answers[0].succeeded).toBe(3);
  expect(await reserved()).toBe(before + 3);
  expect(await appCodeOf(keyed.demo.race.mutate({ ...input, buyers: 4 }))).toBe('IDEMPOTENCY_KEY_REUSED');
  const badKey = api.client(admin, { headers: { 'idempotency-key': 'has space' } });
  expect(await appCodeOf(badKey.demo.race.mutate(input))).toBe('VALIDATION_FAILED');
  expect(await reserved()).toBe(before + 3);
  // Without a key, each call is a new race.
  await api.client(admin).demo.race.mutate(input);
  expect(await reserved()).toBe(before + 6);
});
