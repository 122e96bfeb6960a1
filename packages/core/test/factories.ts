/** Small factories for tests: unique names, real rows, stock written through the ledger. */
import { randomBytes } from 'node:crypto';
import type { Db } from '@stockroom/db';
import { type Actor, isDomainError, receiveStock } from './core.js';

export const admin: Actor = {
  kind: 'user',
  id: '00000000-0000-4000-8000-000000000001',
  role: 'admin',
  warehouseIds: [],
};
export const service: Actor = {
  kind: 'service',
  id: '00000000-0000-4000-8000-000000000002',
  name: 'checkout',
  scopes: ['stock:read', 'stock:write', 'reservations', 'orders', 'payments'],
  warehouseIds: null,
};

const unique = () => randomBytes(4).toString('hex').toUpperCase();

export async function makeWarehouse(
  db: Db,
  overrides: Partial<{
    code: string;
    latitude: number;
    longitude: number;
    priority: number;
    active: boolean;
  }> = {},
) {
  return db
    .insertInto('warehouses')
    .values({
      code: overrides.code ?? `W-${unique()}`,
      name: 'Test warehouse',
      latitude: overrides.latitude ?? 0,
      longitude: overrides.longitude ?? 0,
      capacity: null,
      address: null,
      priority: overrides.priority ?? 100,
      active: overrides.active ?? true,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function makeProduct(
  db: Db,
  overrides: Partial<{ sku: string; name: string; priceMinor: number }> = {},
) {
  return db
    .insertInto('products')
    .values({
      sku: overrides.sku ?? `SKU-${unique()}`,
      name: overrides.name ?? 'Test product',
      category: 'Test',
      priceMinor: overrides.priceMinor ?? 1000,
      currency: 'USD',
      sellerId: null,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** Receive `quantity` of the product at the warehouse (creating the level). */
export async function stock(db: Db, warehouseId: string, sku: string, quantity: number) {
  return receiveStock({ db, actor: admin }, { warehouseId, sku, quantity, reason: 'test stock' });
}

export async function levelOf(db: Db, warehouseId: string, productId: string) {
  return db
    .selectFrom('stockLevels')
    .selectAll()
    .where('warehouseId', '=', warehouseId)
    .where('productId', '=', productId)
    .executeTakeFirstOrThrow();
}

/** Sum of the ledger for one level. */
export async function ledgerOf(db: Db, warehouseId: string, productId: string) {
  const row = await db
    .selectFrom('stockMovements')
    .select((eb) => [
      eb.fn.coalesce(eb.fn.sum<number>('onHandDelta'), eb.lit(0)).as('onHand'),
      eb.fn.coalesce(eb.fn.sum<number>('reservedDelta'), eb.lit(0)).as('reserved'),
    ])
    .where('warehouseId', '=', warehouseId)
    .where('productId', '=', productId)
    .executeTakeFirstOrThrow();
  return { onHand: Number(row.onHand), reserved: Number(row.reserved) };
}

/** Run a promise and return the domain error code it failed with (or 'ok'). */
export async function outcome(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return 'ok';
  } catch (error) {
    if (isDomainError(error)) return error.code;
    throw error;
  }
}
