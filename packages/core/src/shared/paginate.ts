import { encodeCursor } from './cursor.js';

/**
 * Keyset pagination, the one copy: fetch one row more than the page holds (it
 * says whether there is a next page), keep `limit`, and build the next cursor
 * from the last row kept. `fetch` gets how many rows to read.
 */
export async function paginate<Row>(
  limit: number,
  fetch: (take: number) => Promise<Row[]>,
  keyOf: (last: Row) => unknown[],
): Promise<{ rows: Row[]; nextCursor: string | null }> {
  const fetched = await fetch(limit + 1);
  const rows = fetched.slice(0, limit);
  const last = rows.at(-1);
  return { rows, nextCursor: fetched.length > limit && last ? encodeCursor(keyOf(last)) : null };
}
