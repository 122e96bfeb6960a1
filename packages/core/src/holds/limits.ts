/**
 * What one buyer may hold at a time (SPEC §5: buyers "hold stock only briefly
 * and within caps").
 *
 * - A buyer's hold lasts at most `maxHoldSeconds`, extensions included.
 * - A buyer has at most `maxActiveHolds` pending holds and `maxHeldUnits` units
 *   across them (checkout holds and waitlist offers count too).
 * - A buyer waits on at most `maxWaitlistEntries` waitlist entries.
 *
 * Services, staff and admins are not capped. The caps hold under concurrency:
 * every path that creates a buyer's hold first takes the buyer's advisory lock
 * (transaction-scoped), counts what the buyer already holds, and only then
 * locks stock levels — so the lock order everywhere is buyer, then stock.
 * Several buyers (a coalesced batch) are locked in ascending key order.
 */
import { type Database, PREPARED_MARK } from '@stockroom/db';
import { sql, type Transaction } from 'kysely';
import type { Actor } from '../shared/actor.js';
import { DomainError, validationFailed } from '../shared/errors.js';

export interface BuyerLimits {
  /** Longest a buyer's hold may last, from its creation (BUYER_MAX_HOLD_SECONDS). */
  maxHoldSeconds: number;
  /** Pending holds per buyer (BUYER_MAX_ACTIVE_HOLDS). */
  maxActiveHolds: number;
  /** Units across a buyer's pending holds (BUYER_MAX_HELD_UNITS). */
  maxHeldUnits: number;
  /** Waiting waitlist entries per buyer (BUYER_MAX_WAITLIST_ENTRIES). */
  maxWaitlistEntries: number;
}

const DEFAULT_BUYER_LIMITS: BuyerLimits = {
  maxHoldSeconds: 1800,
  maxActiveHolds: 10,
  maxHeldUnits: 100,
  maxWaitlistEntries: 20,
};

// The process's configured caps (BUYER_MAX_*), for holds the system makes for a
// buyer deep inside other work (waitlist offers), where no options are passed.
let configuredLimits: BuyerLimits = DEFAULT_BUYER_LIMITS;

/** Set this process's buyer caps (the API does at start, from BUYER_MAX_*). */
export function configureBuyerLimits(limits: Partial<BuyerLimits>): void {
  configuredLimits = { ...DEFAULT_BUYER_LIMITS, ...limits };
}

const DEFAULT_TTL_SECONDS = 900;
/** No hold, however often extended, outlives its creation by more than this. */
export const MAX_HOLD_SECONDS = 86_400;

export interface ReserveOptions {
  /** Hold length when the input names none (RESERVATION_TTL_SECONDS). */
  defaultTtlSeconds?: number;
  /** Caps on a buyer's holds (BUYER_MAX_*); defaults in DEFAULT_BUYER_LIMITS. */
  buyerLimits?: Partial<BuyerLimits>;
  /**
   * The system makes this hold for a buyer (a waitlist offer, while stock rows
   * are already locked): no caps, and no buyer lock (which would invert the lock order).
   */
  onBehalfOfBuyer?: boolean;
}

/**
 * The hold length, and how long the hold may ever last, for this actor. A buyer
 * acting for themselves is held to BUYER_MAX_HOLD_SECONDS (refused above it).
 */
export interface HoldBounds {
  /** How long the hold lasts. */
  ttlSeconds: number;
  /** How long it may ever last, extensions included. */
  maxSeconds: number;
  /** The buyer whose caps it counts against (none: not capped). */
  buyerId: string | undefined;
}

