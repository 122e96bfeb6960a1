/**
 * Exactly-once mutations (SPEC §2 rule 6).
 *
 * `runMutation` opens the transaction, claims the (principal, procedure, key)
 * record first, runs the work, and stores the result in the same transaction —
 * so the stored result exists exactly when the effect does.
 *
 * - A retry after success returns the stored result and does nothing else.
 * - The same key with a different input fails with IDEMPOTENCY_KEY_REUSED.
 * - Two concurrent calls with one key: the second blocks on the first's
 *   uncommitted record; when the first commits it replays the stored result,
 *   when the first fails it runs itself. Never both.
 * - Failed attempts (any thrown error) roll back with their record, so the
 *   client may retry them with the same key.
 * - Records expire after 24 hours; an expired key may be used afresh.
 */
import { createHash } from 'node:crypto';
import type { Database, Db } from '@stockroom/db';
import { sql, type Transaction } from 'kysely';
import { idempotencyKeyReused } from '../shared/errors.js';

export const IDEMPOTENCY_TTL_SECONDS = 24 * 60 * 60;

export interface IdempotencyScope {
  /** Who calls (actor label): keys are per principal. */
  principal: string;
  /** Which procedure: keys are per procedure. */
  procedure: string;
  key: string;
}

export interface MutationResult<T> {
  result: T;
  /** True when this is a stored result of an earlier call. */
  replayed: boolean;
}

/** Canonical JSON (sorted keys) so the same request always hashes the same. */
function canonical(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
}

export function requestHash(input: unknown): string {
  return createHash('sha256').update(canonical(input)).digest('hex');
}

/**
 * Run `work` in the caller's transaction when `db` is one, else in a new
 * transaction owned by this call (committed when `work` resolves).
 */
export function inTransaction<T>(db: Db, work: (trx: Transaction<Database>) => Promise<T>): Promise<T> {
  return db.isTransaction ? work(db as Transaction<Database>) : db.transaction().execute(work);
}

/**
 * Run a mutation in one transaction, exactly once per idempotency scope (when
 * one is given). `work` must return plain JSON.
 */
export async function runMutation<T>(
  db: Db,
  scope: IdempotencyScope | null | undefined,
  input: unknown,
  work: (trx: Transaction<Database>) => Promise<T>,
): Promise<MutationResult<T>> {
  if (!scope) return { result: await inTransaction(db, work), replayed: false };
  const hash = requestHash(input);
  return inTransaction(db, async (trx) => {
    const claimed = await sql<{ key: string }>`
      insert into idempotency_records (principal, procedure, key, request_hash, expires_at)
      values (${scope.principal}, ${scope.procedure}, ${scope.key}, ${hash},
              now() + make_interval(secs => ${IDEMPOTENCY_TTL_SECONDS}))
      on conflict (principal, procedure, key) do update
        set request_hash = excluded.request_hash, response = null,
            created_at = now(), expires_at = excluded.expires_at
        where idempotency_records.expires_at <= now()
      returning key`.execute(trx);
    if (claimed.rows.length === 0) {
      const stored = await trx
        .selectFrom('idempotencyRecords')
        .select(['requestHash', 'response'])
        .where('principal', '=', scope.principal)
        .where('procedure', '=', scope.procedure)
        .where('key', '=', scope.key)
        .executeTakeFirstOrThrow();
      if (stored.requestHash !== hash) throw idempotencyKeyReused();
      return { result: stored.response as T, replayed: true };
    }
    const result = await work(trx);
    await trx
      .updateTable('idempotencyRecords')
      .set({ response: JSON.stringify(result ?? null) })
      .where('principal', '=', scope.principal)
      .where('procedure', '=', scope.procedure)
      .where('key', '=', scope.key)
      .execute();
    return { result, replayed: false };
  });
}

/** Delete expired records (run by the sweeper). */
export async function purgeExpiredIdempotencyRecords(db: Db, limit = 1000): Promise<number> {
  const result = await sql`
    delete from idempotency_records
    where ctid in (select ctid from idempotency_records where expires_at <= now() limit ${limit})`.execute(
    db,
  );
  return Number(result.numAffectedRows ?? 0);
}
