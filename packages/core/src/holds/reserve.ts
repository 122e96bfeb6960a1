/**
 * Reserve in this transaction: the one way a hold is written, for one request
 * (checkout, a waitlist offer, a late payment's re-reservation, a plain
 * reservation) or for a coalesced batch of many.
 *
 *   1. claim the idempotency keys of requests that carry their own (the batch),
 *      and find the products and pinned warehouses they name (one statement);
 *   2. lock the buyers whose caps the holds count against (advisory locks, in
 *      key order, before any stock row) and count what they hold;
 *   3. lock every stock level the requests may take from, once, in the global
 *      order (FOR NO KEY UPDATE: warehouse id, product id);
 *   4. decide each request in arrival order against the locked, current
 *      figures: caps, pinned lines, allocation of open lines (SPEC §3);
 *   5. write everything in ONE statement while the levels are locked:
 *      reservations, lines, one movement and one event per level, one guarded
 *      update per level, the reservation events, the idempotency answers and
 *      the keys of refused requests given back.
 * Nothing is read into JavaScript and written back: the levels are updated
 * relative to their current value, guarded by `available >= quantity`, which
 * the lock guarantees (the guard is the second line of defence, the schema's
 * CHECKs the third).
 */
import { type Database, PREPARED_MARK } from '@stockroom/db';
import { sql, type Transaction } from 'kysely';
import { claimInsert, claimOutcomes, type KeyClaim, scopeKey } from '../idempotency/index.js';
import { assertTokenMayActAt, tokenMayActAt } from '../shared/access.js';
import type { Actor } from '../shared/actor.js';
import type { IdempotencyScope } from '../shared/context.js';
import type { Reservation } from '../shared/dto.js';
import { idempotencyKeyReused, insufficientStock, type Shortage } from '../shared/errors.js';
import { parseInput } from '../shared/validate.js';
import { allocate } from './allocation.js';
import {
  type ActiveRefRow,
  activeRefsOf,
  activeRefsQuery,
  inactiveWarehouses,
  mergePlan,
  type PlannedChange,
  pinnedWarehouses,
  sumDemand,
  unknownProducts,
} from './demand.js';
import {
  type BuyerUsage,
  buyerCapRefusal,
  buyerLimitsOf,
  buyerUsage,
  holdBounds,
  lockBuyers,
  type ReserveOptions,
} from './limits.js';
import { type ReserveInput, ZReserveInput } from './schemas.js';
import {
  type Demand,
  type Granted,
  type HoldOutcome,
  type HoldRequest,
  type LockedLevel,
  levelKey,
  type Products,
  writeHolds,
} from './write.js';

/**
 * Reserve every request in the caller's transaction; returns each request's
 * outcome (its reservation, a replayed answer, or the refusal). `known`: SKUs
 * the caller already resolved to active products (checkout prices them).
 */
export async function reserveInTrx(
  trx: Transaction<Database>,
  requests: HoldRequest[],
  options: ReserveOptions,
  known?: Products,
): Promise<Map<HoldRequest, HoldOutcome>> {
  const outcomes = new Map<HoldRequest, HoldOutcome>();
  const { claimed, products } = await claimAndFind(trx, requests, known, outcomes);
  const work = requests.filter((r) => !outcomes.has(r));
  if (work.length === 0) {
    // Nothing to hold: give back the keys of the refused (writes nothing when none was claimed).
    await writeHolds(trx, [], { levels: [], nowMs: 0 }, products, claimed, outcomes);
    return outcomes;
  }

  const buyerIds = work.flatMap((r) => (r.bounds.buyerId ? [r.bounds.buyerId] : []));
  await lockBuyers(trx, buyerIds);
  const usage = await buyerUsage(trx, buyerIds);

  const demands = work.map((request) => ({ request, ...sumDemand(request.data.lines, products) }));
  const locked = await lockLevels(trx, demands);
  const granted = decide(demands, locked.levels, usage, options, outcomes);
  await writeHolds(trx, granted, locked, products, claimed, outcomes);
  return outcomes;
}

