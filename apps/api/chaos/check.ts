/**
 * The correctness check every fault-injection scenario ends with. Read from
 * the database (and the audit through the API), it answers:
 *   - no level is negative, reserved never exceeds on hand (no oversell);
 *   - the ledger sums to every level; reserved equals what pending holds hold;
 *   - audit.verify (admin, over the API) reports nothing;
 *   - every acknowledged write is present, exactly as it was acknowledged;
 *   - every intended effect happened at most once (each intent carries a
 *     unique reference: one reservation per reference, one order per address,
 *     one confirmation per paid order), and a refused one not at all.
 * It returns a list of problems (empty when all is well) and a few figures.
 */
import type { Db } from '@stockroom/db';
import { sql } from 'kysely';
import { type Json, trpcData, trpcQuery } from './support.js';

export interface ReservationIntent {
  /** Unique per intent: the reservation's `reference`. */
  reference: string;
  /** The final successful answer (a Reservation), if there was one. */
  acknowledged?: Json;
  /** The appCode of a final refusal (INSUFFICIENT_STOCK…), if refused. */
  refused?: string;
  /** The state it must be in now (default pending). */
  expect?: 'pending' | 'confirmed' | 'released' | 'expired';
}

export interface OrderIntent {
  /** Unique per intent: the order's ship-to address. */
  address: string;
  /** checkout.start's final successful answer (an Order). */
  order?: Json;
  /** checkout.start refused (appCode). */
  refused?: string;
  /** checkout.paymentSucceeded's final successful answer, when payment was sent. */
  paid?: Json;
  paymentReference?: string;
  /** An unpaid order whose hold must have ended by now. */
  expectExpired?: boolean;
}

export interface LevelSnapshot {
  warehouseId: string;
  sku: string;
  onHand: number;
  reserved: number;
}

/** Every stock level, for a before/after comparison. */
export async function snapshotLevels(db: Db): Promise<LevelSnapshot[]> {
  const rows = await sql<LevelSnapshot>`
    select s.warehouse_id, p.sku, s.on_hand, s.reserved
    from stock_levels s join products p on p.id = s.product_id order by 1, 2`.execute(db);
  return rows.rows;
}

export interface CheckReport {
  problems: string[];
  levels: number;
  reservations: number;
  orders: number;
  /** Acknowledged writes missing from the database (must be 0). */
  lost: number;
  /** Effects applied more than once (must be 0). */
  duplicated: number;
}

interface LineRow {
  sku: string;
  warehouseId: string;
  quantity: number;
}

const lineKey = (lines: LineRow[]) =>
  JSON.stringify(
    [...lines]
      .map((l) => [l.sku, l.warehouseId, l.quantity])
      .sort((a, b) => String(a).localeCompare(String(b))),
  );

