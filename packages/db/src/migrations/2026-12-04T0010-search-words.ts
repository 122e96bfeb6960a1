import { type Kysely, sql } from 'kysely';

/**
 * Search at a million products (issue 13 [D] item 1; packages/core/src/catalog/search.ts,
 * docs/search.md).
 *
 * - `search_words`: the vocabulary of the catalogue, every distinct word (letters, or
 *   letters and digits) of product names and categories, a few thousand rows however
 *   many products there are. A misspelled or half-typed word of a query is looked up
 *   here first (nearest words by trigram word similarity, a KNN scan of the GiST
 *   index), then products are found by full text with the corrected words. Triggers
 *   add the words of inserted, renamed and re-categorised products in the same
 *   transaction, so a new name is searchable the moment it commits. Words are never
 *   removed: a word no product uses any more only finds nothing.
 *   The words are compared byte-wise (collate "C"): the words that start with a
 *   half-typed word are a range of the primary key.
 * - `products_sku_prefix_idx`: a SKU prefix ("bn-01") is a range of this btree, read in
 *   SKU order, so a broad prefix reads only the rows it returns.
 * - The trigram GIN indexes on lower(name) and lower(sku) are dropped: nothing reads
 *   them any more, and every product write paid for them (a version of the API from
 *   before this migration still searches correctly, only slower).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create function search_words_of(text) returns setof text
    language sql immutable parallel safe as $$
      select w from unnest(tsvector_to_array(to_tsvector('simple', $1))) as w
      where length(w) between 2 and 40 and w ~ '[[:alpha:]]' and w ~ '^[[:alnum:]]+$'
    $$`.execute(db);
  await sql`create table search_words (word text collate "C" primary key)`.execute(db);
  await sql`create index search_words_trgm_idx on search_words using gist (word gist_trgm_ops)`.execute(db);
  // The nearest words of the vocabulary to a word: a GiST scan that prunes by the
  // word-similarity threshold, then orders by distance. pg_trgm's default threshold
  // (0.6) misses a letter dropped from a short word ("karuovi" is 0.55 of
  // "karutovi"), so the function sets its own; a SET clause holds only inside it.
  await sql`
    create function search_words_near(text, integer) returns setof text
    language sql stable
    set pg_trgm.word_similarity_threshold = 0.45
    as $$
      select s.word from search_words as s
      where $1 <% s.word
      order by $1 <<-> s.word, s.word
      limit $2
    $$`.execute(db);

  // Inserts: once per statement over all new rows (a bulk load pays one pass).
  // Sorted, so two writers adding the same new words wait for each other in one order.
  await sql`
    create function search_words_add_inserted() returns trigger language plpgsql as $$
    begin
      insert into search_words (word)
      select distinct w from new_products as p, search_words_of(p.name || ' ' || p.category) as w
      order by w
      on conflict do nothing;
      return null;
    end $$`.execute(db);
  await sql`
    create trigger products_search_words_insert after insert on products
    referencing new table as new_products
    for each statement execute function search_words_add_inserted()`.execute(db);
  await sql`
    create function search_words_add_changed() returns trigger language plpgsql as $$
    begin
      insert into search_words (word)
      select distinct w from search_words_of(new.name || ' ' || new.category) as w
      order by w
      on conflict do nothing;
      return null;
    end $$`.execute(db);
  await sql`
    create trigger products_search_words_update after update of name, category on products
    for each row when (old.name is distinct from new.name or old.category is distinct from new.category)
    execute function search_words_add_changed()`.execute(db);

  await sql`
    insert into search_words (word)
    select distinct w from products as p, search_words_of(p.name || ' ' || p.category) as w
    order by w
    on conflict do nothing`.execute(db);
  await sql`analyze search_words`.execute(db);

  await sql`create index products_sku_prefix_idx on products (lower(sku) text_pattern_ops)`.execute(db);
  // Products with a full-text query, from the GIN index, at most n of them, each
  // filter a test of the row. Only a bitmap scan is allowed inside: the planner
  // otherwise takes a word it believes common for a sequential scan that stops
  // after n matches — and reads the whole table when they are rare after all
  // (a misjudged SKU fragment, a common word in a category that rarely has it).
  await sql`
    create function search_candidates(tsquery, text, uuid, integer)
    returns setof products
    language sql stable
    set enable_seqscan = off
    set enable_indexscan = off
    as $$
      select p.* from products as p
      where p.search @@ $1 and p.active
        and ($2 is null or p.category = $2)
        and ($3 is null or exists (select from stock_levels as s
                                   where s.warehouse_id = $3 and s.product_id = p.id))
      limit $4
    $$`.execute(db);
  await sql`drop index if exists products_name_trgm_idx`.execute(db);
  await sql`drop index if exists products_sku_trgm_idx`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`create index if not exists products_name_trgm_idx on products using gin (lower(name) gin_trgm_ops)`.execute(
    db,
  );
  await sql`create index if not exists products_sku_trgm_idx on products using gin (lower(sku) gin_trgm_ops)`.execute(
    db,
  );
  await sql`drop function if exists search_candidates`.execute(db);
  await sql`drop index if exists products_sku_prefix_idx`.execute(db);
  await sql`drop trigger if exists products_search_words_update on products`.execute(db);
  await sql`drop trigger if exists products_search_words_insert on products`.execute(db);
  await sql`drop function if exists search_words_add_changed`.execute(db);
  await sql`drop function if exists search_words_add_inserted`.execute(db);
  await sql`drop function if exists search_words_near`.execute(db);
  await sql`drop table if exists search_words`.execute(db);
  await sql`drop function if exists search_words_of`.execute(db);
}