/** One request, its refusal thrown: the path of every hold made inside a larger use case. */
export async function reserveOne(
  trx: Transaction<Database>,
  actor: Actor,
  input: ReserveInput,
  options: ReserveOptions = {},
  /** The request's SKUs, already resolved to active products by the caller (checkout prices them). */
  known?: Products,
): Promise<Reservation> {
  const data = parseInput(ZReserveInput, input);
  const bounds = holdBounds(actor, data.ttlSeconds, options);
  assertTokenMayActAt(actor, pinnedWarehouses(data.lines));
  const request: HoldRequest = { actor, data, bounds };
  const outcome = (await reserveInTrx(trx, [request], options, known)).get(request);
  if (!outcome) throw new Error('reserveOne: the request got no answer');
  if ('error' in outcome) throw outcome.error;
  return outcome.ok;
}

/**
 * Step 1, one round trip: claim the keys (a key already stored is a replay or a
 * reuse), and find the active products and pinned warehouses the requests
 * name; a request naming an unknown one is refused, and its claimed key is
 * given back by the write. Returns the claimed requests and the products.
 */
async function claimAndFind(
  trx: Transaction<Database>,
  requests: HoldRequest[],
  known: Products | undefined,
  outcomes: Map<HoldRequest, HoldOutcome>,
): Promise<{ claimed: Set<HoldRequest>; products: Products }> {
  const keyed = requests.filter((r): r is HoldRequest & { claim: KeyClaim } => r.claim !== undefined);
  const skusOf = (r: HoldRequest) => r.data.lines.map((l) => l.sku);
  const pinnedOf = (r: HoldRequest) => pinnedWarehouses(r.data.lines);
  const skus = requests.flatMap(skusOf).filter((sku) => !known?.has(sku));
  const pinned = requests.flatMap(pinnedOf);
  const claims = keyed.map((r) => r.claim);
  const rows =
    claims.length === 0 && skus.length === 0 && pinned.length === 0
      ? []
      : (
          await sql<ActiveRefRow | (IdempotencyScope & { kind: 'k' })>`${sql.raw(PREPARED_MARK)}
            with claimed as (${claimInsert(claims)})
            select 'k' as kind, null::uuid as id, null::text as sku, principal, procedure, key from claimed
            union all
            select kind, id, sku, null, null, null from (${activeRefsQuery(skus, pinned)}) r`.execute(trx)
        ).rows;
  const found = activeRefsOf(
    rows.filter((r): r is ActiveRefRow => r.kind !== 'k'),
    known,
  );
  const keys = await claimOutcomes(
    trx,
    claims,
    rows.filter((r): r is IdempotencyScope & { kind: 'k' } => r.kind === 'k'),
  );
  const claimed = new Set<HoldRequest>();
  for (const request of keyed) {
    const claim = keys.get(scopeKey(request.claim.scope));
    if (claim?.status === 'claimed') claimed.add(request);
    else if (claim?.status === 'replay') outcomes.set(request, { ok: claim.response as Reservation });
    else outcomes.set(request, { error: idempotencyKeyReused() });
  }
  for (const request of requests) {
    if (outcomes.has(request)) continue;
    const refusal =
      unknownProducts(skusOf(request), found.products) ??
      inactiveWarehouses(pinnedOf(request), found.warehouses);
    if (refusal) outcomes.set(request, { error: refusal });
  }
  return { claimed, products: found.products };
}

/**
 * Step 3: lock every level the demands may take from — each pinned level and
 * every level of a product to allocate (found in the same statement, before
 * the lock) — in the global order. One round trip.
 */