export async function checkCorrectness(options: {
  db: Db;
  apiUrl: string;
  adminToken: string;
  reservations?: ReservationIntent[];
  orders?: OrderIntent[];
  /**
   * Levels before the intents ran, when nothing else wrote stock since: every
   * level must then be exactly `before` plus what the acknowledged answers say.
   */
  before?: LevelSnapshot[];
  /** Other acknowledged stock changes since `before` (receipts…), each applied once. */
  otherChanges?: { warehouseId: string; sku: string; onHand?: number; reserved?: number }[];
}): Promise<CheckReport> {
  const { db } = options;
  const problems: string[] = [];
  let lost = 0;
  let duplicated = 0;

  // 1. Impossible levels (the schema's CHECKs forbid them; this proves it held).
  const impossible = await sql<{ warehouseId: string; sku: string; onHand: number; reserved: number }>`
    select s.warehouse_id, p.sku, s.on_hand, s.reserved from stock_levels s join products p on p.id = s.product_id
    where s.on_hand < 0 or s.reserved < 0 or s.available < 0 or s.reserved > s.on_hand`.execute(db);
  for (const r of impossible.rows)
    problems.push(`impossible level ${r.sku}@${r.warehouseId}: ${JSON.stringify(r)}`);

  // 2. Ledger = levels; reserved = pending holds.
  const drift = await sql<{ sku: string; warehouseId: string; check: string }>`
    with ledger as (
      select warehouse_id, product_id, sum(on_hand_delta)::int as on_hand, sum(reserved_delta)::int as reserved
      from stock_movements group by 1, 2
    ), holds as (
      select l.warehouse_id, l.product_id, sum(l.quantity)::int as reserved
      from reservation_lines l join reservations r on r.id = l.reservation_id
      where r.status = 'pending' group by 1, 2
    )
    select 'ledger' as check, s.warehouse_id, p.sku from stock_levels s
      join products p on p.id = s.product_id left join ledger m using (warehouse_id, product_id)
      where s.on_hand <> coalesce(m.on_hand, 0) or s.reserved <> coalesce(m.reserved, 0)
    union all
    select 'holds', s.warehouse_id, p.sku from stock_levels s
      join products p on p.id = s.product_id left join holds h using (warehouse_id, product_id)
      where s.reserved <> coalesce(h.reserved, 0)`.execute(db);
  for (const r of drift.rows) problems.push(`${r.check} drift at ${r.sku}@${r.warehouseId}`);
  const levels = Number(
    (await sql<{ n: number }>`select count(*)::int as n from stock_levels`.execute(db)).rows[0]?.n ?? 0,
  );

  // 3. The audit, as an operator would run it.
  const audit = trpcData(await trpcQuery(options.apiUrl, 'audit.verify', undefined, options.adminToken));
  if (audit.mismatches.length > 0)
    problems.push(`audit.verify: ${JSON.stringify(audit.mismatches).slice(0, 800)}`);
  if (audit.levelsChecked !== levels)
    problems.push(`audit checked ${audit.levelsChecked} of ${levels} levels`);

  // 4. Reservations: one per acknowledged intent, as acknowledged; none per refused one.
  const intents = options.reservations ?? [];
  if (intents.length > 0) {
    const refs = intents.map((i) => i.reference);
    const rows = await sql<{
      id: string;
      reference: string;
      status: string;
      reserves: number;
      confirms: number;
      created: number;
    }>`
      select r.id, r.reference, r.status,
        (select count(*)::int from stock_movements m where m.reference = r.id::text and m.kind = 'confirm') as confirms,
        (select count(*)::int from stock_movements m where m.reference = r.id::text and m.kind = 'reserve') as reserves,
        (select count(*)::int from events e where e.aggregate_id = r.id::text and e.type = 'reservation.created') as created
      from reservations r where r.reference = any(${refs}::text[])`.execute(db);
    const lines = await sql<LineRow & { reservationId: string }>`
      select l.reservation_id, p.sku, l.warehouse_id, l.quantity
      from reservation_lines l join products p on p.id = l.product_id
      join reservations r on r.id = l.reservation_id
      where r.reference = any(${refs}::text[])`.execute(db);
    const byRef = new Map<string, typeof rows.rows>();
    for (const r of rows.rows) byRef.set(r.reference, [...(byRef.get(r.reference) ?? []), r]);
    const linesOf = new Map<string, LineRow[]>();
    for (const l of lines.rows) linesOf.set(l.reservationId, [...(linesOf.get(l.reservationId) ?? []), l]);
    for (const intent of intents) {
      const found = byRef.get(intent.reference) ?? [];
      if (found.length > 1) {
        duplicated += found.length - 1;
        problems.push(`reservation ${intent.reference} applied ${found.length} times`);
      }
      if (intent.acknowledged) {
        const row = found.find((r) => r.id === intent.acknowledged.id);
        if (!row) {
          lost++;
          problems.push(
            `acknowledged reservation ${intent.reference} (${intent.acknowledged.id}) is missing`,
          );
          continue;
        }
        const stored = linesOf.get(row.id) ?? [];
        if (lineKey(stored) !== lineKey(intent.acknowledged.lines)) {
          problems.push(`reservation ${intent.reference}: stored lines differ from the acknowledged ones`);
        }
        const state = intent.expect ?? 'pending';
        if (row.status !== state)
          problems.push(`reservation ${intent.reference} is ${row.status}, expected ${state}`);
        if (row.confirms !== (state === 'confirmed' ? stored.length : 0)) {
          duplicated++;
          problems.push(
            `reservation ${intent.reference}: ${row.confirms} confirm movements for ${stored.length} lines`,
          );
        }
        if (row.reserves !== stored.length || row.created !== 1) {
          duplicated++;
          problems.push(
            `reservation ${intent.reference}: ${row.reserves} reserve movements for ${stored.length} lines, ${row.created} created events`,
          );
        }
      } else if (intent.refused) {
        if (found.length > 0)
          problems.push(`refused reservation ${intent.reference} (${intent.refused}) exists`);
      } else {
        problems.push(`reservation ${intent.reference} never got a final answer`);
      }
    }
  }

  // 5. Orders: one per acknowledged checkout; paid ones confirmed exactly once.
  const orders = options.orders ?? [];
  if (orders.length > 0) {
    const addresses = orders.map((o) => o.address);
    const rows = await sql<{
      id: string;
      address: string;
      status: string;
      reservationId: string | null;
      paymentReference: string | null;
      created: number;
      paidEvents: number;
      confirms: number;
      lines: number;
    }>`
      select o.id, o.ship_to_address as address, o.status, o.reservation_id, o.payment_reference,
        (select count(*)::int from events e where e.aggregate_id = o.id::text and e.type = 'order.created') as created,
        (select count(*)::int from events e where e.aggregate_id = o.id::text and e.type = 'order.paid') as paid_events,
        (select count(*)::int from stock_movements m where m.reference = o.reservation_id::text and m.kind = 'confirm') as confirms,
        (select count(*)::int from reservation_lines l where l.reservation_id = o.reservation_id) as lines
      from orders o where o.ship_to_address = any(${addresses}::text[])`.execute(db);
    const byAddress = new Map<string, typeof rows.rows>();
    for (const r of rows.rows) byAddress.set(r.address, [...(byAddress.get(r.address) ?? []), r]);
    for (const intent of orders) {
      const found = byAddress.get(intent.address) ?? [];
      if (found.length > 1) {
        duplicated += found.length - 1;
        problems.push(`checkout ${intent.address} created ${found.length} orders`);
      }
      if (intent.order) {
        const row = found.find((r) => r.id === intent.order.id);
        if (!row) {
          lost++;
          problems.push(`acknowledged order ${intent.address} (${intent.order.id}) is missing`);
          continue;
        }
        if (row.created !== 1) problems.push(`order ${intent.address}: ${row.created} order.created events`);
        if (intent.paid) {
          if (!['paid', 'picking', 'shipped', 'delivered'].includes(row.status)) {
            lost++;
            problems.push(`acknowledged payment of ${intent.address} is missing (status ${row.status})`);
          }
          if (row.paymentReference !== intent.paymentReference) {
            problems.push(`order ${intent.address}: payment reference ${row.paymentReference}`);
          }
          if (row.paidEvents !== 1 || row.confirms !== row.lines) {
            duplicated++;
            problems.push(
              `order ${intent.address}: ${row.paidEvents} order.paid events, ${row.confirms} confirm movements for ${row.lines} lines`,
            );
          }
        } else if (row.paidEvents !== 0) {
          problems.push(`order ${intent.address} is paid but no payment was acknowledged`);
        } else if (row.status !== (intent.expectExpired ? 'expired' : 'pending_payment')) {
          problems.push(`unpaid order ${intent.address} is ${row.status}`);
        }
      } else if (intent.refused) {
        if (found.length > 0) problems.push(`refused checkout ${intent.address} (${intent.refused}) exists`);
      } else {
        problems.push(`checkout ${intent.address} never got a final answer`);
      }
    }
  }

  // 6. Stock = before + exactly what was acknowledged.
  if (options.before) {
    const expected = new Map(options.before.map((l) => [`${l.warehouseId}:${l.sku}`, { ...l }]));
    const at = (warehouseId: string, sku: string) => {
      const level = expected.get(`${warehouseId}:${sku}`);
      if (!level) throw new Error(`no level ${sku}@${warehouseId} before`);
      return level;
    };
    for (const intent of intents) {
      if (!intent.acknowledged) continue;
      const state = intent.expect ?? 'pending';
      for (const line of intent.acknowledged.lines as LineRow[]) {
        if (state === 'pending') at(line.warehouseId, line.sku).reserved += line.quantity;
        if (state === 'confirmed') at(line.warehouseId, line.sku).onHand -= line.quantity;
      }
    }
    for (const intent of orders) {
      if (!intent.order) continue;
      for (const item of (intent.paid ?? intent.order).items as LineRow[]) {
        if (intent.paid) at(item.warehouseId, item.sku).onHand -= item.quantity;
        else if (!intent.expectExpired) at(item.warehouseId, item.sku).reserved += item.quantity;
      }
    }
    for (const change of options.otherChanges ?? []) {
      const level = at(change.warehouseId, change.sku);
      level.onHand += change.onHand ?? 0;
      level.reserved += change.reserved ?? 0;
    }
    for (const now of await snapshotLevels(db)) {
      const want = expected.get(`${now.warehouseId}:${now.sku}`);
      if (!want || want.onHand !== now.onHand || want.reserved !== now.reserved) {
        problems.push(
          `level ${now.sku}@${now.warehouseId}: expected ${JSON.stringify(want && { onHand: want.onHand, reserved: want.reserved })}, found ${JSON.stringify({ onHand: now.onHand, reserved: now.reserved })}`,
        );
      }
    }
  }

  return { problems, levels, reservations: intents.length, orders: orders.length, lost, duplicated };
}
