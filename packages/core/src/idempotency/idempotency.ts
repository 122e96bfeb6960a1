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
 *
 * `claimKeys` and `settleKeys` are the same two steps for many keys at once
 * (the reservation batch claims every request's key in one statement and
 * answers them in the statement that writes the holds).
 */
import { createHash } from 'node:crypto';
import { type Database, type Db, PREPARED_MARK } from '@stockroom/db';
import { type RawBuilder, sql, type Transaction } from 'kysely';
import type { IdempotencyScope } from '../shared/context.js';
import { idempotencyKeyReused } from '../shared/errors.js';

const IDEMPOTENCY_TTL_SECONDS = 24 * 60 * 60;

export interface MutationResult<T> {
  result: T;
  /** True when this is a stored result of an earlier call. */
  replayed: boolean;
}

/** Canonical JSON (sorted keys) so the same request always hashes the same. */
function canonical(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i++) out += (i > 0 ? ',' : '') + canonical(value[i]);
    return `${out}]`;
  }
  // Keys in code-unit order (the default sort), undefined members left out, no
  // intermediate arrays of entries: this runs on every write's input.
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record).sort();
  let out = '{';
  for (const key of keys) {
    const member = record[key];
    if (member === undefined) continue;
    out += `${out.length > 1 ? ',' : ''}${JSON.stringify(key)}:${canonical(member)}`;
  }
  return `${out}}`;
}

export function requestHash(input: unknown): string {
  return createHash('sha256').update(canonical(input)).digest('hex');
}

/** One string per scope, for maps and sets. */
export const scopeKey = (s: IdempotencyScope): string => `${s.principal}\u0000${s.procedure}\u0000${s.key}`;

export interface KeyClaim {
  scope: IdempotencyScope;
  /** `requestHash` of the call's input. */
  hash: string;
}

/** `claimed`: run the call; `replay`: answer with the stored response; `reused`: refuse. */
export type ClaimOutcome =
  | { status: 'claimed' }
  | { status: 'replay'; response: unknown }
  | { status: 'reused' };

/**
 * Claim keys (distinct scopes) in one statement, in the caller's transaction.
 * A record that exists and has not expired is not claimed: its stored response
 * is replayed when the request is the same, else the key was reused. A key
 * claimed by a transaction still running blocks here until it ends.
 */
async function claimKeys(trx: Transaction<Database>, claims: KeyClaim[]): Promise<Map<string, ClaimOutcome>> {
  if (claims.length === 0) return new Map();
  const claimed = await sql<IdempotencyScope>`${sql.raw(PREPARED_MARK)} ${claimInsert(claims)}`.execute(trx);
  return claimOutcomes(trx, claims, claimed.rows);
}

/**
 * The claim itself, an `insert … returning principal, procedure, key` of the
 * keys it claimed: for a statement of its own (`claimKeys`) or a CTE of a larger
 * one (the reservation batch finds its products in the same round trip).
 */
export function claimInsert(claims: KeyClaim[]): RawBuilder<IdempotencyScope> {
  // In one order for everyone: two batches sharing two keys wait for each other, never deadlock.
  const sorted = claims.toSorted((a, b) => (scopeKey(a.scope) < scopeKey(b.scope) ? -1 : 1));
  const rows = JSON.stringify(sorted.map((c) => ({ ...c.scope, request_hash: c.hash })));
  return sql<IdempotencyScope>`
    insert into idempotency_records (principal, procedure, key, request_hash, expires_at)
    select principal, procedure, key, request_hash, now() + make_interval(secs => ${IDEMPOTENCY_TTL_SECONDS})
    from jsonb_to_recordset(${rows}::jsonb) as x(principal text, procedure text, key text, request_hash text)
    on conflict (principal, procedure, key) do update
      set request_hash = excluded.request_hash, response = null,
          created_at = now(), expires_at = excluded.expires_at
      where idempotency_records.expires_at <= now()
    returning principal, procedure, key`;
}

/** Each claim's outcome, given the scopes `claimInsert` claimed: the others are replays or reuses. */
export async function claimOutcomes(
  trx: Transaction<Database>,
  claims: KeyClaim[],
  claimedRows: IdempotencyScope[],
): Promise<Map<string, ClaimOutcome>> {
  const outcomes = new Map<string, ClaimOutcome>();
  for (const row of claimedRows) outcomes.set(scopeKey(row), { status: 'claimed' });
  const taken = claims.filter((c) => !outcomes.has(scopeKey(c.scope)));
  if (taken.length === 0) return outcomes;
  const stored = await sql<
    IdempotencyScope & { requestHash: string; response: unknown }
  >`${sql.raw(PREPARED_MARK)}
    select r.principal, r.procedure, r.key, r.request_hash, r.response
    from idempotency_records r
    join jsonb_to_recordset(${JSON.stringify(taken.map((c) => c.scope))}::jsonb)
      as x(principal text, procedure text, key text) using (principal, procedure, key)`.execute(trx);
  const byKey = new Map(stored.rows.map((s) => [scopeKey(s), s]));
  for (const claim of taken) {
    const record = byKey.get(scopeKey(claim.scope));
    outcomes.set(
      scopeKey(claim.scope),
      record && record.requestHash === claim.hash
        ? { status: 'replay', response: record.response }
        : { status: 'reused' },
    );
  }
  return outcomes;
}

