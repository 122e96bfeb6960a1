/**
 * The one way stock levels change.
 *
 * `applyStockChanges` takes a list of changes to distinct stock levels and, in
 * two SQL statements (lock and judge, then write):
 *   1. locks the levels in the global order (warehouse id, product id), so two
 *      transactions can never deadlock on stock rows (FOR NO KEY UPDATE: the
 *      foreign-key checks of concurrent ledger and reservation-line inserts
 *      take KEY SHARE locks on the same rows and must not conflict with it);
 *   2. judges every change against the locked, current values (version check,
 *      stale count check, "never below zero / reserved never above on hand",
 *      a minimum available quantity);
 *   3. applies the changes only if no change is refused (all or nothing),
 *      incrementing each level's version;
 *   4. appends one ledger movement and one `stock.changed` outbox event per
 *      applied change (the event built by the one `stockChanged` builder).
 * Nothing is read into JavaScript and written back: every check and every
 * write happens inside PostgreSQL while the rows are locked. The schema's CHECK
 * constraints remain the last line of defence.
 */
import { type Database, type MovementKind, PREPARED_MARK } from '@stockroom/db';
import { sql, type Transaction } from 'kysely';
import { insertEvents, type NewEvent, stockChanged } from '../events/index.js';

export interface StockChange {
  warehouseId: string;
  productId: string;
  kind: MovementKind;
  /** Added to on_hand (use `onHandSet` instead for an absolute count). */
  onHandDelta?: number;
  /** Set on_hand to this absolute value; the movement records the difference. */
  onHandSet?: number;
  reservedDelta?: number;
  /** Refuse unless `available` is at least this before the change. */
  minAvailable?: number;
  /** Refuse unless the level is at this version (optimistic concurrency). */
  expectedVersion?: number;
  /** A count taken at this time; skipped as stale if the level changed after it. */
  countedAt?: string;
  reason?: string | null;
  reference?: string | null;
}

/** Why a change was not applied. `unchanged` and `stale` are skips, the others refusals. */
type ChangeOutcome = 'applied' | 'unchanged' | 'stale' | 'version_mismatch' | 'insufficient';

export interface ChangedLevel {
  warehouseId: string;
  productId: string;
  sku: string;
  outcome: ChangeOutcome;
  /** The level after the statement (unchanged when nothing was applied). */
  onHand: number;
  reserved: number;
  available: number;
  version: number;
  safetyStock: number;
  updatedAt: Date;
}

export interface ApplyResult {
  /** True when no change was refused; only then was anything written. */
  ok: boolean;
  levels: ChangedLevel[];
  /** Changes whose level row does not exist (never applied). */
  missing: StockChange[];
}

export async function applyStockChanges(
  trx: Transaction<Database>,
  changes: StockChange[],
  actor: string,
): Promise<ApplyResult> {
  if (changes.length === 0) return { ok: true, levels: [], missing: [] };
  const seen = new Set<string>();
  for (const c of changes) {
    const key = `${c.warehouseId}:${c.productId}`;
    if (seen.has(key)) throw new Error(`applyStockChanges: ${key} appears twice; sum the changes first`);
    seen.add(key);
  }
  const judged = await lockAndJudge(trx, recordset(changes));
  const rows = judged.map(({ newOnHand: _o, newReserved: _r, tid: _t, ...level }) => level);
  const found = new Set(rows.map((l) => `${l.warehouseId}:${l.productId}`));
  const missing = changes.filter((c) => !found.has(`${c.warehouseId}:${c.productId}`));
  const ok =
    missing.length === 0 &&
    rows.every((l) => l.outcome !== 'version_mismatch' && l.outcome !== 'insufficient');
  const toApply = judged.filter((l) => l.outcome === 'applied');
  if (!ok || toApply.length === 0) return { ok, levels: rows, missing };

  // Statement 2: the rows are ours until commit, so apply the changes, append
  // the ledger and the outbox, and return the new levels. The events describe
  // the locked level plus the change, which is exactly what the update writes.
  const byKey = new Map(changes.map((c) => [`${c.warehouseId}:${c.productId}`, c]));
  const moves = toApply.map((level) => appliedMove(level, byKey));
  const applied = await write(trx, moves, changedEvents(moves, actor), actor);
  const after = new Map(applied.map((r) => [`${r.warehouseId}:${r.productId}`, r]));
  const levels = rows.map((l) => {
    const updated = after.get(`${l.warehouseId}:${l.productId}`);
    return updated ? { ...l, ...updated } : l;
  });
  return { ok, levels, missing };
}