async function lockLevels(
  trx: Transaction<Database>,
  demands: Demand[],
): Promise<{ levels: LockedLevel[]; nowMs: number }> {
  const pairs = new Map<string, { warehouse_id: string; product_id: string }>();
  for (const d of demands) {
    for (const p of d.pinned.values()) {
      pairs.set(levelKey(p), { warehouse_id: p.warehouseId, product_id: p.productId });
    }
  }
  const openProducts = [...new Set(demands.flatMap((d) => [...d.open.keys()]))];
  // The transaction's clock (now() is fixed for the transaction) dates every hold.
  const locked = await sql<LockedLevel & { nowMs: number }>`${sql.raw(PREPARED_MARK)}
    with k as (
      select warehouse_id, product_id
      from jsonb_to_recordset(${JSON.stringify([...pairs.values()])}::jsonb) as k(warehouse_id uuid, product_id uuid)
      union
      select warehouse_id, product_id from stock_levels where product_id = any(${openProducts}::uuid[])
    )
    select s.warehouse_id, s.product_id, s.on_hand, s.reserved, s.available, s.version,
           w.latitude, w.longitude, w.priority, w.code, w.active,
           floor(extract(epoch from now()) * 1000)::float8 as now_ms
    from k
    join stock_levels s on s.warehouse_id = k.warehouse_id and s.product_id = k.product_id
    join warehouses w on w.id = s.warehouse_id
    order by s.warehouse_id, s.product_id
    for no key update of s`.execute(trx);
  const nowMs = locked.rows[0]?.nowMs ?? (await transactionNow(trx));
  return { levels: locked.rows.map(({ nowMs: _n, ...level }) => level), nowMs };
}

async function transactionNow(trx: Transaction<Database>): Promise<number> {
  const row = await sql<{ nowMs: number }>`${sql.raw(PREPARED_MARK)}
    select floor(extract(epoch from now()) * 1000)::float8 as now_ms`.execute(trx);
  return row.rows[0]?.nowMs as number;
}

/** Step 4: decide each request in arrival order; what a grant takes is gone for the next. */
function decide(
  demands: Demand[],
  locked: LockedLevel[],
  usage: Map<string, BuyerUsage>,
  options: ReserveOptions,
  outcomes: Map<HoldRequest, HoldOutcome>,
): Granted[] {
  const limits = buyerLimitsOf(options);
  const levels = new Map(locked.map((l) => [levelKey(l), { ...l }]));
  const granted: Granted[] = [];
  for (const { request, pinned, open } of demands) {
    const buyer = request.bounds.buyerId ? (usage.get(request.bounds.buyerId) as BuyerUsage) : undefined;
    const units = request.data.lines.reduce((sum, l) => sum + l.quantity, 0);
    const refusal = buyer && buyerCapRefusal(limits, buyer, units);
    if (refusal) {
      outcomes.set(request, { error: refusal });
      continue;
    }
    const shortages: Shortage[] = [];
    for (const p of pinned.values()) {
      const available = levels.get(levelKey(p))?.available ?? 0;
      if (available < p.quantity) {
        shortages.push({ sku: p.sku, warehouseId: p.warehouseId, requested: p.quantity, available });
      }
    }
    let plan: PlannedChange[] = [...pinned.values()];
    if (open.size > 0) {
      // A token limited to some warehouses allocates only among them.
      const candidates = [...levels.values()].filter(
        (l) => l.active && open.has(l.productId) && tokenMayActAt(request.actor, l.warehouseId),
      );
      const taken = new Map([...pinned].map(([key, p]) => [key, p.quantity]));
      const { data } = request;
      const allocation = allocate([...open.values()], candidates, data.strategy, data.shipTo, taken);
      shortages.push(...allocation.shortages);
      plan = mergePlan([...plan, ...allocation.allocations]);
    }
    if (shortages.length > 0) {
      outcomes.set(request, { error: insufficientStock(shortages) });
      continue;
    }
    for (const p of plan) (levels.get(levelKey(p)) as LockedLevel).available -= p.quantity;
    if (buyer) {
      buyer.holds += 1;
      buyer.units += units;
    }
    granted.push({ request, id: crypto.randomUUID(), plan });
  }
  return granted;
}
