/**
 * Sessions of signed-in users. A session row outlives nothing: its token (a JWT
 * the API signs, naming the row) is honoured only while the row is unrevoked and
 * unexpired and its user is active, and then with the user's *current* role and
 * warehouses — never what the token said when it was issued.
 */
import type { Database, Db } from '@stockroom/db';
import { type Kysely, sql } from 'kysely';
import type { Actor } from '../shared/actor.js';

export interface NewSession {
  userId: string;
  expiresAt: Date;
  ip?: string;
  userAgent?: string;
}

/** Open a session; returns its id (the token's `sid`). */
export async function openSession(db: Db, session: NewSession): Promise<string> {
  const row = await db
    .insertInto('sessions')
    .values({
      userId: session.userId,
      expiresAt: session.expiresAt,
      ip: session.ip?.slice(0, 64) ?? null,
      userAgent: session.userAgent?.slice(0, 300) ?? null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/**
 * Who acts with this session now: the user with their current role and
 * warehouses, or undefined when the session is revoked, expired or unknown, or
 * the user is disabled or gone.
 */
export async function sessionActor(db: Db, sessionId: string, userId: string): Promise<Actor | undefined> {
  const row = await db
    .selectFrom('sessions as s')
    .innerJoin('users as u', 'u.id', 's.userId')
    .select([
      'u.id',
      'u.role',
      sql<string[]>`coalesce((select array_agg(uw.warehouse_id order by uw.warehouse_id)
        from user_warehouses uw where uw.user_id = u.id), '{}')`.as('warehouseIds'),
    ])
    .where('s.id', '=', sessionId)
    .where('s.userId', '=', userId)
    .where('s.revokedAt', 'is', null)
    .where('s.expiresAt', '>', sql<Date>`now()`)
    .where('u.active', '=', true)
    .executeTakeFirst();
  return row ? { kind: 'user', id: row.id, role: row.role, warehouseIds: row.warehouseIds } : undefined;
}

/** Sign out: the session's token is refused from now on, in every process. */
export async function revokeSession(db: Db, sessionId: string): Promise<void> {
  await db
    .updateTable('sessions')
    .set({ revokedAt: sql`now()` })
    .where('id', '=', sessionId)
    .where('revokedAt', 'is', null)
    .execute();
}

/** End every session of a user (a password reset, a lost device). Returns how many. */
export async function revokeUserSessions(db: Kysely<Database>, userId: string): Promise<number> {
  const result = await db
    .updateTable('sessions')
    .set({ revokedAt: sql`now()` })
    .where('userId', '=', userId)
    .where('revokedAt', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/** Forget sessions that ended a while ago (each API process does at start). */
export async function pruneSessions(db: Db, olderThanDays = 7): Promise<number> {
  const result = await db
    .deleteFrom('sessions')
    .where('expiresAt', '<', sql<Date>`now() - make_interval(days => ${olderThanDays})`)
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}