/**
 * The judge's input. Only what it reads, and absent fields left out (JSON drops
 * `undefined`; a missing key reads as null): a 1,000-item sync sends less to parse.
 */
function recordset(changes: StockChange[]): string {
  return JSON.stringify(
    changes.map((c) => ({
      warehouse_id: c.warehouseId,
      product_id: c.productId,
      on_hand_delta: c.onHandDelta ?? 0,
      on_hand_set: c.onHandSet,
      reserved_delta: c.reservedDelta ?? 0,
      min_available: c.minAvailable,
      expected_version: c.expectedVersion,
      counted_at: c.countedAt,
    })),
  );
}

interface JudgedLevel extends ChangedLevel {
  newOnHand: number;
  newReserved: number;
  /** Where the locked row version is (`ctid`): it cannot move while the lock is held. */
  tid: string;
}

/**
 * Statement 1: lock the levels in global order and judge every change against
 * the locked, current values. Nothing is written yet.
 */
async function lockAndJudge(trx: Transaction<Database>, input: string): Promise<JudgedLevel[]> {
  const judged = await sql<JudgedLevel>`${sql.raw(PREPARED_MARK)}
    with input as (
      select * from jsonb_to_recordset(${input}::jsonb) as x(
        warehouse_id uuid, product_id uuid, on_hand_delta int, on_hand_set int,
        reserved_delta int, min_available int, expected_version bigint, counted_at timestamptz)
    ),
    locked as (
      select s.ctid::text as tid, s.warehouse_id, s.product_id, s.on_hand, s.reserved, s.available,
             s.version, s.safety_stock, s.updated_at, i.min_available, i.expected_version, i.counted_at,
             coalesce(i.on_hand_set, s.on_hand + i.on_hand_delta) as new_on_hand,
             s.reserved + i.reserved_delta as new_reserved
      from stock_levels s
      join input i on i.warehouse_id = s.warehouse_id and i.product_id = s.product_id
      order by s.warehouse_id, s.product_id
      for no key update of s
    )
    select l.tid, l.warehouse_id, l.product_id, p.sku, l.on_hand, l.reserved, l.available, l.version,
           l.safety_stock, l.updated_at, l.new_on_hand, l.new_reserved,
           case
             when l.expected_version is not null and l.version <> l.expected_version then 'version_mismatch'
             when l.counted_at is not null and l.counted_at < l.updated_at then 'stale'
             when l.new_on_hand < 0 or l.new_reserved < 0 or l.new_reserved > l.new_on_hand
               or (l.min_available is not null and l.available < l.min_available) then 'insufficient'
             when l.new_on_hand = l.on_hand and l.new_reserved = l.reserved then 'unchanged'
             else 'applied'
           end as outcome
    from locked l
    join products p on p.id = l.product_id
  `.execute(trx);
  return judged.rows;
}

/** An applied change: the locked level, the change asked for, and what it moves. */
interface AppliedMove {
  level: JudgedLevel;
  change: StockChange;
  onHandDelta: number;
  reservedDelta: number;
}

function appliedMove(level: JudgedLevel, byKey: Map<string, StockChange>): AppliedMove {
  return {
    level,
    change: byKey.get(`${level.warehouseId}:${level.productId}`) as StockChange,
    onHandDelta: level.newOnHand - level.onHand,
    reservedDelta: level.newReserved - level.reserved,
  };
}

