/**
 * Holds, listed for the people who look after them: staff see holds with a line
 * at one of their warehouses, admins every hold, a service token the holds at
 * its warehouses (all of them when it is not limited). Newest first, keyset
 * pages. A due pending hold on the page is expired first (lazy expiry, as
 * `getReservation` does), so nobody is shown a hold that has already ended.
 */
import type { Db } from '@stockroom/db';
import { sql } from 'kysely';
import { z } from 'zod';
import { sortLines } from '../holds/index.js';
import type { Actor } from '../shared/actor.js';
import { decodeCursor } from '../shared/cursor.js';
import { iso, type Reservation } from '../shared/dto.js';
import { forbidden } from '../shared/errors.js';
import { paginate } from '../shared/paginate.js';
import { type Page, ZCursor, ZDirection, ZLimit, ZReference, ZSku, ZUuid } from '../shared/schemas.js';
import { parseInput } from '../shared/validate.js';
import { expireIfDue } from './expiry.js';

export const ZReservationsListInput = z
  .object({
    status: z.enum(['pending', 'confirmed', 'released', 'expired']).optional(),
    warehouseId: ZUuid.optional(),
    sku: ZSku.optional(),
    reference: ZReference.optional(),
    cursor: ZCursor.optional(),
    limit: ZLimit,
    direction: ZDirection,
  })
  .strict();

/** Who a hold is for: a signed-in user (with their email), or the service or person that made it. */
export interface HoldOwner {
  kind: 'user' | 'service' | 'system';
  userId: string | null;
  email: string | null;
  /** What to show: the user's email, the service token's name, or the actor label. */
  label: string;
}

export type ListedReservation = Reservation & { owner: HoldOwner };

/** The warehouses whose holds this actor may list (null = every warehouse). */
function visibleWarehouses(actor: Actor): string[] | null {
  if (actor.kind === 'system') return null;
  if (actor.kind === 'service') return actor.warehouseIds;
  if (actor.role === 'admin') return null;
  if (actor.role === 'staff') return actor.warehouseIds;
  throw forbidden('Only staff, admins and the service list holds');
}

export async function listReservations(
  db: Db,
  actor: Actor,
  input: z.input<typeof ZReservationsListInput>,
): Promise<Page<ListedReservation>> {
  const data = parseInput(ZReservationsListInput, input);
  const visible = visibleWarehouses(actor);
  if (visible?.length === 0) return { items: [], nextCursor: null };
  const query = filteredQuery(db, data, visible);
  const { rows, nextCursor } = await paginate(
    data.limit,
    (take) => query.orderBy('r.createdAt', 'desc').orderBy('r.id', 'desc').limit(take).execute(),
    (last) => [last.createdAtKey, last.id],
  );
  if (rows.length === 0) return { items: [], nextCursor };
  const statuses = await expireDue(db, rows);
  const linesOf = await linesByReservation(
    db,
    rows.map((r) => r.id),
  );
  const items = rows.map(
    (r): ListedReservation => ({
      id: r.id,
      status: statuses.get(r.id) ?? r.status,
      expiresAt: iso(r.expiresAt),
      reference: r.reference,
      lines: sortLines(linesOf.get(r.id) ?? []),
      createdAt: iso(r.createdAt),
      owner: ownerOf(r),
    }),
  );
  return { items, nextCursor };
}

function baseQuery(db: Db) {
  return db
    .selectFrom('reservations as r')
    .leftJoin('users as u', 'u.id', 'r.ownerUserId')
    .leftJoin('users as cu', (join) => join.on(sql<boolean>`r.created_by = 'user:' || cu.id::text`))
    .leftJoin('serviceTokens as st', (join) =>
      join.on(sql<boolean>`r.created_by = 'service:' || st.id::text`),
    )
    .select([
      'r.id',
      'r.status',
      'r.expiresAt',
      'r.reference',
      'r.createdAt',
      'r.createdBy',
      'r.ownerUserId',
      'u.email',
      'cu.email as creatorEmail',
      'st.name as tokenName',
      sql<string>`r.created_at::text`.as('createdAtKey'),
    ]);
}

