/**
 * The expiry sweeper (SPEC §2 rule 7). State lives only in PostgreSQL, so it
 * survives restarts; each claim uses FOR UPDATE SKIP LOCKED, so any number of
 * API processes can sweep at once without waiting on or double-processing each
 * other. Every expired hold is ended in its own short transaction.
 */
import type { Db } from '@stockroom/db';
import { sql } from 'kysely';
import { purgeExpiredIdempotencyRecords } from '../idempotency/index.js';
import { expireIfDueInTrx } from './expiry.js';

/** Expire up to `limit` due holds; returns the ids it expired. */
export async function sweepExpiredReservations(db: Db, limit = 500): Promise<string[]> {
  const expired: string[] = [];
  while (expired.length < limit) {
    const id = await db.transaction().execute(async (trx) => {
      const due = await trx
        .selectFrom('reservations')
        .select('id')
        .where('status', '=', 'pending')
        .where('expiresAt', '<=', sql<Date>`now()`)
        .orderBy('expiresAt')
        .limit(1)
        .forNoKeyUpdate()
        .skipLocked()
        .executeTakeFirst();
      if (!due) return undefined;
      await expireIfDueInTrx(trx, due.id);
      return due.id;
    });
    if (!id) break;
    expired.push(id);
  }
  return expired;
}

export interface SweeperOptions {
  /** Pause between sweeps (default 1000 ms): holds end within about this long of expiry. */
  intervalMs?: number;
  batchSize?: number;
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

  const sweep = async () => {
    try {
      const ids = await sweepExpiredReservations(db, options.batchSize ?? 500);
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
    timer = setTimeout(() => {
      running = sweep().finally(schedule);
    }, intervalMs);
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
