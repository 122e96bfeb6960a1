/**
 * dashboard.summary over real HTTP: tRPC and REST (`GET /api/v1/dashboard/summary`),
 * warehouse codes, scoped to staff's warehouses, refused to buyers and sellers.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SERVICE_TOKEN, startTestApi, type TestApi } from './harness.js';

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi();
});
afterAll(() => api?.stop());

interface Body {
  warehouseIds: string[] | null;
  onHand: number;
  error: { code: string; appCode?: string };
}

async function rest(path: string, token: string) {
  const res = await fetch(`${api.url}/api/v1${path}`, { headers: { authorization: `Bearer ${token}` } });
  return { status: res.status, body: (await res.json()) as Body };
}

async function onHandAt(codes: string[] | null) {
  const { rows } = await sql<{ total: number }>`
    select coalesce(sum(s.on_hand), 0)::int as total
    from stock_levels s join warehouses w on w.id = s.warehouse_id join products p on p.id = s.product_id
    where p.active and (${codes}::text[] is null or w.code = any(${codes}::text[]))`.execute(api.database.db);
  return rows[0]?.total;
}

describe('dashboard.summary', () => {
  it('gives an admin every warehouse and staff their own, over tRPC and REST', async () => {
    const admin = await api.login('admin@example.com');
    const all = await api.client(admin).dashboard.summary.query();
    expect(all.warehouseIds).toBeNull();
    expect(all.onHand).toBe(await onHandAt(null));

    const staff = await api.login('staff@example.com');
    const mine = await rest('/dashboard/summary', staff);
    expect(mine.status).toBe(200);
    expect(mine.body.warehouseIds).toHaveLength(2);
    expect(mine.body.onHand).toBe(await onHandAt(['NYC-1', 'CHI-1']));

    const nyc = await rest('/dashboard/summary?warehouseId=NYC-1', staff);
    expect(nyc.body.onHand).toBe(await onHandAt(['NYC-1']));
    const service = await rest('/dashboard/summary?warehouseId=NYC-1', SERVICE_TOKEN);
    expect(service.body.onHand).toBe(await onHandAt(['NYC-1']));
  });

  it('refuses other warehouses, buyers, sellers and unknown codes', async () => {
    const staff = await api.login('staff@example.com');
    const others = (await api.client(staff).warehouses.list.query()).filter(
      (w) => w.code !== 'NYC-1' && w.code !== 'CHI-1',
    );
    expect(others.length).toBeGreaterThan(0);
    const other = await rest(`/dashboard/summary?warehouseId=${others[0]?.code}`, staff);
    expect(other.status).toBe(403);
    expect(other.body.error.appCode ?? other.body.error.code).toMatch(/FORBIDDEN/);
    for (const email of ['buyer@example.com', 'seller@example.com']) {
      expect((await rest('/dashboard/summary', await api.login(email))).status).toBe(403);
    }
    const unknown = await rest('/dashboard/summary?warehouseId=NOPE-9', staff);
    expect(unknown.status).toBe(404);
    expect(JSON.stringify(unknown.body)).toContain('NOPE-9');
  });
});
