/**
 * The categories of the catalogue's active products, for filters (search, stock
 * lists). A category is free text on a product, so this is the distinct values in
 * use, sorted; bounded, like every list.
 */
import type { Db } from '@stockroom/db';
import { z } from 'zod';

/** At most this many categories are listed (a catalogue has a few dozen). */
const MAX_CATEGORIES = 1000;

export const ZCategories = z.array(z.string());

export async function listCategories(db: Db): Promise<string[]> {
  const rows = await db
    .selectFrom('products')
    .select('category')
    .distinct()
    .where('active', '=', true)
    .orderBy('category')
    .limit(MAX_CATEGORIES)
    .execute();
  return rows.map((r) => r.category);
}
