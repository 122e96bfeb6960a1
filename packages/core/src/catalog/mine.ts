/**
 * A seller's own products with their stock at each warehouse (admins: every
 * product). Archived products are included (`active: false`) so a seller sees
 * what they took out of the catalogue. Sellers cannot read stock levels
 * (`inventory.list` is for staff), so this is their one view of stock.
 */
import type { Db } from '@stockroom/db';
import { z } from 'zod';
import type { Actor } from '../shared/actor.js';
import { decodeCursor } from '../shared/cursor.js';
import { forbidden } from '../shared/errors.js';
import { paginate } from '../shared/paginate.js';
import { type Page, ZCursor, ZDirection, ZLimit, ZSku } from '../shared/schemas.js';
import { parseInput } from '../shared/validate.js';
import { type Product, productColumns, toProductDto } from './products.js';

export const ZMyProductsInput = z
  .object({ cursor: ZCursor.optional(), limit: ZLimit, direction: ZDirection })
  .strict()
  .optional();
export type MyProductsInput = z.input<typeof ZMyProductsInput>;

interface WarehouseStock {
  warehouseId: string;
  warehouseCode: string;
  onHand: number;
  reserved: number;
  available: number;
}

export interface MyProduct extends Product {
  stock: { total: { onHand: number; reserved: number; available: number }; perWarehouse: WarehouseStock[] };
}

function ownerOf(actor: Actor): string | null {
  if (actor.kind === 'user' && actor.role === 'seller') return actor.id;
  if (actor.kind === 'user' && actor.role === 'admin') return null;
  throw forbidden('Products by owner are for sellers and admins');
}

/** A page of the caller's products by SKU, each with stock per warehouse. */
export async function listMyProducts(db: Db, actor: Actor, input: MyProductsInput): Promise<Page<MyProduct>> {
  const data = parseInput(ZMyProductsInput, input) ?? { limit: 20, cursor: undefined };
  const owner = ownerOf(actor);
  const after = data.cursor ? decodeCursor(data.cursor, z.tuple([ZSku]))[0] : undefined;
  const { rows, nextCursor } = await paginate(
    data.limit,
    (take) => {
      let query = db.selectFrom('products').select(productColumns).orderBy('sku').limit(take);
      if (owner !== null) query = query.where('sellerId', '=', owner);
      if (after !== undefined) query = query.where('sku', '>', after);
      return query.execute();
    },
    (last) => [last.sku],
  );
  const levels =
    rows.length === 0
      ? []
      : await db
          .selectFrom('stockLevels as sl')
          .innerJoin('warehouses as w', 'w.id', 'sl.warehouseId')
          .select(['sl.productId', 'sl.warehouseId', 'w.code', 'sl.onHand', 'sl.reserved', 'sl.available'])
          .where(
            'sl.productId',
            'in',
            rows.map((r) => r.id),
          )
          .orderBy('w.priority')
          .orderBy('w.code')
          .execute();
  const items = rows.map((row): MyProduct => {
    const perWarehouse = levels
      .filter((l) => l.productId === row.id)
      .map((l) => ({
        warehouseId: l.warehouseId,
        warehouseCode: l.code,
        onHand: l.onHand,
        reserved: l.reserved,
        available: l.available,
      }));
    const total = perWarehouse.reduce(
      (sum, l) => ({
        onHand: sum.onHand + l.onHand,
        reserved: sum.reserved + l.reserved,
        available: sum.available + l.available,
      }),
      { onHand: 0, reserved: 0, available: 0 },
    );
    return { ...toProductDto(row), stock: { total, perWarehouse } };
  });
  return { items, nextCursor };
}
