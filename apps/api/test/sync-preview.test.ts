/**
 * inventory.syncPreview: a stock count judged row by row as sync would apply
 * it (changed / unchanged / stale / invalid with the reason), writing nothing;
 * then the valid rows applied through inventory.sync do what the preview said.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from './harness.js';

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi();
});
afterAll(() => api?.stop());

async function ledger() {
  const { rows } = await sql<{ movements: number; onHand: number }>`
    select (select count(*)::int from stock_movements) as movements,
           (select sum(on_hand)::int from stock_levels) as "onHand"`.execute(api.database.db);
  return rows[0];
}

describe('inventory.syncPreview', () => {
  it('judges each row without writing, and sync then does what it said', async () => {
    const client = api.client(await api.login('staff@example.com'));
    const level = await client.inventory.get.query({ warehouseId: 'NYC-1', sku: 'EL-HDP-001' });
    const chi = await client.inventory.get.query({ warehouseId: 'CHI-1', sku: 'EL-HDP-001' });
    const before = await ledger();
    const preview = await client.inventory.syncPreview.mutate({
      rows: [
        {
          warehouse: 'NYC-1',
          sku: 'EL-HDP-001',
          onHand: level.onHand + 5,
          countedAt: new Date().toISOString(),
        },
        { warehouse: 'CHI-1', sku: 'EL-HDP-001', onHand: chi.onHand },
        { warehouse: 'CHI-1', sku: 'HM-CND-001', onHand: 3, countedAt: '2020-01-01T00:00:00Z' },
        { warehouse: 'DFW-1', sku: 'EL-HDP-001', onHand: 1 },
        { warehouse: 'NOPE-1', sku: 'EL-HDP-001', onHand: 1 },
        { warehouse: 'NYC-1', sku: 'NO-SUCH-SKU', onHand: 1 },
        { warehouse: 'NYC-1', sku: 'EL-HDP-001', onHand: 7 },
        { warehouse: 'NYC-1', sku: 'HM-CND-001', onHand: -1 },
        { warehouse: 'NYC-1', sku: 'HM-CND-001', onHand: 2, countedAt: 'yesterday' },
      ],
    });
    expect(preview.rows.map((r) => [r.row, r.status])).toEqual([
      [1, 'changed'],
      [2, 'unchanged'],
      [3, 'stale'],
      [4, 'invalid'],
      [5, 'invalid'],
      [6, 'invalid'],
      [7, 'invalid'],
      [8, 'invalid'],
      [9, 'invalid'],
    ]);
    expect(preview.rows.map((r) => r.reason)).toEqual([
      null,
      null,
      'counted before the last change of this level',
      'not one of your warehouses (DFW-1)',
      'unknown warehouse "NOPE-1"',
      'unknown SKU "NO-SUCH-SKU"',
      'the same warehouse and SKU appear earlier in the file',
      'on hand must be a whole number ≥ 0',
      expect.stringContaining('counted at must be'),
    ]);
    expect(preview.rows[0]?.current?.onHand).toBe(level.onHand);
    expect(preview.counts).toEqual({ changed: 1, unchanged: 1, stale: 1, invalid: 6 });
    expect(await ledger()).toEqual(before);

    const valid = preview.rows.filter((r) => r.status !== 'invalid');
    const applied = await client.inventory.sync.mutate({
      items: valid.map((r) => ({
        warehouseId: r.warehouseId as string,
        sku: r.sku,
        onHand: r.onHand,
        ...(r.countedAt ? { countedAt: r.countedAt } : {}),
      })),
    });
    expect(applied.changed.map((l) => [l.sku, l.onHand])).toEqual([['EL-HDP-001', level.onHand + 5]]);
    expect(applied.unchanged).toBe(1);
    expect(applied.stale).toHaveLength(1);
  });

  it('is refused to buyers and to oversized files', async () => {
    const buyer = api.client(await api.login('buyer@example.com'));
    await expect(
      buyer.inventory.syncPreview.mutate({ rows: [{ warehouse: 'NYC-1', sku: 'EL-HDP-001', onHand: 1 }] }),
    ).rejects.toMatchObject({ data: { code: 'FORBIDDEN' } });
    const staff = api.client(await api.login('staff@example.com'));
    const rows = Array.from({ length: 10_001 }, () => ({ warehouse: 'NYC-1', sku: 'EL-HDP-001', onHand: 1 }));
    await expect(staff.inventory.syncPreview.mutate({ rows })).rejects.toMatchObject({
      data: { appCode: expect.stringMatching(/VALIDATION_FAILED|PAYLOAD_TOO_LARGE/) },
    });
  });
});
