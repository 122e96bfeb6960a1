/**
 * What a keyword means to full-text search: its words, each OR-ed with the
 * catalogue words it may have been meant as, AND-ed into one tsquery.
 *
 * A query is split into words (letters and digits; anything else separates).
 * A word written with a leading "-" ("-red") is a word the product must not
 * have. For each other word, the alternatives are:
 *   - the word itself, stemmed (`plainto_tsquery('english', w)`);
 *   - for the LAST word, when the query ends inside it (it may be half-typed):
 *     the PREFIX_WORDS shortest catalogue words that start with it ("headph" →
 *     headphone, headphones). Explicit words, not a `w:*` prefix query: GIN
 *     answers a prefix by merging the posting lists of every matching lexeme
 *     into a bitmap before it can intersect anything, several times the cost
 *     of exact lexemes at a million products (docs/search.md);
 *   - when the word is in no product name or category (not in `search_words`,
 *     and for the last word no known word starts with it), its nearest known
 *     words by trigram word similarity — a KNN scan of the GiST index of the
 *     vocabulary, a few thousand short words, with similarity at least 0.45
 *     (`search_words_near`: "hedphones" → headphones, "nukaege" → nukaenge,
 *     "lantr" → lantern).
 * The vocabulary is kept by triggers in the product's own transaction
 * (migration 2026-12-04T0010-search-words), so a new name is found at once.
 * Words that are stop words ("the", "of") drop out, as they do in full text.
 *
 * Besides the strict query (every word), `relaxed` asks for all words but
 * one: the ranking falls back to it when no product has every word ("oak desk
 * lamp" when the catalogue has oak lamps and oak desks, but no oak desk lamp).
 */
import { type Db, PREPARED_MARK } from '@stockroom/db';
import { sql } from 'kysely';
import { estimateShare, lexemeFrequencies } from './search-stats.js';

/** Nearest vocabulary words tried for a word nothing in the catalogue has. */
const CLOSE_WORDS = 6;
/** Catalogue words a half-typed last word stands for, at most. */
const PREFIX_WORDS = 8;
/** At most this many words of a query count. */
const MAX_WORDS = 8;

/** One whitespace-separated token of a query that products must match. */
interface QueryTerm {
  /** The word; for a compound token ("cbl-04", "heavy-duty") its last word. */
  word: string;
  /** A compound token as typed (full text matches it as a whole: "cbl-04" is not CBL-004), else null. */
  compound: string | null;
  /** A compound token's words before the last, space-separated. */
  head: string | null;
}

export interface QueryWords {
  /** Distinct tokens the products must match, in query order. */
  terms: QueryTerm[];
  /** Whether the query ends inside its last word (no trailing separator): it may be half-typed. */
  lastIsPartial: boolean;
  /** Words the products must not have ("-red"). */
  excluded: string[];
}

const WORD = /[\p{L}\p{N}]+/gu;

/** Split a query into terms; "-word" (at the start of a token) excludes. */
export function queryWords(query: string): QueryWords {
  const terms: QueryTerm[] = [];
  const excluded: string[] = [];
  for (const token of query.toLowerCase().split(/\s+/)) {
    const words = token.match(WORD) ?? [];
    if (/^-+[\p{L}\p{N}]/u.test(token)) {
      for (const word of words) if (!excluded.includes(word)) excluded.push(word);
      continue;
    }
    const word = words.at(-1);
    if (word === undefined) continue;
    const term =
      words.length === 1
        ? { word, compound: null, head: null }
        : { word, compound: token, head: words.slice(0, -1).join(' ') };
    if (!terms.some((t) => t.word === term.word && t.compound === term.compound)) terms.push(term);
  }
  const lastIsPartial = /[\p{L}\p{N}]$/u.test(query);
  // One letter of a next word ("karuovi l") narrows nothing yet: wait for the second.
  const last = terms.at(-1);
  if (lastIsPartial && terms.length > 1 && last?.compound === null && last.word.length === 1) terms.pop();
  return {
    terms: terms.slice(0, MAX_WORDS),
    lastIsPartial: lastIsPartial && terms.length <= MAX_WORDS,
    excluded: excluded.slice(0, MAX_WORDS),
  };
}

