/**
 * Service tokens: how the checkout service and store systems authenticate.
 *
 * - A token is `sr_live_` + 32 random bytes (base64url): the prefix lets secret
 *   scanners recognise a leaked one. Only its sha256 is stored; it is shown once,
 *   on create and on rotate (an idempotent replay does not show it again).
 * - Scopes say what it may do (`stock:read`, `stock:write`, `reservations`,
 *   `orders`, `payments`; the API maps each procedure to one); `warehouseIds`
 *   say where (null = every warehouse).
 * - Revoked, expired, or rotated-away-and-past-grace tokens are refused.
 * - Rotation: a new secret replaces the old one, which stays valid for
 *   `graceSeconds` (default 24 h, 0–7 days) so deployments can switch over.
 *   Rotating again ends the earlier grace at once (one previous secret at most).
 * - Admin only (checked here as well as in the API); the operator CLI acts as
 *   `system:cli`.
 */
import { randomBytes } from 'node:crypto';
import { type Db, DEMO_SERVICE_TOKEN, hashToken, type ServiceScope } from '@stockroom/db';
import { sql } from 'kysely';
import { z } from 'zod';
import { runMutation } from '../idempotency/index.js';
import { type Actor, actorLabel } from '../shared/actor.js';
import type { MutationContext } from '../shared/context.js';
import { decodeCursor } from '../shared/cursor.js';
import { forbidden, invalidTransition, notFound, validationFailed } from '../shared/errors.js';
import { paginate } from '../shared/paginate.js';
import { type Page, ZCursor, ZIsoDateTime, ZLimit, ZUuid, ZWarehouseRef } from '../shared/schemas.js';
import { parseInput } from '../shared/validate.js';
import { demoCredentialsRefused, isDemoServiceToken } from './demo.js';

export const SERVICE_SCOPES = ['stock:read', 'stock:write', 'reservations', 'orders', 'payments'] as const;
const TOKEN_PREFIX = 'sr_live_';
/** Characters of a token shown in lists (`sr_live_` + 4). */
const PREFIX_LENGTH = 12;
const DEFAULT_GRACE_SECONDS = 24 * 3600;
const MAX_GRACE_SECONDS = 7 * 24 * 3600;
/** last_used_at is written at most this often per token (never once per request). */
const LAST_USED_RESOLUTION_SECONDS = 60;

const ZServiceScope = z.enum(SERVICE_SCOPES);
const distinct = <T>(items: T[]) => new Set(items).size === items.length;
const ZServiceTokenName = z.string().trim().min(1).max(100);
export const ZCreateServiceTokenInput = z
  .object({
    name: ZServiceTokenName,
    scopes: z.array(ZServiceScope).min(1).max(SERVICE_SCOPES.length).refine(distinct, 'each scope once'),
    /** Omitted or null: every warehouse. */
    warehouseIds: z.array(ZWarehouseRef).min(1).max(100).refine(distinct, 'each warehouse once').nullish(),
    expiresAt: ZIsoDateTime.nullish(),
  })
  .strict();
export const ZServiceTokenIdInput = z.object({ id: ZUuid }).strict();
export const ZRotateServiceTokenInput = z
  .object({ id: ZUuid, graceSeconds: z.number().int().min(0).max(MAX_GRACE_SECONDS).optional() })
  .strict();
export const ZListServiceTokensInput = z
  .object({ includeRevoked: z.boolean().optional(), cursor: ZCursor.optional(), limit: ZLimit })
  .strict();

export interface ServiceTokenDto {
  id: string;
  name: string;
  prefix: string;
  scopes: ServiceScope[];
  /** null = every warehouse. */
  warehouseIds: string[] | null;
  /** `refused`: the demo token, which a production process refuses even while it is in the database. */
  status: 'active' | 'expired' | 'revoked' | 'refused';
  createdAt: string;
  createdBy: string | null;
  expiresAt: string | null;
  lastUsedAt: string | null;
  revokedAt: string | null;
  rotatedAt: string | null;
  /** Until when the secret replaced by the last rotation is still accepted. */
  previousValidUntil: string | null;
}

/** A created or rotated token: the secret, once (null when an idempotent replay answers). */
export interface IssuedServiceToken extends ServiceTokenDto {
  token: string | null;
}

const COLUMNS = [
  'id',
  'tokenHash',
  'name',
  'prefix',
  'scopes',
  'warehouseIds',
  'createdAt',
  'createdBy',
  'expiresAt',
  'lastUsedAt',
  'revokedAt',
  'rotatedAt',
  'previousValidUntil',
] as const;

const iso = (d: Date | null) => (d ? d.toISOString() : null);
const DEMO_TOKEN_HASH = hashToken(DEMO_SERVICE_TOKEN);

type Row = {
  id: string;
  tokenHash: string;
  name: string;
  prefix: string;
  scopes: ServiceScope[];
  warehouseIds: string[] | null;
  createdAt: Date;
  createdBy: string | null;
  expiresAt: Date | null;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
  rotatedAt: Date | null;
  previousValidUntil: Date | null;
};

