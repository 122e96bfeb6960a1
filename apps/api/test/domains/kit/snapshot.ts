/** What a refused call must not change: stock totals and the ledger, and (coarser) every table. */
import type { Db } from '@stockroom/db';
import { sql } from 'kysely';

export interface StockTotals {
  onHand: number;
  reserved: number;
  movements: number;
}

/** The sum of on_hand and reserved over every level, and the number of ledger rows. */
export async function stockTotals(db: Db): Promise<StockTotals> {
  const { rows } = await sql<StockTotals>`
    select (select coalesce(sum(on_hand), 0)::int from stock_levels) as "onHand",
           (select coalesce(sum(reserved), 0)::int from stock_levels) as reserved,
           (select count(*)::int from stock_movements) as movements`.execute(db);
  return rows[0] as StockTotals;
}

const TABLES = [
  'warehouses',
  'products',
  'users',
  'user_warehouses',
  'stock_levels',
  'stock_movements',
  'reservations',
  'reservation_lines',
  'events',
  'idempotency_records',
  'cart_items',
  'orders',
  'order_items',
  'shipments',
  'waitlist_entries',
  'webhooks',
  'webhook_deliveries',
];

/** Row counts and a checksum of every row of the tables a mutation can touch, plus the stock sums. */
export async function databaseDigest(db: Db): Promise<Record<string, unknown>> {
  const state: Record<string, unknown> = {};
  for (const table of TABLES) {
    const { rows } = await sql<{ n: number; digest: string }>`
      select count(*)::int as n, md5(coalesce(string_agg(t::text, '|' order by t::text), '')) as digest
      from ${sql.table(table)} t`.execute(db);
    state[table] = rows[0];
  }
  state.stock = await stockTotals(db);
  // Service tokens without last_used_at (written on use, at most once a minute).
  const tokens = await sql<{ n: number; digest: string }>`
    select count(*)::int as n,
           md5(coalesce(string_agg(row(id, name, token_hash, prefix, scopes, warehouse_ids, expires_at,
             revoked_at, previous_token_hash, previous_valid_until, rotated_at)::text, '|' order by id), '')) as digest
    from service_tokens`.execute(db);
  state.serviceTokens = tokens.rows[0];
  return state;
}
