/**
 * The expiry sweeper (SPEC §2 rule 7). State lives only in PostgreSQL, so it
 * survives restarts; each claim uses FOR UPDATE SKIP LOCKED, so any number of
 * API processes can sweep at once without waiting on or double-processing each
 * other. Due holds are ended in batches: one short transaction claims up to
 * `batchSize` of them (the oldest due first) and ends them all — their unpaid
 * orders, their stock (each level locked once, in the global order), their
 * events and the waitlist offers of the freed units — in a handful of
 * statements. A storm of ten thousand holds due at once is a few dozen
 * transactions, not ten thousand.
 */
import type { Db } from '@stockroom/db';
import { sql } from 'kysely';
import { purgeExpiredIdempotencyRecords } from '../idempotency/index.js';
import { expireLockedHolds } from './expiry.js';

/** Holds ended per transaction by default. */
const DEFAULT_BATCH = 250;
/** Sweep transactions at once by default. */
const DEFAULT_WORKERS = 2;

/** End up to `take` due holds in one transaction; returns their ids. */
function expireBatch(db: Db, take: number): Promise<string[]> {
  return db.transaction().execute(async (trx) => {
    const due = await trx
      .selectFrom('reservations')
      .select('id')
      .where('status', '=', 'pending')
      .where('expiresAt', '<=', sql<Date>`now()`)
      .orderBy('expiresAt')
      .limit(take)
      .forNoKeyUpdate()
      .skipLocked()
      .execute();
    const ids = due.map((r) => r.id);
    await expireLockedHolds(trx, ids);
    return ids;
  });
}

/**
 * Expire up to `limit` due holds, `batchSize` per transaction, `workers`
 * transactions at a time (they skip each other's holds and lock levels in the
 * global order); returns the ids it expired.
 */
export async function sweepExpiredReservations(
  db: Db,
  limit = 5000,
  batchSize = DEFAULT_BATCH,
  workers = DEFAULT_WORKERS,
): Promise<string[]> {
  const expired: string[] = [];
  let claimed = 0;
  let drained = false;
  const worker = async () => {
    while (!drained && claimed < limit) {
      const take = Math.min(batchSize, limit - claimed);
      claimed += take;
      const ids = await expireBatch(db, take);
      claimed -= take - ids.length;
      expired.push(...ids);
      if (ids.length < take) drained = true;
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, workers) }, worker));
  return expired;
}

export interface SweeperOptions {
  /** Pause between sweeps (default 1000 ms): holds end within about this long of expiry. */
  intervalMs?: number;
  /** Holds ended per transaction (default 250). */
  batchSize?: number;
  /** Sweep transactions at once (default 2). */
  workers?: number;
  /** Holds ended per sweep (default 5000); a sweep that reached it is followed at once by the next. */
  limit?: number;
  onExpired?: (ids: string[]) => void;
  onError?: (error: unknown) => void;
}

export interface Sweeper {
  /** Stop sweeping; resolves when the sweep in progress (if any) has finished. */
  stop(): Promise<void>;
}

export function startSweeper(db: Db, options: SweeperOptions = {}): Sweeper {
  const intervalMs = options.intervalMs ?? 1000;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  let purgedAt = performance.now();

  const limit = options.limit ?? 5000;
  // A sweep that reached its limit left due holds behind: the next starts at once.
  let wait = intervalMs;
  const sweep = async () => {
    wait = intervalMs;
    try {
      const ids = await sweepExpiredReservations(
        db,
        limit,
        options.batchSize ?? DEFAULT_BATCH,
        options.workers ?? DEFAULT_WORKERS,
      );
      if (ids.length >= limit) wait = 0;
      if (ids.length > 0) options.onExpired?.(ids);
      // Old idempotency records go every minute or so.
      if (performance.now() - purgedAt >= 60_000) {
        purgedAt = performance.now();
        await purgeExpiredIdempotencyRecords(db);
      }
    } catch (error) {
      options.onError?.(error);
    }
  };
  const schedule = () => {
    if (stopped) return;
    timer = setTimeout(() => {
      running = sweep().finally(schedule);
    }, wait);
  };
  schedule();

  return {
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
    },
  };
}