function toDto(row: Row, now = Date.now()): ServiceTokenDto {
  const status = row.revokedAt
    ? 'revoked'
    : row.expiresAt && row.expiresAt.getTime() <= now
      ? 'expired'
      : demoCredentialsRefused() && row.tokenHash === DEMO_TOKEN_HASH
        ? 'refused'
        : 'active';
  return {
    id: row.id,
    name: row.name,
    prefix: row.prefix,
    scopes: row.scopes,
    warehouseIds: row.warehouseIds,
    status,
    createdAt: iso(row.createdAt) as string,
    createdBy: row.createdBy,
    expiresAt: iso(row.expiresAt),
    lastUsedAt: iso(row.lastUsedAt),
    revokedAt: iso(row.revokedAt),
    rotatedAt: iso(row.rotatedAt),
    previousValidUntil: row.revokedAt ? null : iso(row.previousValidUntil),
  };
}

/** A new secret: `sr_live_` + 32 random bytes, base64url (51 characters). */
function generateServiceToken(): string {
  return `${TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
}

function assertMayManageTokens(actor: Actor): void {
  if (actor.kind === 'system') return;
  if (actor.kind === 'user' && actor.role === 'admin') return;
  throw forbidden('Only an admin can manage service tokens');
}

async function assertWarehousesExist(db: Db, ids: string[]): Promise<void> {
  const found = await db.selectFrom('warehouses').select('id').where('id', 'in', ids).execute();
  const missing = ids.filter((id) => !found.some((f) => f.id === id));
  if (missing.length > 0) throw notFound(`Warehouse ${missing.join(', ')}`, { warehouseIds: missing });
}

/** With the token shown only when this call made it (never in a stored idempotent answer). */
function issued(result: { result: ServiceTokenDto; replayed: boolean }, token: string): IssuedServiceToken {
  return { ...result.result, token: result.replayed ? null : token };
}

export async function createServiceToken(
  ctx: MutationContext,
  input: z.input<typeof ZCreateServiceTokenInput>,
): Promise<IssuedServiceToken> {
  assertMayManageTokens(ctx.actor);
  const data = parseInput(ZCreateServiceTokenInput, input);
  if (data.expiresAt && new Date(data.expiresAt).getTime() <= Date.now()) {
    throw validationFailed('expiresAt: must be in the future', { field: 'expiresAt' });
  }
  const token = generateServiceToken();
  const result = await runMutation(ctx.db, ctx.idempotency, input, async (trx) => {
    const warehouseIds = data.warehouseIds ? [...data.warehouseIds].sort() : null;
    if (warehouseIds) await assertWarehousesExist(trx, warehouseIds);
    const row = await trx
      .insertInto('serviceTokens')
      .values({
        name: data.name,
        tokenHash: hashToken(token),
        prefix: token.slice(0, PREFIX_LENGTH),
        scopes: SERVICE_SCOPES.filter((s) => data.scopes.includes(s)),
        warehouseIds,
        expiresAt: data.expiresAt ?? null,
        createdBy: actorLabel(ctx.actor),
      })
      .onConflict((oc) => oc.doNothing())
      .returning(COLUMNS)
      .executeTakeFirst();
    if (!row) {
      throw validationFailed(
        `A service token named "${data.name}" already exists; revoke it or pick another name`,
        {
          field: 'name',
        },
      );
    }
    return toDto(row);
  });
  return issued(result, token);
}

export async function listServiceTokens(
  db: Db,
  actor: Actor,
  input: z.input<typeof ZListServiceTokensInput> = {},
): Promise<Page<ServiceTokenDto>> {
  assertMayManageTokens(actor);
  const data = parseInput(ZListServiceTokensInput, input);
  // The cursor keeps created_at as PostgreSQL writes it (microseconds, as the other
  // lists do): a millisecond ISO string skipped tokens created in the same millisecond.
  let query = db
    .selectFrom('serviceTokens')
    .select(COLUMNS)
    .select(sql<string>`created_at::text`.as('createdAtKey'))
    .orderBy('createdAt', 'desc')
    .orderBy('id', 'desc');
  if (!data.includeRevoked) query = query.where('revokedAt', 'is', null);
  if (data.cursor) {
    const [createdAt, id] = decodeCursor(data.cursor, z.tuple([z.string().max(64), ZUuid]));
    query = query.where(sql<boolean>`(created_at, id) < (${createdAt}::timestamptz, ${id}::uuid)`);
  }
  const { rows, nextCursor } = await paginate(
    data.limit,
    (take) => query.limit(take).execute(),
    (last) => [last.createdAtKey, last.id],
  );
  return { items: rows.map(({ createdAtKey: _key, ...r }) => toDto(r)), nextCursor };
}

/** Revoke: refused from now on (every API process within a few seconds). Revoking twice is a no-op. */
export async function revokeServiceToken(
  ctx: MutationContext,
  input: z.input<typeof ZServiceTokenIdInput>,
): Promise<ServiceTokenDto> {
  assertMayManageTokens(ctx.actor);
  const { id } = parseInput(ZServiceTokenIdInput, input);
  const result = await runMutation(ctx.db, ctx.idempotency, input, async (trx) => {
    await trx
      .updateTable('serviceTokens')
      .set({ revokedAt: sql`now()` })
      .where('id', '=', id)
      .where('revokedAt', 'is', null)
      .execute();
    const row = await trx.selectFrom('serviceTokens').select(COLUMNS).where('id', '=', id).executeTakeFirst();
    if (!row) throw notFound(`Service token ${id}`, { id });
    return toDto(row);
  });
  return result.result;
}

/** A new secret for the token; the old one keeps working for `graceSeconds` (default 24 h). */
export async function rotateServiceToken(
  ctx: MutationContext,
  input: z.input<typeof ZRotateServiceTokenInput>,
): Promise<IssuedServiceToken> {
  assertMayManageTokens(ctx.actor);
  const data = parseInput(ZRotateServiceTokenInput, input);
  const grace = data.graceSeconds ?? DEFAULT_GRACE_SECONDS;
  const token = generateServiceToken();
  const result = await runMutation(ctx.db, ctx.idempotency, input, async (trx) => {
    const current = await trx
      .selectFrom('serviceTokens')
      .select(['revokedAt', 'expiresAt'])
      .where('id', '=', data.id)
      .forUpdate()
      .executeTakeFirst();
    if (!current) throw notFound(`Service token ${data.id}`, { id: data.id });
    if (current.revokedAt) throw invalidTransition('service token', 'revoked', 'rotated');
    if (current.expiresAt && current.expiresAt.getTime() <= Date.now()) {
      throw invalidTransition('service token', 'expired', 'rotated');
    }
    const row = await trx
      .updateTable('serviceTokens')
      .set({
        previousTokenHash: sql`token_hash`,
        previousValidUntil: sql`now() + make_interval(secs => ${grace})`,
        tokenHash: hashToken(token),
        prefix: token.slice(0, PREFIX_LENGTH),
        rotatedAt: sql`now()`,
      })
      .where('id', '=', data.id)
      .returning(COLUMNS)
      .executeTakeFirstOrThrow();
    return toDto(row);
  });
  return issued(result, token);
}

/** The service actor for a bearer token, or undefined (see serviceTokenPrincipal). */
export async function authenticateServiceToken(db: Db, token: string): Promise<Actor | undefined> {
  return (await serviceTokenPrincipal(db, token))?.actor;
}

/**
 * The service actor for a bearer token and when the token stops being good
 * (its expiry, or a rotated-away secret's grace; null: not by itself), or
 * undefined: unknown, revoked, expired, a rotated-away secret past its grace,
 * or the demo token when demo credentials are refused (production). Records the
 * last use at most once a minute.
 */
export async function serviceTokenPrincipal(
  db: Db,
  token: string,
): Promise<{ actor: Actor; validUntil: Date | null } | undefined> {
  if (typeof token !== 'string' || token.length === 0 || token.length > 512) return undefined;
  if (demoCredentialsRefused() && isDemoServiceToken(token)) return undefined;
  const hash = hashToken(token);
  const row = await db
    .selectFrom('serviceTokens')
    .select([
      'id',
      'name',
      'scopes',
      'warehouseIds',
      sql<Date | null>`least(expires_at, case when token_hash = ${hash} then null else previous_valid_until end)`.as(
        'validUntil',
      ),
      sql<boolean>`last_used_at is null or last_used_at < now() - make_interval(secs => ${LAST_USED_RESOLUTION_SECONDS})`.as(
        'stale',
      ),
    ])
    .where((eb) =>
      eb.or([
        eb('tokenHash', '=', hash),
        eb.and([eb('previousTokenHash', '=', hash), eb('previousValidUntil', '>', sql<Date>`now()`)]),
      ]),
    )
    .where('revokedAt', 'is', null)
    .where((eb) => eb.or([eb('expiresAt', 'is', null), eb('expiresAt', '>', sql<Date>`now()`)]))
    .executeTakeFirst();
  if (!row) return undefined;
  if (row.stale) {
    await db
      .updateTable('serviceTokens')
      .set({ lastUsedAt: sql`now()` })
      .where('id', '=', row.id)
      .where((eb) =>
        eb.or([
          eb('lastUsedAt', 'is', null),
          eb('lastUsedAt', '<', sql<Date>`now() - make_interval(secs => ${LAST_USED_RESOLUTION_SECONDS})`),
        ]),
      )
      .execute();
  }
  return {
    actor: {
      kind: 'service',
      id: row.id,
      name: row.name,
      scopes: row.scopes,
      warehouseIds: row.warehouseIds,
    },
    validUntil: row.validUntil,
  };
}
