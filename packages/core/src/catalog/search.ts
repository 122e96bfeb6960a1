/**
 * Product search for the console and buyers: keyword search that forgives
 * typos and half-typed words, category and warehouse filters, and keyset
 * pagination that stays stable while people page. docs/search.md has the
 * measurements behind the design.
 *
 * A keyword search is two small statements whose work does not grow with the
 * catalogue:
 *   1. `fullTextTerms` (search-terms.ts): the query's words, each OR-ed with the
 *      catalogue words it may have been meant as (a misspelled or half-typed word,
 *      looked up in the vocabulary of product names), as one tsquery;
 *   2. `rankedPage` (search-ranked.ts): bounded candidates from the full-text GIN
 *      index and the SKU-prefix btree, ranked by ts_rank + word_similarity + a SKU
 *      bonus, best first; ties break on name, then id, so the order is total.
 * Without a keyword the catalogue pages by name from the name or category index.
 * Stock figures are added to the rows of the page only.
 */
import { type Db, PREPARED_MARK } from '@stockroom/db';
import { type RawBuilder, sql } from 'kysely';
import { z } from 'zod';
import { decodeCursor } from '../shared/cursor.js';
import { paginate } from '../shared/paginate.js';
import { type Page, ZCursor, ZLimit, ZUuid, ZWarehouseRef } from '../shared/schemas.js';
import { parseInput } from '../shared/validate.js';
import { ZCategory } from './products.js';
import { type RankedRow, rankedPage } from './search-ranked.js';
import { type FullTextTerms, fullTextTerms, queryWords } from './search-terms.js';

export interface ProductSearchHit {
  id: string;
  sku: string;
  name: string;
  category: string;
  priceMinor: number;
  currency: string;
  /** At `warehouseId` when the search names one, else summed over all warehouses. */
  onHand: number;
  reserved: number;
  available: number;
}

export const ZSearchProductsInput = z
  .object({
    query: z.string().trim().max(200).optional(),
    category: ZCategory.optional(),
    warehouseId: ZWarehouseRef.optional(),
    cursor: ZCursor.optional(),
    limit: ZLimit,
  })
  .strict();
export type SearchProductsInput = z.input<typeof ZSearchProductsInput>;
type SearchInput = z.output<typeof ZSearchProductsInput>;

/** The sort key of an unranked (by name) page's last row. */
const ZNameKey = z.tuple([z.string(), ZUuid]);

export async function searchProducts(db: Db, input: SearchProductsInput): Promise<Page<ProductSearchHit>> {
  const parsed = parseInput(ZSearchProductsInput, input);
  const keyword = parsed.query ? parsed.query.toLowerCase() : undefined;
  const terms = parsed.query ? await fullTextTerms(db, queryWords(parsed.query)) : null;
  const { rows, nextCursor } = await paginate(
    parsed.limit,
    async (take) => {
      const page = searchQuery(db, parsed, terms, take);
      return page ? page.execute() : [];
    },
    (last) => (keyword ? [last.rank, last.name, last.id] : [last.name, last.id]),
  );
  return {
    items: rows.map((row) => ({
      id: row.id,
      sku: row.sku,
      name: row.name,
      category: row.category,
      priceMinor: row.priceMinor,
      currency: row.currency,
      onHand: row.onHand,
      reserved: row.reserved,
      available: row.available,
    })),
    nextCursor,
  };
}

/** No keyword: the catalogue (filtered) by name, from the name or category index. */
function namePage(db: Db, input: SearchInput, take: number) {
  const { category, warehouseId, cursor } = input;
  return db
    .selectFrom('products as p')
    .select(['p.id', 'p.sku', 'p.name', 'p.category', 'p.priceMinor', 'p.currency'])
    .select(sql<number>`0::float8`.as('rank'))
    .where('p.active', '=', true)
    .$if(category !== undefined, (qb) => qb.where('p.category', '=', category as string))
    .$if(warehouseId !== undefined, (qb) =>
      qb.where(({ exists, selectFrom }) =>
        exists(
          selectFrom('stockLevels as stocked')
            .select(sql.lit(1).as('one'))
            .whereRef('stocked.productId', '=', 'p.id')
            .where('stocked.warehouseId', '=', warehouseId as string),
        ),
      ),
    )
    .$if(cursor !== undefined, (qb) => {
      const [lastName, lastId] = decodeCursor(cursor as string, ZNameKey);
      return qb.where((eb) => eb(eb.refTuple('p.name', 'p.id'), '>', eb.tuple(lastName, lastId)));
    })
    .orderBy('p.name')
    .orderBy('p.id')
    .limit(take);
}

/**
 * The page query: `take` rows (`limit + 1`: the extra one says whether there is
 * a next page, see paginate) with their stock figures, or undefined when the
 * keyword can match nothing (no full-text word, and no SKU could start with it).
 * `terms` is `fullTextTerms` of the keyword. Exported for plan checks in tests.
 */
export function searchQuery(db: Db, input: SearchInput, terms: FullTextTerms | null, take = input.limit + 1) {
  const { query, category, warehouseId, cursor } = input;
  let page: RawBuilder<RankedRow> | ReturnType<typeof namePage>;
  if (query) {
    const ranked = rankedPage(query.toLowerCase(), terms, { category, warehouseId }, cursor, take);
    if (!ranked) return undefined;
    page = ranked;
  } else {
    page = namePage(db, input, take);
  }
  return db
    .selectFrom(sql<RankedRow>`(${page})`.as('pg'))
    .modifyFront(sql.raw(PREPARED_MARK))
    .innerJoinLateral(
      (eb) =>
        eb
          .selectFrom('stockLevels as sl')
          .select((agg) => [
            agg.fn.coalesce(agg.fn.sum<number>('sl.onHand'), sql.lit(0)).as('onHand'),
            agg.fn.coalesce(agg.fn.sum<number>('sl.reserved'), sql.lit(0)).as('reserved'),
            agg.fn.coalesce(agg.fn.sum<number>('sl.available'), sql.lit(0)).as('available'),
          ])
          .whereRef('sl.productId', '=', 'pg.id')
          .$if(warehouseId !== undefined, (qb) => qb.where('sl.warehouseId', '=', warehouseId as string))
          .as('s'),
      (join) => join.onTrue(),
    )
    .selectAll('pg')
    .select(['s.onHand', 's.reserved', 's.available'])
    .orderBy('pg.rank', 'desc')
    .orderBy('pg.name')
    .orderBy('pg.id');
}
