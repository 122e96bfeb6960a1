/**
 * The categories of the catalogue's active products, for filters (search, stock
 * lists). A category is free text on a product, so this is the distinct values in
 * use, sorted; bounded, like every list.
 */
import type { Db } from '@stockroom/db';
import { z } from 'zod';

/** At most this many categories are listed (a catalogue has a few dozen). */
const MAX_CATEGORIES = 1000;

/** A category and how many active products are in it. */
export const ZCategories = z.array(z.object({ name: z.string(), products: z.number().int() }));

export async function listCategories(db: Db): Promise<z.infer<typeof ZCategories>> {
  const rows = await db
    .selectFrom('products')
    .select((eb) => ['category', eb.fn.countAll<number>().as('products')])
    .where('active', '=', true)
    .groupBy('category')
    .orderBy('category')
    .limit(MAX_CATEGORIES)
    .execute();
  return rows.map((r) => ({ name: r.category, products: Number(r.products) }));
}
