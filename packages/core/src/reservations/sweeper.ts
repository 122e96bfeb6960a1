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

/** Expire up to `limit` due holds, `batchSize` per transaction; returns the ids it expired. */
export async function sweepExpiredReservations(
  db: Db,
  limit = 5000,
  batchSize = DEFAULT_BATCH,
): Promise<string[]> {
  const expired: string[] = [];
  while (expired.length < limit) {
    const take = Math.min(batchSize, limit - expired.length);
    const ids = await db.transaction().execute(async (trx) => {
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
    expired.push(...ids);
    if (ids.length < take) break;
  }
  return expired;
}

export interface SweeperOptions {
  /** Pause between sweeps (default 1000 ms): holds end within about this long of expiry. */
  intervalMs?: number;
  /** Holds ended per transaction (default 250). */
  batchSize?: number;
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
  let sweeps = 0;

  const limit = options.limit ?? 5000;
  // More due holds than one sweep takes: the next sweep starts at once.
  let behind = false;
  const sweep = async () => {
    behind = false;
    try {
      const ids = await sweepExpiredReservations(db, limit, options.batchSize ?? DEFAULT_BATCH);
      behind = ids.length >= limit;
      if (ids.length > 0) options.onExpired?.(ids);
      // Old idempotency records go every minute or so.
      if (++sweeps % Math.max(1, Math.round(60_000 / intervalMs)) === 0) {
        await purgeExpiredIdempotencyRecords(db);
      }
    } catch (error) {
      options.onError?.(error);
    }
  };
  const schedule = () => {
    if (stopped) return;
    timer = setTimeout(
      () => {
        running = sweep().finally(schedule);
      },
      behind ? 0 : intervalMs,
    );
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