/** The holds the actor may see that match the filters, after the cursor. */
function filteredQuery(db: Db, data: z.output<typeof ZReservationsListInput>, visible: string[] | null) {
  let query = baseQuery(db);
  const lineQuery = () =>
    db
      .selectFrom('reservationLines as l')
      .select(sql`1`.as('one'))
      .where(sql<boolean>`l.reservation_id = r.id`);
  const hasLine = (where: (q: ReturnType<typeof lineQuery>) => ReturnType<typeof lineQuery>) =>
    query.where(({ exists }) => exists(where(lineQuery())));
  if (visible) query = hasLine((q) => q.where('l.warehouseId', 'in', visible));
  if (data.warehouseId) {
    const warehouseId = data.warehouseId;
    query = hasLine((q) => q.where('l.warehouseId', '=', warehouseId));
  }
  if (data.sku) {
    const sku = data.sku;
    query = hasLine((q) => q.innerJoin('products as p', 'p.id', 'l.productId').where('p.sku', '=', sku));
  }
  if (data.status) query = query.where('r.status', '=', data.status);
  if (data.reference) query = query.where('r.reference', '=', data.reference);
  if (data.cursor) {
    const [createdAt, id] = decodeCursor(data.cursor, z.tuple([z.string().max(64), ZUuid]));
    query = query.where(sql<boolean>`(r.created_at, r.id) < (${createdAt}::timestamptz, ${id}::uuid)`);
  }
  return query;
}

/** Lazy expiry for the page's due holds; returns their statuses as they are now. */
async function expireDue(
  db: Db,
  rows: { id: string; status: Reservation['status']; expiresAt: Date }[],
): Promise<Map<string, Reservation['status']>> {
  const now = Date.now();
  const due = rows.filter((r) => r.status === 'pending' && r.expiresAt.getTime() <= now);
  const statuses = new Map<string, Reservation['status']>();
  if (due.length === 0) return statuses;
  for (const r of due) await expireIfDue(db, r.id);
  const after = await db
    .selectFrom('reservations')
    .select(['id', 'status'])
    .where(
      'id',
      'in',
      due.map((r) => r.id),
    )
    .execute();
  for (const r of after) statuses.set(r.id, r.status);
  return statuses;
}

async function linesByReservation(
  db: Db,
  ids: string[],
): Promise<Map<string, { sku: string; warehouseId: string; quantity: number }[]>> {
  const lines = await db
    .selectFrom('reservationLines as l')
    .innerJoin('products as p', 'p.id', 'l.productId')
    .select(['l.reservationId', 'p.sku', 'l.warehouseId', 'l.quantity'])
    .where('l.reservationId', 'in', ids)
    .execute();
  const linesOf = new Map<string, { sku: string; warehouseId: string; quantity: number }[]>();
  for (const { reservationId, ...line } of lines) {
    const list = linesOf.get(reservationId) ?? [];
    list.push(line);
    linesOf.set(reservationId, list);
  }
  return linesOf;
}

function ownerOf(r: {
  createdBy: string;
  ownerUserId: string | null;
  email: string | null;
  creatorEmail: string | null;
  tokenName: string | null;
}): HoldOwner {
  if (r.ownerUserId)
    return { kind: 'user', userId: r.ownerUserId, email: r.email, label: r.email ?? r.createdBy };
  const kind = r.createdBy.startsWith('service:')
    ? 'service'
    : r.createdBy.startsWith('user:')
      ? 'user'
      : 'system';
  const userId = kind === 'user' ? r.createdBy.slice('user:'.length) : null;
  const email = kind === 'user' ? r.creatorEmail : null;
  return { kind, userId, email, label: email ?? r.tokenName ?? r.createdBy };
}
