/**
 * Warehouses: where stock lives. Admins create and edit them; everyone signed in
 * can list them. Every change writes a `warehouse.*` outbox event in the same
 * transaction.
 */

import type { Db, Warehouse as WarehouseRow } from '@stockroom/db';
import { sql } from 'kysely';
import { z } from 'zod';
import { appendEvents } from '../events/index.js';
import { runMutation } from '../idempotency/index.js';
import { actorLabel } from '../shared/actor.js';
import type { MutationContext } from '../shared/context.js';
import { iso } from '../shared/dto.js';
import { notFound, validationFailed } from '../shared/errors.js';
import { ZLatitude, ZLongitude, ZUuid, ZWarehouseCode } from '../shared/schemas.js';
import { parseInput } from '../shared/validate.js';
import { assertMayManageWarehouses, definedFields, hasChanges, isUniqueViolation } from './internal.js';

export interface Warehouse {
  id: string;
  code: string;
  name: string;
  address: string | null;
  latitude: number;
  longitude: number;
  capacity: number | null;
  timezone: string;
  priority: number;
  active: boolean;
  createdAt: string;
  updatedAt: string;
}

function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

const ZTimeZone = z
  .string()
  .trim()
  .min(1)
  .max(64)
  .refine(isTimeZone, 'timezone must be an IANA time zone name, like Europe/Berlin or UTC');

const warehouseFields = {
  code: ZWarehouseCode,
  name: z.string().trim().min(1).max(200),
  address: z.string().trim().max(500).nullable().optional(),
  latitude: ZLatitude,
  longitude: ZLongitude,
  /** Units the warehouse can hold; null when unknown. */
  capacity: z.number().int().min(0).max(2_000_000_000).nullable().optional(),
  timezone: ZTimeZone.optional(),
  /** Lower is preferred by the `priority` allocation strategy. */
  priority: z.number().int().min(0).max(1_000_000).optional(),
};

export const ZWarehouseInput = z.object(warehouseFields).strict();
export type WarehouseInput = z.input<typeof ZWarehouseInput>;

export const ZWarehouseUpdateInput = z
  .object({
    id: ZUuid,
    ...z.object(warehouseFields).partial().shape,
    active: z.boolean().optional(),
  })
  .strict()
  .refine((input) => hasChanges(input, 'id'), 'name at least one field to change');
export type WarehouseUpdateInput = z.input<typeof ZWarehouseUpdateInput>;

const ZWarehouseIdInput = ZUuid;

function toWarehouseDto(row: WarehouseRow): Warehouse {
  return {
    id: row.id,
    code: row.code,
    name: row.name,
    address: row.address,
    latitude: row.latitude,
    longitude: row.longitude,
    capacity: row.capacity,
    timezone: row.timezone,
    priority: row.priority,
    active: row.active,
    createdAt: iso(row.createdAt),
    updatedAt: iso(row.updatedAt),
  };
}

const duplicateCode = (code: string) =>
  validationFailed(`A warehouse with code ${code} already exists; choose another code`, {
    field: 'code',
    code,
  });

export async function createWarehouse(ctx: MutationContext, input: WarehouseInput): Promise<Warehouse> {
  const { actor } = ctx;
  assertMayManageWarehouses(actor);
  const values = parseInput(ZWarehouseInput, input);
  try {
    return await runMutation(ctx.db, ctx.idempotency, input, async (trx) => {
      const row = await trx.insertInto('warehouses').values(values).returningAll().executeTakeFirstOrThrow();
      const warehouse = toWarehouseDto(row);
      await appendEvents(trx, [
        {
          type: 'warehouse.created',
          aggregateType: 'warehouse',
          aggregateId: warehouse.id,
          payload: { actor: actorLabel(actor), warehouse },
        },
      ]);
      return warehouse;
    }).then((r) => r.result);
  } catch (error) {
    if (isUniqueViolation(error, 'warehouses_code_key')) throw duplicateCode(values.code);
    throw error;
  }
}

export async function updateWarehouse(ctx: MutationContext, input: WarehouseUpdateInput): Promise<Warehouse> {
  const { actor } = ctx;
  assertMayManageWarehouses(actor);
  const { id, ...given } = parseInput(ZWarehouseUpdateInput, input);
  const changes = definedFields(given);
  try {
    return await runMutation(ctx.db, ctx.idempotency, input, async (trx) => {
      const row = await trx
        .updateTable('warehouses')
        .set({ ...changes, updatedAt: sql`now()` })
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirst();
      if (!row) throw notFound('Warehouse', { id });
      const warehouse = toWarehouseDto(row);
      await appendEvents(trx, [
        {
          type: 'warehouse.updated',
          aggregateType: 'warehouse',
          aggregateId: warehouse.id,
          payload: { actor: actorLabel(actor), changed: Object.keys(changes), warehouse },
        },
      ]);
      return warehouse;
    }).then((r) => r.result);
  } catch (error) {
    if (changes.code && isUniqueViolation(error, 'warehouses_code_key')) throw duplicateCode(changes.code);
    throw error;
  }
}

/** Every warehouse, active or not, in allocation priority order. */
export async function listWarehouses(db: Db): Promise<Warehouse[]> {
  const rows = await db.selectFrom('warehouses').selectAll().orderBy('priority').orderBy('code').execute();
  return rows.map(toWarehouseDto);
}

export async function getWarehouse(db: Db, id: string): Promise<Warehouse> {
  const warehouseId = parseInput(ZWarehouseIdInput, id);
  const row = await db.selectFrom('warehouses').selectAll().where('id', '=', warehouseId).executeTakeFirst();
  if (!row) throw notFound('Warehouse', { id: warehouseId });
  return toWarehouseDto(row);
}
