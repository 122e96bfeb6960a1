/**
 * A keyword's page: a bounded set of candidates from the indexes, ranked, then
 * the page after the cursor. The work is bounded whatever the catalogue's size:
 *   - full text: at most CANDIDATES products with `search @@ q` (GIN on `search`
 *     through `search_candidates`; a broad keyword from storage order, see
 *     strictArm); all but one word only when no product has every word;
 *   - SKU prefix: at most CANDIDATES products of the `lower(sku) text_pattern_ops`
 *     btree range, in SKU order, when the keyword could be (the start of) a SKU.
 * Filters (category, stocked at a warehouse) are tests of each candidate row,
 * applied before the bound. Each candidate is ranked once:
 *   ts_rank(search, q) + word_similarity(keyword, lower(name)) + 2 for the exact
 *   SKU, 1 for a SKU prefix;
 * ties break on name, then id, so the order is total and the cursor walks every
 * candidate exactly once. A keyword with more than CANDIDATES matches ranks the
 * CANDIDATES the index yields first and its pages end there: all of them match
 * every word, and a longer query, a category or a warehouse reaches the others.
 */
import { type RawBuilder, sql } from 'kysely';
import { z } from 'zod';
import { decodeCursor } from '../shared/cursor.js';
import { ZUuid } from '../shared/schemas.js';
import type { FullTextTerms } from './search-terms.js';

/** Most products each source (full text; SKU prefix) gives a keyword's ranking. */
const CANDIDATES = 100;
/**
 * A keyword at least this common (estimated share of the catalogue) takes its
 * candidates from the table in storage order: a scan that stops at CANDIDATES
 * matches reads a few thousand rows, where the GIN index would first build a
 * bitmap of every match (tens of thousands at a million products).
 */
const BROAD_SHARE = 0.02;
/** Rows a storage-order scan reads at most before it gives up and asks the index. */
const BROAD_SCAN_ROWS = 20_000;

/** The sort key of a ranked page's last row. */
const ZRankedKey = z.tuple([z.number(), z.string(), ZUuid]);

export interface RankedFilters {
  category?: string;
  warehouseId?: string;
}

/** A page row before its stock figures. */
export interface RankedRow {
  id: string;
  sku: string;
  name: string;
  category: string;
  priceMinor: number;
  currency: string;
  rank: number;
}

/** Escape LIKE's wildcards so a keyword is matched literally. */
const likePrefix = (text: string) => `${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/** SKUs hold letters, digits, ".", "_" and "-": any other keyword is neither a SKU nor the start of one. */
const couldBeSku = (keyword: string) => /^[a-z0-9._-]{1,64}$/.test(keyword);

/**
 * Each filter as a test of the candidate row (never an index of its own: a
 * bitmap of every product of a category, or a join over every level of a
 * warehouse, would cost more than the candidates).
 */
function filterTests({ category, warehouseId }: RankedFilters): RawBuilder<unknown> {
  const tests = [sql`p.active`];
  if (category !== undefined) tests.push(sql`(p.category = ${category}) is true`);
  if (warehouseId !== undefined) {
    tests.push(sql`(select true from stock_levels as stocked
      where stocked.warehouse_id = ${warehouseId} and stocked.product_id = p.id) is true`);
  }
  return sql.join(tests, sql` and `);
}

/**
 * The ranked page query: `take` rows after the cursor, without stock figures.
 * `terms` come from `fullTextTerms` (null: no full-text arm); the relaxed arm
 * (all words but one) runs only when no candidate has every word.
 */
export function rankedPage(
  keyword: string,
  terms: FullTextTerms | null,
  filters: RankedFilters,
  cursor: string | undefined,
  take: number,
): RawBuilder<RankedRow> | undefined {
  const sku = couldBeSku(keyword);
  if (terms === null && !sku) return undefined;
  const prefix = likePrefix(keyword);
  const where = filterTests(filters);
  const columns = (q: RawBuilder<unknown>) => sql`p.id, p.sku, p.name, p.category, p.price_minor, p.currency,
    (coalesce(ts_rank(p.search, ${q}), 0)::float8
     + word_similarity(${keyword}, lower(p.name))::float8
     + ${sku ? sql`case when lower(p.sku) = ${keyword} then 2 when lower(p.sku) like ${prefix} then 1 else 0 end` : sql`0`}
    ) as rank`;
  const strict = terms === null ? sql`null::tsquery` : sql`${terms.strict}::tsquery`;
  const arms: RawBuilder<unknown>[] = [];
  if (terms !== null) arms.push(sql`(select * from strict)`);
  if (terms?.relaxed) {
    const relaxed = sql`${terms.relaxed}::tsquery`;
    arms.push(sql`(select ${columns(relaxed)} from ${fromIndex(relaxed, filters)}
      where not exists (select from strict))`);
  }
  if (sku) {
    arms.push(sql`(select ${columns(strict)} from products as p
      where lower(p.sku) like ${prefix} and ${where}
      order by lower(p.sku)
      limit ${sql.lit(CANDIDATES)})`);
  }
  let after = sql`true`;
  if (cursor !== undefined) {
    const [lastRank, lastName, lastId] = decodeCursor(cursor, ZRankedKey);
    after = sql`(m.rank < ${lastRank} or (m.rank = ${lastRank} and (m.name, m.id) > (${lastName}, ${lastId}::uuid)))`;
  }
  // `strict` is materialized and read lazily: its LIMIT stops the scan, and the
  // relaxed arm asks it only whether it has a row.
  return sql<RankedRow>`with strict as materialized (${strictArm(terms, columns(strict), where, filters)})
    select m.* from (
      select distinct on (u.id) u.* from (${sql.join(arms, sql` union all `)}) as u
      order by u.id, u.rank desc
    ) as m
    where ${after}
    order by m.rank desc, m.name, m.id
    limit ${sql.lit(take)}`;
}

/**
 * Products matching `q` from the GIN index (`search_candidates`: inside it only
 * a bitmap scan is allowed, so however common the planner believes a word, the
 * table is never read row by row), at most CANDIDATES, filters tested per row.
 */
function fromIndex(q: RawBuilder<unknown>, { category, warehouseId }: RankedFilters) {
  return sql`search_candidates(${q}, ${category ?? null}::text, ${warehouseId ?? null}::uuid, ${sql.lit(CANDIDATES)}) as p`;
}

/**
 * The products with every word: from the GIN index; for a broad keyword, first
 * from the table in storage order (at most BROAD_SCAN_ROWS rows read; `(… @@ …)
 * is true` keeps the planner off the index), and from the index only when that
 * found fewer than CANDIDATES (a broad word in a category that rarely has it).
 */
function strictArm(
  terms: FullTextTerms | null,
  columns: RawBuilder<unknown>,
  where: RawBuilder<unknown>,
  filters: RankedFilters,
) {
  if (terms === null) return sql`select ${columns} from products as p where false`;
  const q = sql`${terms.strict}::tsquery`;
  if (terms.share < BROAD_SHARE) return sql`select ${columns} from ${fromIndex(q, filters)}`;
  return sql`with scanned as materialized (
      select ${columns} from (select * from products limit ${sql.lit(BROAD_SCAN_ROWS)}) as p
      where (p.search @@ ${q}) is true and ${where}
      limit ${sql.lit(CANDIDATES)}
    )
    select * from scanned
    union all
    (select ${columns} from ${fromIndex(q, filters)}
     where (select count(*) from scanned) < ${sql.lit(CANDIDATES)})`;
}