export function holdBounds(
  actor: Actor,
  requestedTtl: number | undefined,
  options: ReserveOptions,
): HoldBounds {
  const fallback = options.defaultTtlSeconds ?? DEFAULT_TTL_SECONDS;
  const limits = buyerLimitsOf(options);
  if (options.onBehalfOfBuyer) {
    // A hold the system makes for a buyer (a waitlist offer) is still a buyer's hold: never longer.
    const ttlSeconds = Math.min(requestedTtl ?? fallback, limits.maxHoldSeconds);
    return { ttlSeconds, maxSeconds: limits.maxHoldSeconds, buyerId: undefined };
  }
  const buyerId = holdOwner(actor);
  if (!buyerId) return { ttlSeconds: requestedTtl ?? fallback, maxSeconds: MAX_HOLD_SECONDS, buyerId };
  const ttlSeconds = requestedTtl ?? Math.min(fallback, limits.maxHoldSeconds);
  const refusal = buyerTtlRefusal(limits, ttlSeconds);
  if (refusal) throw refusal;
  return { ttlSeconds, maxSeconds: limits.maxHoldSeconds, buyerId };
}

export function buyerLimitsOf(options: { buyerLimits?: Partial<BuyerLimits> } = {}): BuyerLimits {
  return { ...configuredLimits, ...options.buyerLimits };
}

/**
 * The buyer who owns a hold `actor` makes: a buyer owns their holds (and is
 * capped); staff, admins and services act on behalf of others and own none.
 */
export function holdOwner(actor: Actor): string | undefined {
  return actor.kind === 'user' && actor.role === 'buyer' ? actor.id : undefined;
}

/** VALIDATION_FAILED when a buyer asks for a hold longer than allowed. */
function buyerTtlRefusal(limits: BuyerLimits, ttlSeconds: number): DomainError | undefined {
  if (ttlSeconds <= limits.maxHoldSeconds) return undefined;
  return validationFailed(
    `ttlSeconds: a buyer's hold lasts at most ${limits.maxHoldSeconds} seconds (BUYER_MAX_HOLD_SECONDS); asked for ${ttlSeconds}`,
    { field: 'ttlSeconds', limit: limits.maxHoldSeconds, requested: ttlSeconds },
  );
}

// Two-key advisory locks live apart from one-key ones; this class names "a buyer's holds".
const BUYER_LOCK_CLASS = 72_017;

/**
 * Take the buyers' hold locks (until the transaction ends), in ascending key
 * order. Call before locking any stock level.
 */
export async function lockBuyers(trx: Transaction<Database>, buyerIds: string[]): Promise<void> {
  const ids = [...new Set(buyerIds)];
  if (ids.length === 0) return;
  await sql`${sql.raw(PREPARED_MARK)}
    select count(pg_advisory_xact_lock(${BUYER_LOCK_CLASS}, k.key))
    from (
      select distinct hashtext(id::text) as key from unnest(${ids}::uuid[]) as id order by 1
    ) as k`.execute(trx);
}

export interface BuyerUsage {
  holds: number;
  units: number;
  /** Seconds until the buyer's soonest hold ends (when a slot frees up). */
  nextEndSeconds: number | null;
}

/** What each buyer holds now: pending, unexpired holds and their units. */
export async function buyerUsage(
  trx: Transaction<Database>,
  buyerIds: string[],
): Promise<Map<string, BuyerUsage>> {
  const ids = [...new Set(buyerIds)];
  const usage = new Map<string, BuyerUsage>(
    ids.map((id) => [id, { holds: 0, units: 0, nextEndSeconds: null }]),
  );
  if (ids.length === 0) return usage;
  const rows = await sql<{
    ownerUserId: string;
    holds: number;
    units: number;
    nextEndSeconds: number;
  }>`${sql.raw(PREPARED_MARK)}
    select r.owner_user_id,
           count(distinct r.id)::int as holds,
           coalesce(sum(l.quantity), 0)::int as units,
           ceil(extract(epoch from min(r.expires_at) - now()))::int as next_end_seconds
    from reservations r
    join reservation_lines l on l.reservation_id = r.id
    where r.owner_user_id = any(${ids}::uuid[]) and r.status = 'pending' and r.expires_at > now()
    group by r.owner_user_id`.execute(trx);
  for (const row of rows.rows) {
    usage.set(row.ownerUserId, {
      holds: row.holds,
      units: row.units,
      nextEndSeconds: Math.max(1, row.nextEndSeconds),
    });
  }
  return usage;
}