/** One `stock.changed` event per applied change. */
function changedEvents(moves: AppliedMove[], actor: string): NewEvent[] {
  return moves.map(({ level: l, change, onHandDelta, reservedDelta }) =>
    stockChanged({
      warehouseId: l.warehouseId,
      productId: l.productId,
      sku: l.sku,
      kind: change.kind,
      onHandDelta,
      reservedDelta,
      onHand: l.newOnHand,
      reserved: l.newReserved,
      available: l.newOnHand - l.newReserved,
      version: l.version + 1,
      reference: change.reference ?? null,
      actor,
    }),
  );
}

/**
 * Statement 2: write the judged changes, their movements and their events.
 * Only the applied changes are sent, with the new values and the deltas the
 * judge computed (the rows are still locked, so they hold): no second parse of
 * the whole input and no join back to it. The rows are found by the `ctid` the
 * lock returned (a locked row version is neither updated nor moved by anyone
 * else), not by a second index probe each; the key is checked as well.
 */
async function write(trx: Transaction<Database>, moves: AppliedMove[], events: NewEvent[], actor: string) {
  const rows = JSON.stringify(
    moves.map(({ level: l, change, onHandDelta, reservedDelta }) => ({
      tid: l.tid,
      warehouse_id: l.warehouseId,
      product_id: l.productId,
      on_hand: l.newOnHand,
      reserved: l.newReserved,
      on_hand_delta: onHandDelta,
      reserved_delta: reservedDelta,
      kind: change.kind,
      reason: change.reason ?? null,
      reference: change.reference ?? null,
    })),
  );
  const applied = await sql<{
    warehouseId: string;
    productId: string;
    onHand: number;
    reserved: number;
    available: number;
    version: number;
    safetyStock: number;
    updatedAt: Date;
  }>`${sql.raw(PREPARED_MARK)}
    with input as (
      select * from jsonb_to_recordset(${rows}::jsonb) as x(
        tid tid, warehouse_id uuid, product_id uuid, on_hand int, reserved int, on_hand_delta int,
        reserved_delta int, kind text, reason text, reference text)
    ),
    updated as (
      update stock_levels s
      set on_hand = i.on_hand, reserved = i.reserved, version = s.version + 1, updated_at = now()
      from input i
      where s.ctid = i.tid and s.warehouse_id = i.warehouse_id and s.product_id = i.product_id
      returning s.warehouse_id, s.product_id, s.on_hand, s.reserved, s.available, s.version,
                s.safety_stock, s.updated_at, i.kind, i.reason, i.reference, i.on_hand_delta,
                i.reserved_delta
    ),
    moved as (
      insert into stock_movements
        (warehouse_id, product_id, kind, on_hand_delta, reserved_delta, reason, reference, actor)
      select warehouse_id, product_id, kind, on_hand_delta, reserved_delta, reason, reference, ${actor}
      from updated
    ),
    evented as (${insertEvents(events)})
    select warehouse_id, product_id, on_hand, reserved, available, version, safety_stock, updated_at
    from updated
  `.execute(trx);
  // Never expected: a change that found no row would leave its level unwritten (rolled back).
  if (applied.rows.length !== moves.length)
    throw new Error('applyStockChanges: a locked level was not found');
  return applied.rows;
}

/**
 * Make sure stock level rows exist (for receiving into a new warehouse/product
 * pair). One statement, whatever the number: only the pairs that have no row
 * yet are inserted, in the global order.
 */
export async function ensureStockLevels(
  trx: Transaction<Database>,
  pairs: { warehouseId: string; productId: string }[],
): Promise<void> {
  if (pairs.length === 0) return;
  const keys = JSON.stringify(pairs.map((p) => ({ warehouse_id: p.warehouseId, product_id: p.productId })));
  await sql`${sql.raw(PREPARED_MARK)}
    insert into stock_levels (warehouse_id, product_id)
    select k.warehouse_id, k.product_id
    from jsonb_to_recordset(${keys}::jsonb) as k(warehouse_id uuid, product_id uuid)
    where not exists (
      select 1 from stock_levels s where s.warehouse_id = k.warehouse_id and s.product_id = k.product_id
    )
    order by k.warehouse_id, k.product_id
    on conflict (warehouse_id, product_id) do nothing`.execute(trx);
}
