/**
 * What an operator does from outside the API: the first admin from the
 * environment at start, and the `pnpm stockroom` CLI (reset a password,
 * disable a user). The CLI acts as `system:cli`.
 */
import { type Db, DEMO_USERS, hashPassword } from '@stockroom/db';
import { sql } from 'kysely';
import { z } from 'zod';
import { runMutation } from '../idempotency/index.js';
import type { Actor } from '../shared/actor.js';
import type { MutationContext } from '../shared/context.js';
import { forbidden, notFound, validationFailed } from '../shared/errors.js';
import { parseInput } from '../shared/validate.js';
import { demoCredentialsRefused } from './demo.js';
import { revokeUserSessions } from './sessions.js';
import { ZEmail, ZPassword } from './users.js';

const DEMO_EMAILS = DEMO_USERS.map((u) => u.email);

export const SYSTEM_CLI: Actor = { kind: 'system', name: 'cli' };

export const ZFirstAdminInput = z
  .object({
    email: ZEmail,
    password: ZPassword,
    name: z.string().trim().min(1).max(200).default('Administrator'),
  })
  .strict();

export type FirstAdminOutcome =
  | { created: true; email: string; id: string }
  | { created: false; email: string; reason: 'admin-exists' | 'email-taken' };

/**
 * Create the first admin when no admin exists (active or not); never changes an
 * existing user. One transaction under an advisory lock, so several processes
 * starting together create it once.
 */
export async function ensureFirstAdmin(
  db: Db,
  input: z.input<typeof ZFirstAdminInput>,
): Promise<FirstAdminOutcome> {
  const data = parseInput(ZFirstAdminInput, input);
  // Hash outside the lock: argon2 is slow on purpose.
  const passwordHash = await hashPassword(data.password);
  return db.transaction().execute(async (trx) => {
    await sql`select pg_advisory_xact_lock(hashtext('stockroom.first-admin'))`.execute(trx);
    let admins = trx.selectFrom('users').select('id').where('role', '=', 'admin');
    // A demo admin that this (production) process refuses is no one who can sign in.
    if (demoCredentialsRefused()) admins = admins.where(sql`lower(email)`, 'not in', DEMO_EMAILS);
    const admin = await admins.limit(1).executeTakeFirst();
    if (admin) return { created: false, email: data.email, reason: 'admin-exists' };
    const row = await trx
      .insertInto('users')
      .values({ email: data.email, name: data.name, role: 'admin', passwordHash })
      .onConflict((oc) => oc.expression(sql`lower(email)`).doNothing())
      .returning('id')
      .executeTakeFirst();
    // Someone else holds this email (a buyer who signed up): do not take it over.
    if (!row) return { created: false, email: data.email, reason: 'email-taken' };
    return { created: true, email: data.email, id: row.id };
  });
}

function assertOperator(actor: Actor): void {
  if (actor.kind === 'system') return;
  if (actor.kind === 'user' && actor.role === 'admin') return;
  throw forbidden('Only an admin or an operator can do this');
}

export const ZResetPasswordInput = z.object({ email: ZEmail, password: ZPassword }).strict();
export const ZUserEmailInput = z.object({ email: ZEmail }).strict();

async function userIdByEmail(db: Db, email: string): Promise<string> {
  const row = await db
    .selectFrom('users')
    .select('id')
    .where(sql`lower(email)`, '=', email.toLowerCase())
    .executeTakeFirst();
  if (!row) throw notFound(`User ${email}`, { email });
  return row.id;
}

/** Set a new password. (Sessions already issued follow the user's state, not the password.) */
export async function resetPassword(
  ctx: MutationContext,
  input: z.input<typeof ZResetPasswordInput>,
): Promise<{ id: string; email: string }> {
  assertOperator(ctx.actor);
  const data = parseInput(ZResetPasswordInput, input);
  const passwordHash = await hashPassword(data.password);
  const result = await runMutation(ctx.db, ctx.idempotency, { email: data.email }, async (trx) => {
    const id = await userIdByEmail(trx, data.email);
    await trx
      .updateTable('users')
      .set({ passwordHash, updatedAt: sql`now()` })
      .where('id', '=', id)
      .execute();
    // A new password ends every session the old one opened (a stolen token dies with it).
    await revokeUserSessions(trx, id);
    return { id, email: data.email };
  });
  return result.result;
}

/** Disable an account: it can no longer sign in, and its sessions are refused. */
export async function disableUser(
  ctx: MutationContext,
  input: z.input<typeof ZUserEmailInput>,
): Promise<{ id: string; email: string }> {
  assertOperator(ctx.actor);
  const data = parseInput(ZUserEmailInput, input);
  const result = await runMutation(ctx.db, ctx.idempotency, input, async (trx) => {
    const id = await userIdByEmail(trx, data.email);
    if (ctx.actor.kind === 'user' && ctx.actor.id === id)
      throw validationFailed('You cannot disable yourself');
    await trx
      .updateTable('users')
      .set({ active: false, updatedAt: sql`now()` })
      .where('id', '=', id)
      .execute();
    return { id, email: data.email };
  });
  return result.result;
}
