/**
 * What a keyword means to full-text search: its words, each OR-ed with the
 * catalogue words it may have been meant as, AND-ed into one tsquery.
 *
 * A query is split into words (letters and digits; anything else separates).
 * A word written with a leading "-" ("-red") is a word the product must not
 * have. For each other word:
 *   - the word itself, stemmed (`plainto_tsquery('english', w)`); the LAST word
 *     as a prefix too (`w:*`, "headph" → "headphones"), when it has a letter;
 *   - when the word is in no product name or category (not in `search_words`,
 *     and for the last word no known word starts with it), its nearest known
 *     words by trigram word similarity — a KNN scan of the GiST index of the
 *     vocabulary, a few thousand short words — kept when the similarity is at
 *     least CLOSE_ENOUGH ("hedphones" → headphones, "nukaege" → nukaenge,
 *     "lantr" → lantern). The vocabulary is kept by triggers in the product's
 *     own transaction (migration 2026-12-04T0010-search-words).
 * Words that are stop words ("the", "of") drop out, as they do in full text.
 */
import type { Db } from '@stockroom/db';
import { sql } from 'kysely';

/** Nearest vocabulary words tried for a word nothing in the catalogue has. */
const CLOSE_WORDS = 6;
/** Least trigram word similarity of a correction (pg_trgm's own `<%` threshold is 0.6). */
const CLOSE_ENOUGH = 0.5;
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

/**
 * The tsquery text for a query's words (one small statement over the vocabulary),
 * or null when no word is left for full text (only stop words or symbols).
 */
export async function fullTextTerms(db: Db, parsed: QueryWords): Promise<string | null> {
  const { terms } = parsed;
  if (terms.length === 0) return null;
  const last = parsed.lastIsPartial ? terms.length : 0;
  const { rows } = await sql<{ q: string | null }>`
    select string_agg('(' || t.alts || ')', ' & ' order by qw.ord)
      || coalesce(' & ' || (select string_agg('!(' || plainto_tsquery('english', x)::text || ')', ' & ')
                            from unnest(${parsed.excluded}::text[]) as x
                            where plainto_tsquery('english', x)::text <> ''), '') as q
    from unnest(
      ${terms.map((t) => t.word)}::text[],
      ${terms.map((t) => t.compound)}::text[],
      ${terms.map((t) => t.head)}::text[]
    ) with ordinality as qw (word, compound, head, ord)
    cross join lateral (
      select qw.ord = ${last} and qw.word ~ '[[:alpha:]]' as partial
    ) as kind
    cross join lateral (
      select concat_ws(' | ',
        nullif(case when qw.compound is not null then plainto_tsquery('english', qw.compound)::text
                    when kind.partial then to_tsquery('english', qw.word || ':*')::text
                    else plainto_tsquery('english', qw.word)::text end, ''),
        case when qw.compound is not null and kind.partial then nullif(
          (plainto_tsquery('english', qw.head) && to_tsquery('english', qw.word || ':*'))::text, '') end,
        (select string_agg(nullif(plainto_tsquery('english', v.word)::text, ''), ' | ')
         from (select s.word from search_words as s
               order by qw.word <<-> s.word
               limit ${sql.lit(CLOSE_WORDS)}) as v
         where word_similarity(qw.word, v.word) >= ${sql.lit(CLOSE_ENOUGH)}
           and qw.compound is null and length(qw.word) > 2 and qw.word ~ '[[:alpha:]]'
           and not exists (select from search_words as known
                           where known.word = qw.word
                              or (kind.partial and known.word >= qw.word
                                  and known.word < qw.word || chr(1114111))))
      ) as alts
    ) as t
    where t.alts <> ''`.execute(db);
  const q = rows[0]?.q ?? null;
  return q && q.length > 0 ? q : null;
}
