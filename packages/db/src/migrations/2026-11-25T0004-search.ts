import { type Kysely, sql } from 'kysely';

/**
 * Search at catalogue scale (packages/core/src/catalog/search.ts). Additive only:
 * nothing of earlier migrations changes, so the previous version keeps working.
 *
 * - `products_sku_prefix_idx`: a SKU prefix ("bn-01") as a range of a btree
 *   (`lower(sku) collate "C" >= 'bn-01' and < 'bn-01~'`), in SKU order, so a
 *   broad prefix reads only the rows it returns.
 * - `search_words`: the vocabulary of product names (their distinct words with a
 *   letter in them), with a trigram index. Typo tolerance looks a misspelled or
 *   half-typed word up here ("hedphones" → "headphones"), a table of short
 *   words, then finds the products by full text, instead of comparing the word
 *   with every product name. Triggers add the words of inserted and renamed
 *   products. The table has no unique constraint, so a write never waits on
 *   another writer adding the same word: a word added twice by concurrent
 *   writers is harmless, and so is a word no name uses any more (it finds
 *   nothing).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`create index products_sku_prefix_idx on products ((lower(sku) collate "C"))`.execute(db);

  await sql`create table search_words (word text not null)`.execute(db);
  await sql`create index search_words_word_idx on search_words (word)`.execute(db);
  await sql`create index search_words_trgm_idx on search_words using gin (word gin_trgm_ops)`.execute(db);
  // Inserted products: once per statement, over all the new rows (a bulk load
  // pays one pass). Renamed products: per row, and only when the name changed.
  await sql`
    create function search_words_add() returns trigger language plpgsql as $$
    begin
      insert into search_words (word)
      select distinct w.word
      from new_products as p
      cross join lateral unnest(tsvector_to_array(to_tsvector('simple', p.name))) as w (word)
      where length(w.word) > 1 and w.word ~ '[[:alpha:]]'
        and not exists (select 1 from search_words as s where s.word = w.word);
      return null;
    end $$`.execute(db);
  await sql`
    create trigger products_search_words_insert after insert on products
    referencing new table as new_products
    for each statement execute function search_words_add()`.execute(db);
  await sql`
    create function search_words_add_renamed() returns trigger language plpgsql as $$
    begin
      insert into search_words (word)
      select distinct w.word
      from unnest(tsvector_to_array(to_tsvector('simple', new.name))) as w (word)
      where length(w.word) > 1 and w.word ~ '[[:alpha:]]'
        and not exists (select 1 from search_words as s where s.word = w.word);
      return null;
    end $$`.execute(db);
  await sql`
    create trigger products_search_words_rename after update of name on products
    for each row when (old.name is distinct from new.name)
    execute function search_words_add_renamed()`.execute(db);
  await sql`
    insert into search_words (word)
    select distinct w.word
    from products as p
    cross join lateral unnest(tsvector_to_array(to_tsvector('simple', p.name))) as w (word)
    where length(w.word) > 1 and w.word ~ '[[:alpha:]]'`.execute(db);
  await sql`analyze search_words`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop trigger if exists products_search_words_rename on products`.execute(db);
  await sql`drop trigger if exists products_search_words_insert on products`.execute(db);
  await sql`drop function if exists search_words_add_renamed`.execute(db);
  await sql`drop function if exists search_words_add`.execute(db);
  await sql`drop table if exists search_words`.execute(db);
  await sql`drop index if exists products_sku_prefix_idx`.execute(db);
}
