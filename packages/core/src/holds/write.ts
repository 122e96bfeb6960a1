/**
 * Step 5 of reserving (see reserve.ts): build every row a batch of grants
 * writes, then write them all in one statement while the levels are locked.
 */
import { type Database, PREPARED_MARK } from '@stockroom/db';
import { sql, type Transaction } from 'kysely';
import { insertEvents, type NewEvent, reservationCreated, stockChanged } from '../events/index.js';
import { type KeyClaim, settleKeysCtes } from '../idempotency/index.js';
import { type Actor, actorLabel } from '../shared/actor.js';
import type { IdempotencyScope } from '../shared/context.js';
import type { Reservation } from '../shared/dto.js';
import type { Candidate, DemandLine } from './allocation.js';
import { type PlannedChange, sortLines } from './demand.js';
import { type HoldBounds, holdOwner } from './limits.js';
import type { ReserveData } from './schemas.js';

export interface HoldRequest {
  actor: Actor;
  data: ReserveData;
  bounds: HoldBounds;
  /** The request's own idempotency key (a coalesced call): claimed and answered here. */
  claim?: KeyClaim;
}

export type HoldOutcome = { ok: Reservation } | { error: unknown };

export type Products = Map<string, { id: string; sku: string }>;

export interface Demand {
  request: HoldRequest;
  pinned: Map<string, PlannedChange>;
  open: Map<string, DemandLine>;
}

export interface LockedLevel extends Candidate {
  onHand: number;
  reserved: number;
  version: number;
  active: boolean;
}

export interface Granted {
  request: HoldRequest;
  id: string;
  plan: PlannedChange[];
}

export const levelKey = (l: { warehouseId: string; productId: string }) => `${l.warehouseId}:${l.productId}`;

/** The rows of step 5, and each grant's answer. */
function holdRows(granted: Granted[], locked: LockedLevel[], products: Products, nowMs: number) {
  const running = new Map(locked.map((l) => [levelKey(l), { ...l }]));
  const skuOf = new Map([...products.values()].map((p) => [p.id, p.sku]));
  const reservations: Record<string, unknown>[] = [];
  const lines: Record<string, unknown>[] = [];
  const movements: Record<string, unknown>[] = [];
  const events: NewEvent[] = [];
  const totals = new Map<
    string,
    { warehouse_id: string; product_id: string; quantity: number; changes: number }
  >();
  const answers = new Map<HoldRequest, Reservation>();
  for (const { request, id, plan } of granted) {
    const actor = actorLabel(request.actor);
    const reference = request.data.reference ?? null;
    const { ttlSeconds, maxSeconds } = request.bounds;
    const owner = holdOwner(request.actor) ?? null;
    reservations.push({ id, ttl: ttlSeconds, max_seconds: maxSeconds, reference, created_by: actor, owner });
    for (const p of plan) {
      const level = running.get(levelKey(p)) as LockedLevel;
      level.reserved += p.quantity;
      level.available -= p.quantity;
      level.version += 1;
      const at = { warehouse_id: p.warehouseId, product_id: p.productId };
      lines.push({ ...at, reservation_id: id, quantity: p.quantity });
      movements.push({ ...at, reserved_delta: p.quantity, reference: id, actor });
      events.push(
        stockChanged({
          warehouseId: p.warehouseId,
          productId: p.productId,
          sku: skuOf.get(p.productId) ?? p.sku,
          kind: 'reserve',
          onHandDelta: 0,
          reservedDelta: p.quantity,
          onHand: level.onHand,
          reserved: level.reserved,
          available: level.available,
          version: level.version,
          reference: id,
          actor,
        }),
      );
      const total = totals.get(levelKey(p)) ?? { ...at, quantity: 0, changes: 0 };
      total.quantity += p.quantity;
      total.changes += 1;
      totals.set(levelKey(p), total);
    }
    const held = sortLines(
      plan.map((p) => ({ sku: p.sku, warehouseId: p.warehouseId, quantity: p.quantity })),
    );
    events.push(reservationCreated({ id, reference, lines: held, actor }));
    answers.set(request, {
      id,
      status: 'pending',
      expiresAt: new Date(nowMs + ttlSeconds * 1000).toISOString(),
      reference,
      lines: held,
      createdAt: new Date(nowMs).toISOString(),
    });
  }
  return { reservations, lines, movements, events, totals: [...totals.values()], answers };
}

/** Step 5: one statement writes every grant, and settles every claimed key. */
export async function writeHolds(
  trx: Transaction<Database>,
  granted: Granted[],
  locked: { levels: LockedLevel[]; nowMs: number },
  products: Products,
  claimed: Set<HoldRequest>,
  outcomes: Map<HoldRequest, HoldOutcome>,
): Promise<void> {
  const rows = holdRows(granted, locked.levels, products, locked.nowMs);
  for (const [request, reservation] of rows.answers) outcomes.set(request, { ok: reservation });
  if (granted.length === 0 && claimed.size === 0) return;
  const answers: { scope: IdempotencyScope; response: unknown }[] = [];
  const refused: IdempotencyScope[] = [];
  for (const request of claimed) {
    const scope = (request.claim as KeyClaim).scope;
    const answer = rows.answers.get(request);
    if (answer) answers.push({ scope, response: answer });
    else refused.push(scope);
  }
  const json = (value: unknown[]) => JSON.stringify(value);
  const written = await sql<{ levels: number }>`${sql.raw(PREPARED_MARK)}
    with new_reservations as (
      insert into reservations (id, expires_at, hold_limit_at, reference, created_by, owner_user_id)
      select id, now() + make_interval(secs => ttl), now() + make_interval(secs => max_seconds),
             reference, created_by, owner
      from jsonb_to_recordset(${json(rows.reservations)}::jsonb)
        as x(id uuid, ttl int, max_seconds int, reference text, created_by text, owner uuid)
      returning id
    ),
    new_lines as (
      insert into reservation_lines (reservation_id, warehouse_id, product_id, quantity)
      select reservation_id, warehouse_id, product_id, quantity
      from jsonb_to_recordset(${json(rows.lines)}::jsonb)
        as x(reservation_id uuid, warehouse_id uuid, product_id uuid, quantity int)
      -- lines after their reservation: the foreign key is checked at the end of the statement
    ),
    moved as (
      insert into stock_movements (warehouse_id, product_id, kind, on_hand_delta, reserved_delta, reference, actor)
      select warehouse_id, product_id, 'reserve', 0, reserved_delta, reference, actor
      from jsonb_to_recordset(${json(rows.movements)}::jsonb)
        as x(warehouse_id uuid, product_id uuid, reserved_delta int, reference text, actor text)
    ),
    evented as (${insertEvents(rows.events)}),
    levels as (
      update stock_levels s
      set reserved = s.reserved + d.quantity, version = s.version + d.changes, updated_at = now()
      from jsonb_to_recordset(${json(rows.totals)}::jsonb)
        as d(warehouse_id uuid, product_id uuid, quantity int, changes int)
      where s.warehouse_id = d.warehouse_id and s.product_id = d.product_id and s.available >= d.quantity
      returning 1
    ),
    ${settleKeysCtes(answers, refused)}
    select (select count(*) from levels)::int as levels`.execute(trx);
  // The guard (available >= quantity) is the second line of defence behind the lock.
  if (written.rows[0]?.levels !== rows.totals.length) {
    throw new Error('reserve: a locked level changed under the lock');
  }
}
