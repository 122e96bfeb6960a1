/**
 * Users and service tokens: who may act. Passwords are argon2id hashes; service
 * tokens are stored as sha256 hashes. Signing sessions (JWT) is the API's job.
 */
import type { Db, Role } from '@stockroom/db';
import { sql } from 'kysely';
import { z } from 'zod';
import { runMutation } from '../idempotency/index.js';
import type { Actor } from '../shared/actor.js';
import type { MutationContext } from '../shared/context.js';
import { forbidden, notFound, validationFailed } from '../shared/errors.js';
import { ZUuid, ZWarehouseRef } from '../shared/schemas.js';
import { parseInput } from '../shared/validate.js';
import { assertPasswordFitsAccount, checkPassword, hashNewPassword, ZPassword } from './passwords.js';

export { ZPassword } from './passwords.js';

import { demoCredentialsRefused, isDemoLogin } from './demo.js';

export interface UserDto {
  id: string;
  email: string;
  name: string;
  role: Role;
  warehouseIds: string[];
  active: boolean;
}

export const ZEmail = z.string().trim().toLowerCase().max(254).pipe(z.email());
export const ZLoginInput = z
  .object({ email: z.string().trim().max(254), password: z.string().max(200) })
  .strict();
export const ZRegisterInput = z
  .object({ email: ZEmail, password: ZPassword, name: z.string().trim().min(1).max(200) })
  .strict();
const ZRole = z.enum(['admin', 'staff', 'seller', 'buyer']);
/** Warehouse scope: each warehouse once. */
const ZWarehouseIds = z
  .array(ZWarehouseRef)
  .max(100)
  .refine((ids) => new Set(ids).size === ids.length, 'each warehouse once');
export const ZCreateUserInput = ZRegisterInput.extend({
  role: ZRole,
  warehouseIds: ZWarehouseIds.default([]),
}).strict();
export const ZUpdateUserInput = z
  .object({
    id: ZUuid,
    name: z.string().trim().min(1).max(200).optional(),
    role: ZRole.optional(),
    warehouseIds: ZWarehouseIds.optional(),
    active: z.boolean().optional(),
  })
  .strict()
  .refine(
    (input) => Object.entries(input).some(([key, value]) => key !== 'id' && value !== undefined),
    'name at least one field to change',
  );

// A real hash to verify against when the email is unknown, so a login for a
// missing account costs the same time as a wrong password.
let decoyHash: Promise<string> | undefined;

async function loadUser(db: Db, where: { id?: string; email?: string }): Promise<UserDto | undefined> {
  let query = db
    .selectFrom('users as u')
    .select([
      'u.id',
      'u.email',
      'u.name',
      'u.role',
      'u.active',
      sql<
        string[]
      >`coalesce((select array_agg(uw.warehouse_id order by uw.warehouse_id) from user_warehouses uw where uw.user_id = u.id), '{}')`.as(
        'warehouseIds',
      ),
    ]);
  if (where.id) query = query.where('u.id', '=', where.id);
  if (where.email) query = query.where(sql`lower(u.email)`, '=', where.email.toLowerCase());
  return query.executeTakeFirst();
}

export function getUser(db: Db, id: string): Promise<UserDto | undefined> {
  return loadUser(db, { id });
}

/** The user for these credentials, or undefined. Never says which part was wrong. */
export async function authenticate(db: Db, email: string, password: string): Promise<UserDto | undefined> {
  const row = await db
    .selectFrom('users')
    .select(['id', 'passwordHash', 'active'])
    .where(sql`lower(email)`, '=', email.trim().toLowerCase())
    .executeTakeFirst();
  if (!row) {
    decoyHash ??= hashNewPassword('decoy password for timing').catch((error: unknown) => {
      decoyHash = undefined; // a busy refusal must not stick
      throw error;
    });
    await checkPassword(await decoyHash, password);
    return undefined;
  }
  const ok = await checkPassword(row.passwordHash, password);
  if (!ok || !row.active) return undefined;
  // Demo accounts with the demo password: refused in production (see demo.ts).
  if (demoCredentialsRefused() && isDemoLogin(email, password)) return undefined;
  return loadUser(db, { id: row.id });
}

async function insertUser(
  db: Db,
  data: { email: string; passwordHash: string; name: string; role: Role; warehouseIds: string[] },
): Promise<UserDto> {
  const inserted = await db
    .insertInto('users')
    .values({ email: data.email, name: data.name, role: data.role, passwordHash: data.passwordHash })
    .onConflict((oc) => oc.expression(sql`lower(email)`).doNothing())
    .returning('id')
    .executeTakeFirst();
  if (!inserted)
    throw validationFailed('An account with this email already exists; sign in instead', { field: 'email' });
  if (data.warehouseIds.length > 0) {
    await db
      .insertInto('userWarehouses')
      .values(data.warehouseIds.map((warehouseId) => ({ userId: inserted.id, warehouseId })))
      .execute();
  }
  return (await loadUser(db, { id: inserted.id })) as UserDto;
}

/**
 * Self-service sign-up: always a buyer. Says nothing about whether the email was
 * free (the caller answers the same either way, then signs in): the password is
 * hashed and one insert is tried in both cases, so the time taken is the same.
 * Returns whether an account was created, for tests and logs only.
 */
