/**
 * Product search for the console and buyers: keyword search that forgives
 * typos and half-typed words, category and warehouse filters, and keyset
 * pagination that stays stable while people page.
 *
 * A keyword matches a product when any of these holds, each backed by an index:
 *   - full text: `search @@ websearch_to_tsquery('english', q)` (GIN on `search`);
 *   - trigram word similarity: `lower(q) <% lower(name)`, which finds "hedphones"
 *     and "headph" in "Wireless Noise-Cancelling Headphones" (GIN trigram on lower(name));
 *   - SKU prefix: `lower(sku) like 'q%'` (GIN trigram on lower(sku)).
 * Results are ranked by ts_rank + word_similarity, plus a bonus for an exact or
 * prefix SKU match, best first; ties break on name, then id, so the order is total.
 */
import type { Db } from '@stockroom/db';
import { type Expression, type ExpressionBuilder, type RawBuilder, type SqlBool, sql } from 'kysely';
import { z } from 'zod';
import { decodeCursor } from '../shared/cursor.js';
import { paginate } from '../shared/paginate.js';
import { type Page, ZCursor, ZLimit, ZUuid, ZWarehouseRef } from '../shared/schemas.js';
import { parseInput } from '../shared/validate.js';
import { ZCategory } from './products.js';

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

/** The sort key of a ranked page's last row, and of an unranked one. */
const ZRankedKey = z.tuple([z.number(), z.string(), ZUuid]);
const ZNameKey = z.tuple([z.string(), ZUuid]);

/**
 * The text given to websearch_to_tsquery. A '-' is websearch's NOT when it does
 * not join two parts of a word; a run of them ("- - - - x", "-!-!-x") nests one
 * NOT in another, and 32 deep PostgreSQL refuses the whole query ("tsquery
 * stack too small"). Keep a '-' only right before a letter or digit (one NOT
 * per word, or a hyphen inside one); any other '-' is just a separator.
 */
export const fullTextQuery = (text: string) => text.replace(/-(?![\p{L}\p{N}])/gu, ' ');

/** Escape LIKE's wildcards so a query is matched literally. */
const likePrefix = (text: string) => `${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/**
 * Ids of the products a keyword matches: one arm per index, so each is answered
 * by its own index scan. (One `where a or b or c` lets the planner pick a
 * sequential scan that evaluates the costly trigram similarity on every row.)
 */
function keywordHits(db: Db, keyword: string, tsQuery: RawBuilder<unknown>, skuPrefix: string) {
  const words = wordsOf(keyword);
  const ids = () => db.selectFrom('products').select('id');
  return ids()
    .where(sql<SqlBool>`search @@ ${tsQuery}`)
    .union(ids().where(sql<SqlBool>`${keyword} <% lower(name)`))
    .union(ids().where(sql<SqlBool>`lower(sku) like ${skuPrefix}`))
    .$if(words.length > 1, (qb) =>
      // Every word close to a word of the name: "wireless hedphones".
      qb.union(
        ids().where(
          sql<SqlBool>`${sql.join(
            words.map((word) => sql`${word} <% lower(name)`),
            sql` and `,
          )}`,
        ),
      ),
    );
}

/** Distinct words of a query, for the every-word-is-close-to-the-name match. */
function wordsOf(keyword: string): string[] {
  return [...new Set(keyword.split(/\s+/).filter((word) => word.length > 0))].slice(0, 8);
}

export async function searchProducts(db: Db, input: SearchProductsInput): Promise<Page<ProductSearchHit>> {
  const parsed = parseInput(ZSearchProductsInput, input);
  const { limit } = parsed;
  const keyword = parsed.query ? parsed.query.toLowerCase() : undefined;
  const { rows, nextCursor } = await paginate(
    limit,
    (take) => searchQuery(db, parsed, take).execute(),
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

type PageRow = { rank: number; name: string; id: string };

/** Rows after the cursor: by (rank desc, name, id) with a keyword, else by (name, id). */
function afterCursor(cursor: string | undefined, keyword: string | undefined) {
  return (eb: ExpressionBuilder<{ m: PageRow }, 'm'>): Expression<SqlBool> => {
    if (!cursor) return sql<SqlBool>`true`;
    if (keyword) {
      const [lastRank, lastName, lastId] = decodeCursor(cursor, ZRankedKey);
      return eb.or([
        eb('m.rank', '<', lastRank),
        eb.and([
          eb('m.rank', '=', lastRank),
          eb(eb.refTuple('m.name', 'm.id'), '>', eb.tuple(lastName, lastId)),
        ]),
      ]);
    }
    const [lastName, lastId] = decodeCursor(cursor, ZNameKey);
    return eb(eb.refTuple('m.name', 'm.id'), '>', eb.tuple(lastName, lastId));
  };
}

/**
 * The page query: one statement, `take` rows (`limit + 1`: the extra one says
 * whether there is a next page, see paginate). Exported for plan checks in tests.
 */
export function searchQuery(db: Db, input: z.output<typeof ZSearchProductsInput>, take = input.limit + 1) {
  const { query, category, warehouseId, cursor } = input;
  const keyword = query ? query.toLowerCase() : undefined;

  const tsQuery = sql`websearch_to_tsquery('english', ${fullTextQuery(query ?? '')})`;
  const skuPrefix = likePrefix(keyword ?? '');
  const rank = keyword
    ? sql<number>`(
        ts_rank(p.search, ${tsQuery})::float8
        + word_similarity(${keyword}, lower(p.name))::float8
        + case when lower(p.sku) = ${keyword} then 2 when lower(p.sku) like ${skuPrefix} then 1 else 0 end
      )`
    : sql<number>`0::float8`;

  const matches = db
    .selectFrom('products as p')
    .select(['p.id', 'p.sku', 'p.name', 'p.category', 'p.priceMinor', 'p.currency'])
    .select(rank.as('rank'))
    .where('p.active', '=', true)
    .$if(keyword !== undefined, (qb) =>
      qb.where('p.id', 'in', keywordHits(db, keyword ?? '', tsQuery, skuPrefix)),
    )
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
    );

  const after = afterCursor(cursor, keyword);

  // Pick the page first, then add stock figures to just those rows.
  // With a keyword every match must be ranked before the best can be picked:
  // materialize the ranked matches so each rank is computed once, not again
  // for the cursor comparison and the sort.
  const page = db
    .with(
      (cte) => (keyword ? cte('m').materialized() : cte('m').notMaterialized()),
      () => matches,
    )
    .selectFrom('m')
    .selectAll('m')
    .where(after)
    .$if(keyword !== undefined, (qb) => qb.orderBy('m.rank', 'desc'))
    .orderBy('m.name')
    .orderBy('m.id')
    .limit(take);

  return db
    .selectFrom(page.as('pg'))
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
    .$if(keyword !== undefined, (qb) => qb.orderBy('pg.rank', 'desc'))
    .orderBy('pg.name')
    .orderBy('pg.id');
}
