/**
 * Reading the outbox in commit-safe order.
 *
 * An event's position is (txid, id). Readers only see events of transactions
 * that are older than every transaction still running (txid below the
 * snapshot's xmin), so the set of visible positions only ever grows at the end:
 * a cursor can never skip an event that commits late.
 */
import type { Db } from '@stockroom/db';
import { sql } from 'kysely';
import { z } from 'zod';
import { decodeCursor } from '../shared/cursor.js';
import { iso } from '../shared/dto.js';
import { paginate } from '../shared/paginate.js';
import { type Page, ZCursor, ZDirection, ZLimit } from '../shared/schemas.js';
import { parseInput } from '../shared/validate.js';
import type { EventType, StockroomEvent } from './catalogue.js';

export const ZEventTypes = z.array(z.string().trim().min(1).max(100)).max(50);
export const ZEventsListInput = z
  .object({ types: ZEventTypes.optional(), cursor: ZCursor.optional(), limit: ZLimit, direction: ZDirection })
  .strict();

function positionOf(txid: string, id: number): string {
  return `${txid}.${id}`;
}

interface EventRow {
  id: number;
  txid: string;
  type: string;
  aggregateType: string;
  aggregateId: string;
  payload: Record<string, unknown>;
  createdAt: Date;
}

/** A row as its catalogue type: every writer is typed by the catalogue, so the row has its type's shape. */
function toEvent({ txid, createdAt, ...e }: EventRow): StockroomEvent {
  return {
    ...e,
    type: e.type as EventType,
    position: positionOf(txid, e.id),
    createdAt: iso(createdAt),
  } as StockroomEvent;
}

const MAX_TXID = 2n ** 64n - 1n; // xid8

/**
 * A position this server could have given out, or undefined: digits that fit
 * its types (txid an xid8, id a safe integer), so reading after it can never
 * fail on an out-of-range value.
 */
export function parsePosition(position: string): { txid: string; id: number } | undefined {
  const match = /^(\d{1,20})\.(\d{1,16})$/.exec(position);
  if (!match) return undefined;
  const txid = BigInt(match[1] as string);
  const id = Number(match[2]);
  if (txid > MAX_TXID || !Number.isSafeInteger(id)) return undefined;
  return { txid: txid.toString(), id };
}

/**
 * Events after `after` (oldest first), only from finished transactions.
 * `after` undefined starts at the beginning.
 */
export async function readEventsAfter(
  db: Db,
  after: string | undefined,
  options: { types?: readonly string[]; limit?: number } = {},
): Promise<StockroomEvent[]> {
  const from = after ? parsePosition(after) : undefined;
  let query = db
    .selectFrom('events')
    .select(['id', 'txid', 'type', 'aggregateType', 'aggregateId', 'payload', 'createdAt'])
    .where(sql<boolean>`txid < pg_snapshot_xmin(pg_current_snapshot())`);
  if (from) query = query.where(sql<boolean>`(txid, id) > (${from.txid}::xid8, ${from.id}::bigint)`);
  if (options.types && options.types.length > 0) query = query.where('type', 'in', options.types);
  const rows = await query
    .orderBy('txid')
    .orderBy('id')
    .limit(options.limit ?? 500)
    .execute();
  return rows.map(toEvent);
}

/** The position of the newest finished event (where a live feed starts). */
export async function latestPosition(db: Db): Promise<string | undefined> {
  const row = await db
    .selectFrom('events')
    .select(['id', 'txid'])
    .where(sql<boolean>`txid < pg_snapshot_xmin(pg_current_snapshot())`)
    .orderBy('txid', 'desc')
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row ? positionOf(row.txid, row.id) : undefined;
}

/** The event log, newest first, for people reading it (console, API). */
export async function listEvents(
  db: Db,
  input: z.input<typeof ZEventsListInput>,
): Promise<Page<StockroomEvent>> {
  const data = parseInput(ZEventsListInput, input);
  let query = db
    .selectFrom('events')
    .select(['id', 'txid', 'type', 'aggregateType', 'aggregateId', 'payload', 'createdAt']);
  if (data.types && data.types.length > 0) query = query.where('type', 'in', data.types);
  if (data.cursor) {
    const [id] = decodeCursor(data.cursor, z.tuple([z.number().int().positive()]));
    query = query.where('id', '<', id);
  }
  const { rows, nextCursor } = await paginate(
    data.limit,
    (take) => query.orderBy('id', 'desc').limit(take).execute(),
    (last) => [last.id],
  );
  return {
    items: rows.map(toEvent),
    nextCursor,
  };
}