export async function registerBuyer(
  ctx: Pick<MutationContext, 'db'>,
  input: z.input<typeof ZRegisterInput>,
): Promise<{ created: boolean }> {
  const data = parseInput(ZRegisterInput, input);
  assertPasswordFitsAccount(data.password, data);
  // Hashed before any connection is taken: a queue of sign-ups holds no database connection.
  const passwordHash = await hashNewPassword(data.password);
  const inserted = await ctx.db
    .insertInto('users')
    .values({ email: data.email, name: data.name, role: 'buyer', passwordHash })
    .onConflict((oc) => oc.expression(sql`lower(email)`).doNothing())
    .returning('id')
    .executeTakeFirst();
  return { created: inserted !== undefined };
}

function assertAdmin(actor: Actor) {
  if (actor.kind === 'system') return; // the operator CLI
  if (actor.kind !== 'user' || actor.role !== 'admin') throw forbidden('Only an admin can manage users');
}

async function assertWarehouses(db: Db, ids: string[]) {
  if (ids.length === 0) return;
  const found = await db.selectFrom('warehouses').select('id').where('id', 'in', ids).execute();
  const missing = ids.filter((id) => !found.some((f) => f.id === id));
  if (missing.length > 0) throw notFound(`Warehouse ${missing.join(', ')}`, { warehouseIds: missing });
}

export async function createUser(
  ctx: MutationContext,
  input: z.input<typeof ZCreateUserInput>,
): Promise<UserDto> {
  assertAdmin(ctx.actor);
  const data = parseInput(ZCreateUserInput, input);
  assertPasswordFitsAccount(data.password, data);
  const passwordHash = await hashNewPassword(data.password);
  return runMutation(ctx.db, ctx.idempotency, input, async (trx) => {
    await assertWarehouses(trx, data.warehouseIds);
    return insertUser(trx, { ...data, passwordHash });
  }).then((r) => r.result);
}

/**
 * Change a user. An admin cannot demote or disable themselves (as the operator CLI
 * refuses it), and no change may leave the system without an active admin: a change
 * that takes admin rights away locks every active admin first (in id order, so two
 * admins demoting each other at once are judged one after the other) and is refused
 * when none would be left.
 */
export async function updateUser(
  ctx: MutationContext,
  input: z.input<typeof ZUpdateUserInput>,
): Promise<UserDto> {
  assertAdmin(ctx.actor);
  const { id, warehouseIds, ...changes } = parseInput(ZUpdateUserInput, input);
  const takesAdminAway = changes.active === false || (changes.role !== undefined && changes.role !== 'admin');
  if (takesAdminAway && ctx.actor.kind === 'user' && ctx.actor.id === id) {
    throw validationFailed('You cannot demote or disable yourself; another admin can', { id });
  }
  return runMutation(ctx.db, ctx.idempotency, input, async (trx) => {
    if (takesAdminAway) {
      const admins = await lockActiveAdmins(trx);
      if (admins.length === 1 && admins[0] === id) {
        throw validationFailed('At least one active admin must remain', { id });
      }
    }
    const fields = Object.fromEntries(Object.entries(changes).filter(([, v]) => v !== undefined));
    const updated = await trx
      .updateTable('users')
      .set({ ...fields, updatedAt: sql`now()` })
      .where('id', '=', id)
      .returning('id')
      .executeTakeFirst();
    if (!updated) throw notFound('User', { id });
    if (changes.role !== undefined && changes.role !== 'seller') await assertOwnsNoProducts(trx, id);
    if (warehouseIds) {
      await assertWarehouses(trx, warehouseIds);
      await trx.deleteFrom('userWarehouses').where('userId', '=', id).execute();
      if (warehouseIds.length > 0) {
        await trx
          .insertInto('userWarehouses')
          .values(warehouseIds.map((warehouseId) => ({ userId: id, warehouseId })))
          .execute();
      }
    }
    return (await loadUser(trx, { id })) as UserDto;
  }).then((r) => r.result);
}

/**
 * A product's owner stays a seller: the role of someone who owns products cannot change
 * (give them to another seller first). Runs after the user's row is updated (locked), and
 * a product write locks its owner's row to share, so the two cannot cross.
 */
async function assertOwnsNoProducts(db: Db, id: string): Promise<void> {
  const { n } = await db
    .selectFrom('products')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('sellerId', '=', id)
    .executeTakeFirstOrThrow();
  if (Number(n) > 0) {
    throw validationFailed(
      `This seller owns ${n} products; give them to another seller (sellerId) before changing the role`,
      { id, field: 'role', products: Number(n) },
    );
  }
}

/** The ids of every active admin, their rows locked (FOR UPDATE, in id order). */
async function lockActiveAdmins(db: Db): Promise<string[]> {
  const { rows } = await sql<{ id: string }>`
    select id from users where role = 'admin' and active order by id for update`.execute(db);
  return rows.map((r) => r.id);
}

export async function listUsers(db: Db, actor: Actor): Promise<UserDto[]> {
  assertAdmin(actor);
  const ids = await db.selectFrom('users').select('id').orderBy('email').execute();
  return Promise.all(ids.map((u) => loadUser(db, { id: u.id }) as Promise<UserDto>));
}
