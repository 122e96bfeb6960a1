/**
 * The correctness check after every cell, with no load running:
 *   - no oversell: no level with reserved > on_hand, or anything negative;
 *   - ledger = levels: for every level, on_hand and reserved equal the sums of its movements;
 *   - holds = reserved: reserved equals the quantity of the pending reservations' lines;
 *   - audit.verify over HTTP (admin) reports no mismatch;
 *   - accounting: what the clients were told succeeded is exactly what the database holds
 *     (hot/uniform: reserved grew by the successes; checkout: paid orders grew by the flows).
 */
import type pg from 'pg';
import { HOT_SKU, sku, UNIFORM_PRODUCTS } from './data.js';
import type { Http } from './load.js';

export interface Counters {
  hotReserved: number;
  uniformReserved: number;
  paidOrders: number;
}

export interface CheckResult {
  ok: boolean;
  oversold: number;
  ledgerMismatches: number;
  holdsMismatches: number;
  audit: { ok: boolean; levelsChecked?: number; mismatches?: number; error?: string };
  accounting?: { expected: number; actual: number; ok: boolean; what: string };
  ms: number;
  problems: string[];
}

export async function readCounters(db: pg.Client, hotWarehouseId: string): Promise<Counters> {
  const result = await db.query<{ hot: string; uniform: string; paid: string }>(
    `select
       (select s.reserved from stock_levels s join products p on p.id = s.product_id
         where p.sku = $1 and s.warehouse_id = $2) as hot,
       (select coalesce(sum(s.reserved), 0) from stock_levels s join products p on p.id = s.product_id
         where p.sku between 'BN-000001' and $3 and s.warehouse_id = $2) as uniform,
       (select count(*) from orders where status = 'paid') as paid`,
    [HOT_SKU, hotWarehouseId, sku(UNIFORM_PRODUCTS)],
  );
  const row = result.rows[0];
  return {
    hotReserved: Number(row?.hot),
    uniformReserved: Number(row?.uniform),
    paidOrders: Number(row?.paid),
  };
}

export async function checkCorrectness(options: {
  db: pg.Client;
  http: Http;
  adminToken: string;
  accounting?: { what: string; expected: number; actual: () => Promise<number> };
}): Promise<CheckResult> {
  const started = performance.now();
  const { db } = options;
  const problems: string[] = [];
  const oversold = Number(
    (
      await db.query<{ n: string }>(
        `select count(*) as n from stock_levels where reserved > on_hand or reserved < 0 or on_hand < 0`,
      )
    ).rows[0]?.n,
  );
  if (oversold > 0) problems.push(`${oversold} level(s) oversold`);
  const ledger = Number(
    (
      await db.query<{ n: string }>(
        `with ledger as (
           select warehouse_id, product_id, sum(on_hand_delta) as on_hand, sum(reserved_delta) as reserved
           from stock_movements group by 1, 2
         )
         select count(*) as n from stock_levels s left join ledger m using (warehouse_id, product_id)
         where s.on_hand <> coalesce(m.on_hand, 0) or s.reserved <> coalesce(m.reserved, 0)`,
      )
    ).rows[0]?.n,
  );
  if (ledger > 0) problems.push(`${ledger} level(s) differ from their ledger`);
  const holds = Number(
    (
      await db.query<{ n: string }>(
        `with holds as (
           select l.warehouse_id, l.product_id, sum(l.quantity) as reserved
           from reservation_lines l join reservations r on r.id = l.reservation_id
           where r.status = 'pending' group by 1, 2
         )
         select count(*) as n from stock_levels s left join holds h using (warehouse_id, product_id)
         where s.reserved <> coalesce(h.reserved, 0)`,
      )
    ).rows[0]?.n,
  );
  if (holds > 0) problems.push(`${holds} level(s) whose reserved differs from the pending holds`);

  let audit: CheckResult['audit'];
  try {
    const reply = await options.http.request('GET', '/trpc/audit.verify', {
      authorization: `Bearer ${options.adminToken}`,
    });
    if (reply.status !== 200) {
      audit = { ok: false, error: `${reply.status} ${reply.text.slice(0, 200)}` };
    } else {
      const data = (
        JSON.parse(reply.text) as { result: { data: { levelsChecked: number; mismatches: unknown[] } } }
      ).result.data;
      audit = {
        ok: data.mismatches.length === 0,
        levelsChecked: data.levelsChecked,
        mismatches: data.mismatches.length,
      };
    }
  } catch (error) {
    audit = { ok: false, error: (error as Error).message };
  }
  if (!audit.ok) problems.push(`audit.verify: ${audit.error ?? `${audit.mismatches} mismatch(es)`}`);

  let accounting: CheckResult['accounting'];
  if (options.accounting) {
    const actual = await options.accounting.actual();
    accounting = {
      what: options.accounting.what,
      expected: options.accounting.expected,
      actual,
      ok: actual === options.accounting.expected,
    };
    if (!accounting.ok) {
      problems.push(
        `${accounting.what}: clients were told ${accounting.expected}, the database has ${actual}`,
      );
    }
  }
  return {
    ok: problems.length === 0,
    oversold,
    ledgerMismatches: ledger,
    holdsMismatches: holds,
    audit,
    accounting,
    ms: Math.round(performance.now() - started),
    problems,
  };
}
