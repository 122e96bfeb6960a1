import { type Kysely, sql } from 'kysely';

/**
 * Cheaper stock writes (a bulk sync writes 1,000 levels, 1,000 movements and
 * 1,000 `stock.changed` events in one transaction; measured in docs/scaling.md):
 *
 * - `stock_levels_low_idx` indexed `available`, which every stock change
 *   rewrites, so no level update could be HOT: each one inserted new entries in
 *   every index of the table. Only one listing used it (low stock sorted by
 *   available); it now filters the warehouse's levels instead. The default
 *   listing (by SKU) never used it.
 * - `fillfactor = 50`: a sync rewrites every level of a page in one transaction,
 *   and a HOT update needs room on the same page for the new version.
 *   (Applies to pages written from now on; `vacuum full stock_levels` repacks old ones.)
 * - `events_aggregate_idx` served no query (readers go by position, by type or
 *   by id) yet cost a random-position index insert per event.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`drop index if exists stock_levels_low_idx`.execute(db);
  await sql`alter table stock_levels set (fillfactor = 50)`.execute(db);
  await sql`drop index if exists events_aggregate_idx`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`create index if not exists events_aggregate_idx on events (aggregate_type, aggregate_id, id)`.execute(
    db,
  );
  await sql`alter table stock_levels reset (fillfactor)`.execute(db);
  await sql`create index if not exists stock_levels_low_idx on stock_levels (warehouse_id, available)
    where available <= safety_stock`.execute(db);
}
