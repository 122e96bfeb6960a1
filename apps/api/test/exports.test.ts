/**
 * CSV exports over real HTTP: every page of what the filters select (more rows
 * than a page), equal to what the procedure answers page by page; refusals
 * are the REST error body and export nothing; formulas are made literal.
 */
import { parse } from 'csv-parse/sync';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SERVICE_TOKEN, startTestApi, type TestApi } from './harness.js';

let api: TestApi;
let staff = '';
beforeAll(async () => {
  api = await startTestApi();
  staff = await api.login('staff@example.com');
  // 260 more products stocked at NYC-1: the export spans several pages.
  await sql`
    insert into products (sku, name, category, price_minor, currency)
    select 'CSV-' || lpad(i::text, 4, '0'), 'Export item ' || i, 'Test', 500, 'USD'
    from generate_series(1, 260) i`.execute(api.database.db);
  const nyc = await api.client(staff).warehouses.list.query();
  const id = nyc.find((w) => w.code === 'NYC-1')?.id as string;
  const client = api.client(staff);
  for (let from = 1; from <= 260; from += 100) {
    const items = Array.from({ length: Math.min(100, 261 - from) }, (_, k) => ({
      warehouseId: 'NYC-1',
      sku: `CSV-${String(from + k).padStart(4, '0')}`,
      onHand: from + k,
    }));
    await client.inventory.sync.mutate({ items });
  }
  await client.inventory.receive.mutate({
    warehouseId: id,
    sku: 'CSV-0001',
    quantity: 1,
    reason: '=HYPERLINK("http://evil.example","click")',
  });
});
afterAll(() => api?.stop());

async function download(path: string, token?: string) {
  const res = await fetch(`${api.url}/api/v1/exports/${path}`, {
    headers: token ? { authorization: `Bearer ${token}` } : {},
  });
  return { res, text: await res.text() };
}

const table = (text: string) => parse(text, { columns: true }) as Record<string, string>[];

describe('CSV exports', () => {
  it('streams every page of a filtered stock list, equal to inventory.list', async () => {
    const { res, text } = await download('stock.csv?warehouseId=NYC-1', staff);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/text\/csv/);
    expect(res.headers.get('content-disposition')).toMatch(/attachment; filename="stockroom-stock-/);
    const rows = table(text);

    const client = api.client(staff);
    const expected: { sku: string; onHand: number; available: number }[] = [];
    let cursor: string | undefined;
    do {
      const page = await client.inventory.list.query({ warehouseId: 'NYC-1', limit: 100, cursor });
      expected.push(...page.items);
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(rows.length).toBeGreaterThan(260);
    expect(rows.map((r) => [r.warehouse_code, r.sku, Number(r.on_hand), Number(r.available)])).toEqual(
      expected.map((l) => ['NYC-1', l.sku, l.onHand, l.available]),
    );
    const low = table((await download('stock.csv?warehouseId=NYC-1&query=CSV-000', staff)).text);
    expect(low.map((r) => r.sku)).toEqual(Array.from({ length: 9 }, (_, k) => `CSV-000${k + 1}`));
  });

  it('exports movements and orders, with formulas made literal', async () => {
    const movements = table((await download('movements.csv?sku=CSV-0001', staff)).text);
    expect(movements.map((m) => m.kind).sort()).toEqual(['receive', 'sync']);
    const adjusted = movements.find((m) => m.kind === 'receive');
    expect(adjusted?.reason).toBe(`'=HYPERLINK("http://evil.example","click")`);
    expect(adjusted?.on_hand_delta).toBe('1');

    const orders = table((await download('orders.csv', SERVICE_TOKEN)).text);
    const { items } = await api.client(SERVICE_TOKEN).orders.list.query({ limit: 100 });
    expect(orders.length).toBe(items.length);
    expect(orders[0]?.id).toBe(items[0]?.id);
  });

  it('refuses as the procedures do, with the REST error body', async () => {
    const anonymous = await download('stock.csv');
    expect(anonymous.res.status).toBe(401);
    expect(JSON.parse(anonymous.text)).toMatchObject({ error: { code: 'UNAUTHENTICATED' } });
    const buyer = await download('stock.csv', await api.login('buyer@example.com'));
    expect(buyer.res.status).toBe(403);
    expect(buyer.text).not.toContain('CSV-0001');
    const unknown = await download('stock.csv?warehouseId=NOPE-1', staff);
    expect(unknown.res.status).toBe(404);
    expect(unknown.text).toContain('NOPE-1');
    const bad = await download('orders.csv?status=lost', staff);
    expect(bad.res.status).toBe(400);
    expect(JSON.parse(bad.text)).toMatchObject({ error: { code: 'VALIDATION_FAILED' } });
    // A filter it cannot read is refused, not ignored (which exported everything).
    for (const query of [
      'stock.csv?lowStock=TRUE',
      'stock.csv?lowStock=1',
      'stock.csv?warehouse=NYC-1',
      'stock.csv?warehouseId=NYC-1&warehouseId=CHI-1',
      'movements.csv?status=paid',
    ]) {
      const refused = await download(query, staff);
      expect({ query, status: refused.res.status }).toEqual({ query, status: 400 });
      expect(JSON.parse(refused.text)).toMatchObject({ error: { code: 'VALIDATION_FAILED' } });
    }
  });
});