/**
 * RATE_LIMITED (with Retry-After: when the next hold ends) when one more hold of `units`
 * would pass a buyer's caps; VALIDATION_FAILED when `units` alone is over the units cap
 * (no wait can help).
 */
export function buyerCapRefusal(
  limits: BuyerLimits,
  usage: BuyerUsage,
  units: number,
): DomainError | undefined {
  if (units > limits.maxHeldUnits) {
    // Waiting cannot help (429 would invite retries forever): the request itself is too big.
    return validationFailed(
      `quantity: a buyer may hold at most ${limits.maxHeldUnits} units at a time (BUYER_MAX_HELD_UNITS); asked for ${units}`,
      { field: 'quantity', limit: limits.maxHeldUnits, requested: units, cap: 'heldUnits' },
    );
  }
  const retry = usage.nextEndSeconds !== null ? { retryAfterSeconds: usage.nextEndSeconds } : {};
  if (usage.holds + 1 > limits.maxActiveHolds) {
    return new DomainError(
      'RATE_LIMITED',
      `You already have ${usage.holds} active holds, the most a buyer may have (BUYER_MAX_ACTIVE_HOLDS ${limits.maxActiveHolds}); release one or let it end first`,
      { limit: limits.maxActiveHolds, current: usage.holds, cap: 'activeHolds', ...retry },
    );
  }
  if (usage.units + units > limits.maxHeldUnits) {
    return new DomainError(
      'RATE_LIMITED',
      `A buyer may hold at most ${limits.maxHeldUnits} units at a time (BUYER_MAX_HELD_UNITS); you hold ${usage.units} and asked for ${units} more`,
      { limit: limits.maxHeldUnits, current: usage.units, requested: units, cap: 'heldUnits', ...retry },
    );
  }
  return undefined;
}

/**
 * Lock the buyer and refuse a waitlist entry past the caps: one entry may ask for
 * at most BUYER_MAX_HELD_UNITS (its offer becomes the buyer's hold), and entries
 * still waiting or offered with a live hold count against BUYER_MAX_WAITLIST_ENTRIES.
 */
export async function assertBuyerMayWait(
  trx: Transaction<Database>,
  limits: BuyerLimits,
  buyerId: string,
  quantity: number,
): Promise<void> {
  if (quantity > limits.maxHeldUnits) {
    throw validationFailed(
      `quantity: a buyer may wait for at most ${limits.maxHeldUnits} units (BUYER_MAX_HELD_UNITS); asked for ${quantity}`,
      { field: 'quantity', limit: limits.maxHeldUnits, requested: quantity },
    );
  }
  await lockBuyers(trx, [buyerId]);
  const row = await trx
    .selectFrom('waitlistEntries as e')
    .leftJoin('reservations as r', 'r.id', 'e.reservationId')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('e.buyerId', '=', buyerId)
    .where((eb) =>
      eb.or([
        eb('e.status', '=', 'waiting'),
        eb.and([
          eb('e.status', '=', 'offered'),
          eb('r.status', '=', 'pending'),
          eb('r.expiresAt', '>', sql<Date>`now()`),
        ]),
      ]),
    )
    .executeTakeFirstOrThrow();
  const current = Number(row.n);
  if (current + 1 > limits.maxWaitlistEntries) {
    throw new DomainError(
      'RATE_LIMITED',
      `You are already waiting for ${current} products, the most a buyer may (BUYER_MAX_WAITLIST_ENTRIES ${limits.maxWaitlistEntries}); leave an entry first`,
      { limit: limits.maxWaitlistEntries, current, cap: 'waitlistEntries' },
    );
  }
}