export interface FullTextTerms {
  /** Every word (each with its alternatives). */
  strict: string;
  /** The estimated share of products `strict` matches (statistics; search-stats.ts). */
  share: number;
  /** All words but one, for a query of two or more; else null. */
  relaxed: string | null;
}

/**
 * The tsquery texts for a query's words (one small statement over the
 * vocabulary), or null when no word is left for full text (only stop words or
 * symbols).
 */
export async function fullTextTerms(db: Db, parsed: QueryWords): Promise<FullTextTerms | null> {
  const { terms } = parsed;
  if (terms.length === 0) return null;
  const last = parsed.lastIsPartial ? terms.length : 0;
  // A word is letters and digits: one not all digits has a letter (`~ '[^0-9]'`; not
  // '[[:alpha:]]', which pgbench — the benchmark replays this SQL — reads as a variable).
  // No "--" comments inside: the benchmark puts the statement on one line.
  const { rows } = await sql<{ typed: string | null; alts: string | null; excluded: string | null }>`
    select ${sql.raw(PREPARED_MARK)}
      nullif(concat_ws(' | ',
        nullif(plainto_tsquery('english', coalesce(qw.compound, qw.word))::text, ''),
        case when qw.compound is not null and kind.partial then nullif(
          (plainto_tsquery('english', qw.head) && to_tsquery('english', qw.word || ':*'))::text, '') end), '') as typed,
      (select string_agg(distinct nullif(plainto_tsquery('english', v.word)::text, ''), ' | ')
       from (
         (select s.word from search_words as s
          where kind.partial and qw.compound is null and s.word > qw.word and s.word < qw.word || chr(1114111)
          order by length(s.word), s.word
          limit ${sql.lit(PREFIX_WORDS)})
         union all
         (select near.word from search_words_near(qw.word, ${sql.lit(CLOSE_WORDS)}) as near (word)
          where fix.unknown)
       ) as v) as alts,
      (select string_agg('!(' || plainto_tsquery('english', x)::text || ')', ' & ')
       from unnest(${parsed.excluded}::text[]) as x
       where plainto_tsquery('english', x)::text <> '') as excluded
    from unnest(
      ${terms.map((t) => t.word)}::text[],
      ${terms.map((t) => t.compound)}::text[],
      ${terms.map((t) => t.head)}::text[]
    ) with ordinality as qw (word, compound, head, ord)
    cross join lateral (
      select qw.ord = ${last} and qw.word ~ '[^0-9]' as partial
    ) as kind
    cross join lateral (
      select qw.compound is null and length(qw.word) > 2 and qw.word ~ '[^0-9]'
        and plainto_tsquery('english', qw.word)::text <> ''
        and not exists (select from search_words as known where known.word = qw.word)
        and not (kind.partial and exists (select from search_words as known
                   where known.word > qw.word and known.word < qw.word || chr(1114111))) as unknown
    ) as fix
    order by qw.ord`.execute(db);
  const alts = rows
    .map((row) => [row.typed, row.alts].filter((part) => part).join(' | '))
    .filter((part) => part !== '')
    .map((part) => `(${part})`);
  if (alts.length === 0) return null;
  const excluded = rows[0]?.excluded ? ` & ${rows[0].excluded}` : '';
  const relaxed =
    alts.length > 1
      ? alts.map((_, skip) => `(${alts.filter((_, i) => i !== skip).join(' & ')})`).join(' | ')
      : null;
  return {
    strict: `${alts.join(' & ')}${excluded}`,
    share: estimateShare(alts, await lexemeFrequencies(db)),
    relaxed: relaxed === null ? null : `(${relaxed})${excluded}`,
  };
}
