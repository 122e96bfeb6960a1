/**
 * The "expiry storm" cell: 10,000 holds due at the same instant, and how long
 * the API's sweeper takes until every one of them is released (expired, its
 * stock back, its unpaid order expired).
 *
 *   1. The holds are made over HTTP like any other (64 clients): most are
 *      `reservations.create` of 1 unit of a random uniform product at NYC-1,
 *      one in twenty a `checkout.start` (an order pending payment with its hold).
 *      They are made with an hour to live (the bench API's RESERVATION_TTL_SECONDS).
 *   2. One SQL statement then moves every one's expiry to the same instant, two
 *      seconds ahead (their orders' too): the storm, as if they had all been
 *      made together an hour earlier.
 *   3. From that instant, the bench polls (every 50 ms) until none of them is
 *      pending; "released after" is the latest `ended_at` minus the due instant
 *      (the database's clock), checked against the poll.
 *   4. Then: every hold expired (none released otherwise), every order of the
 *      storm expired, and the usual checks (no oversell, ledger = levels,
 *      reserved = pending holds, audit clean).
 */
import type pg from 'pg';
import { type CheckResult, checkCorrectness } from './checks.js';
import { type BenchData, sku, UNIFORM_PRODUCTS } from './data.js';
import type { Http } from './load.js';

const STORM_HOLDS = 10_000;
/** Seconds from "now" to the storm's due instant (after the expiry moves). */
const LEAD_SECONDS = 2;
const GIVE_UP_SECONDS = 120;

export interface StormResult {
  holds: number;
  orders: number;
  /** Seconds to make the holds over HTTP. */
  createSeconds: number;
  /** Seconds from the due instant until the last hold ended (database clock). */
  releasedAfterSeconds: number | null;
  /** Seconds from the due instant until the first hold ended. */
  firstAfterSeconds: number | null;
  /** Holds of the storm that ended other than expired, or are still pending at the end. */
  notExpired: number;
  ordersNotExpired: number;
  check: CheckResult;
}

const auth = { authorization: 'Bearer dev-service-token' };

async function makeHolds(http: Http, data: BenchData, keyPrefix: string, clients: number) {
  const reservations: string[] = [];
  const orders: string[] = [];
  let next = 0;
  const client = async () => {
    while (next < STORM_HOLDS) {
      const n = next++;
      const product = sku(1 + Math.floor(Math.random() * UNIFORM_PRODUCTS));
      const key = { ...auth, 'idempotency-key': `${keyPrefix}-${n}` };
      if (n % 20 === 0) {
        const reply = await http.request(
          'POST',
          '/trpc/checkout.start',
          key,
          JSON.stringify({
            lines: [{ sku: product, quantity: 1 }],
            shipTo: { ...data.shipTo, address: '350 5th Ave, New York, NY' },
          }),
        );
        if (reply.status !== 200)
          throw new Error(`storm checkout: ${reply.status} ${reply.text.slice(0, 300)}`);
        orders.push((JSON.parse(reply.text) as { result: { data: { id: string } } }).result.data.id);
      } else {
        const reply = await http.request(
          'POST',
          '/trpc/reservations.create',
          key,
          JSON.stringify({
            lines: [{ sku: product, quantity: 1, warehouseId: data.hotWarehouseId }],
            ttlSeconds: 3600,
          }),
        );
        if (reply.status !== 200) throw new Error(`storm hold: ${reply.status} ${reply.text.slice(0, 300)}`);
        reservations.push((JSON.parse(reply.text) as { result: { data: { id: string } } }).result.data.id);
      }
    }
  };
  await Promise.all(Array.from({ length: clients }, client));
  return { reservations, orders };
}

export async function runExpiryStorm(options: {
  db: pg.Client;
  http: Http;
  checkHttp: Http;
  adminToken: string;
  data: BenchData;
  keyPrefix: string;
  clients: number;
  log: (line: string) => void;
}): Promise<StormResult> {
  const { db, log } = options;
  const made = performance.now();
  const { reservations, orders } = await makeHolds(
    options.http,
    options.data,
    options.keyPrefix,
    options.clients,
  );
  const createSeconds = (performance.now() - made) / 1000;
  log(
    `  expiry storm: ${STORM_HOLDS} holds made in ${createSeconds.toFixed(1)} s (${orders.length} of them orders)`,
  );
  // Every hold of the storm, the checkouts' included, and one due instant for all.
  const moved = await db.query<{ id: string; due: Date }>(
    `with ids as (
       select id from reservations where id = any($1::uuid[])
       union select reservation_id from orders where id = any($2::uuid[])
     ),
     due as (select now() + make_interval(secs => $3) as at),
     orders_moved as (
       update orders o set expires_at = (select at from due) where o.id = any($2::uuid[])
     )
     update reservations r set expires_at = (select at from due)
     from ids where r.id = ids.id and r.status = 'pending'
     returning r.id, (select at from due) as due`,
    [reservations, orders, LEAD_SECONDS],
  );
  const ids = moved.rows.map((r) => r.id);
  const due = moved.rows[0]?.due;
  if (!due || ids.length !== STORM_HOLDS) {
    throw new Error(
      `expiry storm: ${ids.length} of ${STORM_HOLDS} holds were pending when the storm was set`,
    );
  }
  const giveUp = performance.now() + (LEAD_SECONDS + GIVE_UP_SECONDS) * 1000;
  let pending = ids.length;
  while (pending > 0 && performance.now() < giveUp) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    const row = await db.query<{ n: string }>(
      `select count(*) as n from reservations where id = any($1::uuid[]) and status = 'pending'`,
      [ids],
    );
    pending = Number(row.rows[0]?.n);
  }
  const ended = (
    await db.query<{ last: number | null; first: number | null; not_expired: string; orders_left: string }>(
      `select extract(epoch from max(ended_at) - $2::timestamptz)::float8 as last,
              extract(epoch from min(ended_at) - $2::timestamptz)::float8 as first,
              count(*) filter (where status <> 'expired') as not_expired,
              (select count(*) from orders where id = any($3::uuid[]) and status <> 'expired') as orders_left
       from reservations where id = any($1::uuid[])`,
      [ids, due, orders],
    )
  ).rows[0];
  const check = await checkCorrectness({ db, http: options.checkHttp, adminToken: options.adminToken });
  const result: StormResult = {
    holds: ids.length,
    orders: orders.length,
    createSeconds,
    releasedAfterSeconds: pending === 0 ? (ended?.last ?? null) : null,
    firstAfterSeconds: ended?.first ?? null,
    notExpired: Number(ended?.not_expired),
    ordersNotExpired: Number(ended?.orders_left),
    check,
  };
  if (result.notExpired > 0) check.problems.push(`${result.notExpired} storm hold(s) not expired`);
  if (result.ordersNotExpired > 0)
    check.problems.push(`${result.ordersNotExpired} storm order(s) not expired`);
  check.ok = check.problems.length === 0;
  log(
    `  expiry storm: ${pending === 0 ? `all ${ids.length} released ${result.releasedAfterSeconds?.toFixed(2)} s after due (first ${result.firstAfterSeconds?.toFixed(2)} s)` : `${pending} still pending after ${GIVE_UP_SECONDS} s`}; check ${check.ok ? 'ok' : `FAILED: ${check.problems.join('; ')}`}`,
  );
  return result;
}
