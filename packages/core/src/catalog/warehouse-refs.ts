/**
 * A warehouse may be named by its id or by its code (`NYC-1`) wherever an input
 * takes `warehouseId` or `warehouseIds`. `resolveWarehouseRefs` turns every code
 * in an input into the warehouse's id before the input is validated and the use
 * case runs (one indexed lookup per request that uses codes); outputs keep ids.
 */
import type { Db } from '@stockroom/db';
import { notFound } from '../shared/errors.js';
import { ZUuid, ZWarehouseCode } from '../shared/schemas.js';

const isCode = (value: unknown): value is string =>
  typeof value === 'string' && !ZUuid.safeParse(value).success && ZWarehouseCode.safeParse(value).success;

type Slot = { holder: Record<string, unknown> | unknown[]; key: string | number; code: string };

/** Inputs never nest deeper than this; deeper parts are left for validation to refuse. */
const MAX_DEPTH = 32;

/** Every place in `input` where a warehouse is named by code. */
function findCodes(input: unknown): Slot[] {
  const slots: Slot[] = [];
  const stack: [unknown, number][] = [[input, 0]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop() as [unknown, number];
    if (depth > MAX_DEPTH) continue;
    if (Array.isArray(node)) {
      for (const item of node) stack.push([item, depth + 1]);
    } else if (typeof node === 'object' && node !== null) {
      const record = node as Record<string, unknown>;
      for (const [key, value] of Object.entries(record)) {
        if (key === 'warehouseId' && isCode(value)) slots.push({ holder: record, key, code: value });
        else if (key === 'warehouseIds' && Array.isArray(value)) {
          value.forEach((item, i) => {
            if (isCode(item)) slots.push({ holder: value, key: i, code: item });
          });
        } else if (typeof value === 'object' && value !== null) stack.push([value, depth + 1]);
      }
    }
  }
  return slots;
}

/**
 * `input` with each warehouse code replaced by its id (in place: `input` is the
 * request's parsed JSON). An unknown code is NOT_FOUND naming the code. Strings
 * that are neither an id nor a code are left for validation to refuse.
 */
export async function resolveWarehouseRefs<T>(db: Db, input: T): Promise<T> {
  if (typeof input !== 'object' || input === null) return input;
  const slots = findCodes(input);
  if (slots.length === 0) return input;
  const codes = [...new Set(slots.map((slot) => slot.code.trim()))];
  const rows = await db.selectFrom('warehouses').select(['id', 'code']).where('code', 'in', codes).execute();
  const idByCode = new Map(rows.map((row) => [row.code, row.id]));
  for (const slot of slots) {
    const id = idByCode.get(slot.code.trim());
    if (!id) throw notFound(`Warehouse ${slot.code}`, { warehouseCode: slot.code });
    (slot.holder as Record<string | number, unknown>)[slot.key] = id;
  }
  return input;
}
