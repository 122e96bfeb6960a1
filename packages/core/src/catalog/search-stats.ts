/**
 * How common a full-text word is in the catalogue, from PostgreSQL's own
 * statistics of `products.search` (`pg_stats.most_common_elems`, what the planner
 * uses), read at most once a minute per database handle. Only the choice of
 * scan depends on it, never which products match: a stale figure costs time,
 * not results.
 */
import type { Db } from '@stockroom/db';
import { sql } from 'kysely';

const REFRESH_MS = 60_000;

interface Frequencies {
  byLexeme: Map<string, number>;
  readAt: number;
  refreshing?: Promise<void>;
}

const cache = new WeakMap<Db, Frequencies>();

async function read(db: Db): Promise<Map<string, number>> {
  const { rows } = await sql<{ lexeme: string; freq: number }>`
    select m.lexeme, m.freq
    from pg_stats as s,
      unnest(s.most_common_elems::text::text[], s.most_common_elem_freqs) as m (lexeme, freq)
    where s.schemaname = current_schema() and s.tablename = 'products' and s.attname = 'search'
      and m.lexeme is not null`.execute(db);
  return new Map(rows.map((row) => [row.lexeme, Number(row.freq)]));
}

/** Lexeme → fraction of products that have it (absent: rare, or not known yet). */
export async function lexemeFrequencies(db: Db): Promise<Map<string, number>> {
  const now = Date.now();
  let entry = cache.get(db);
  if (!entry) {
    entry = { byLexeme: await read(db), readAt: now };
    cache.set(db, entry);
    return entry.byLexeme;
  }
  if (now - entry.readAt > REFRESH_MS && !entry.refreshing) {
    const current = entry;
    current.refreshing = read(db)
      .then((byLexeme) => {
        current.byLexeme = byLexeme;
      })
      .catch(() => {})
      .finally(() => {
        current.readAt = Date.now();
        current.refreshing = undefined;
      });
  }
  return entry.byLexeme;
}

/**
 * The share of products a tsquery of AND-ed terms matches, if its words were
 * independent. A term is an OR of alternatives, each an AND of lexemes
 * ("'heavi' & 'duti' | 'hevi'"): alternatives add up, lexemes of one
 * alternative multiply; a lexeme absent from the statistics, or a prefix,
 * counts as rare (0).
 */
export function estimateShare(terms: string[], byLexeme: Map<string, number>): number {
  let share = 1;
  for (const term of terms) {
    let sum = 0;
    for (const alternative of term.split('|')) {
      let product = 1;
      for (const match of alternative.matchAll(/'((?:[^']|'')*)'(:\*)?/g)) {
        product *= match[2] ? 0 : (byLexeme.get((match[1] ?? '').replaceAll("''", "'")) ?? 0);
      }
      sum += product;
    }
    share *= Math.min(1, sum);
  }
  return share;
}