/**
 * Common table expressions that settle claimed keys: store the answers of
 * calls that succeeded, and give back the keys of calls that were refused (a
 * refusal has no effect, so the client may retry it with the same key). For a
 * `with` clause of a larger statement; `settleKeys` runs them alone.
 */
export function settleKeysCtes(
  answers: { scope: IdempotencyScope; response: unknown }[],
  refused: IdempotencyScope[],
): RawBuilder<unknown> {
  const answered = JSON.stringify(
    answers.map((a) => ({ ...a.scope, response: JSON.stringify(a.response ?? null) })),
  );
  return sql`
    answered as (
      update idempotency_records r set response = x.response::json
      from jsonb_to_recordset(${answered}::jsonb) as x(principal text, procedure text, key text, response text)
      where r.principal = x.principal and r.procedure = x.procedure and r.key = x.key
    ),
    given_back as (
      delete from idempotency_records r
      using jsonb_to_recordset(${JSON.stringify(refused)}::jsonb) as x(principal text, procedure text, key text)
      where r.principal = x.principal and r.procedure = x.procedure and r.key = x.key
    )`;
}

async function settleKeys(
  trx: Transaction<Database>,
  answers: { scope: IdempotencyScope; response: unknown }[],
  refused: IdempotencyScope[] = [],
): Promise<void> {
  if (answers.length === 0 && refused.length === 0) return;
  await sql`${sql.raw(PREPARED_MARK)} with ${settleKeysCtes(answers, refused)} select 1`.execute(trx);
}

/**
 * Run `work` in the caller's transaction when `db` is one, else in a new
 * transaction owned by this call (committed when `work` resolves). A new one
 * uses the prepared statements' generic plans (`BEGIN_WRITE_TRANSACTION` in
 * packages/db, sent with its `begin`).
 */
export function inTransaction<T>(db: Db, work: (trx: Transaction<Database>) => Promise<T>): Promise<T> {
  if (db.isTransaction) return work(db as Transaction<Database>);
  return db.transaction().execute(work);
}

/**
 * Lets a mutation store its answer in its last write, saving the statement
 * that stores it after `work` returns.
 */
export interface AnswerStore {
  /**
   * Common table expressions, each after a comma (for the end of a `with`
   * list), storing `answer` as the call's response; nothing without an
   * idempotency key. Use it in the statement that decides the answer, once.
   * `fill`: a top-level field of `answer` that only the statement knows (an
   * identity column), as SQL over its other CTEs.
   */
  ctes(answer: unknown, fill?: { field: string; value: RawBuilder<unknown> }): RawBuilder<unknown>;
}

/** The answer an `AnswerStore` stored, as JSON text, given the call's result (which fills the `fill` field). */
type Stored = (result: unknown) => string;

function answerStore(scope: IdempotencyScope | null | undefined, stored: { text?: Stored }): AnswerStore {
  return {
    ctes(answer, fill) {
      if (!scope) return sql.raw('');
      // The JSON text around the filled field (a mark no other value can contain), so the
      // stored answer is the same text `settleKeys` would store, key order included.
      const mark = `fill:${crypto.randomUUID()}`;
      const text = JSON.stringify(fill ? { ...(answer as object), [fill.field]: mark } : (answer ?? null));
      const [before, after = ''] = text.split(JSON.stringify(mark));
      stored.text = (result) =>
        fill ? `${before}${JSON.stringify((result as Record<string, unknown>)[fill.field])}${after}` : text;
      const value = fill ? sql`${before} || (${fill.value})::text || ${after}` : sql`${text}::text`;
      return sql`,
        answered as (
          update idempotency_records set response = (${value})::json
          where principal = ${scope.principal} and procedure = ${scope.procedure} and key = ${scope.key}
        )`;
    },
  };
}

/**
 * Run a mutation in one transaction, exactly once per idempotency scope (when
 * one is given). `work` must return plain JSON. When `work` stored its answer
 * in its own last write (`AnswerStore`) and returns that very answer (same
 * JSON text), nothing more is written; otherwise the returned answer is stored
 * by one more statement, as it always was.
 */
export async function runMutation<T>(
  db: Db,
  scope: IdempotencyScope | null | undefined,
  input: unknown,
  work: (trx: Transaction<Database>, answer: AnswerStore) => Promise<T>,
): Promise<MutationResult<T>> {
  const stored: { text?: Stored } = {};
  if (!scope)
    return {
      result: await inTransaction(db, (trx) => work(trx, answerStore(scope, stored))),
      replayed: false,
    };
  const hash = requestHash(input);
  return inTransaction(db, async (trx) => {
    const claim = (await claimKeys(trx, [{ scope, hash }])).get(scopeKey(scope));
    if (claim?.status === 'replay') return { result: claim.response as T, replayed: true };
    if (claim?.status !== 'claimed') throw idempotencyKeyReused();
    const result = await work(trx, answerStore(scope, stored));
    if (stored.text?.(result) !== JSON.stringify(result ?? null)) {
      await settleKeys(trx, [{ scope, response: result }]);
    }
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
