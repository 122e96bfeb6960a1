/**
 * Product searches are CPU-bound in PostgreSQL: an API instance's workers run
 * SEARCH_CONCURRENCY of them at once, each worker its share, and queue
 * the rest (measured: fewer at once cost PostgreSQL less CPU each,
 * docs/search.md). Queued searches answer exactly as they would alone.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { searchesPerProcess } from '../src/env.js';
import { SERVICE_TOKEN, startTestApi, type TestApi } from './harness.js';

let api: TestApi;
beforeAll(async () => {
  // Two searches at once for the instance, which runs two workers: this one runs one at a time.
  api = await startTestApi({ SEARCH_CONCURRENCY: '2', WEB_CONCURRENCY: '2' });
});
afterAll(() => api?.stop());

const QUERIES = [
  'hedphones',
  'lantern',
  'EL-',
  'desk lamp',
  'nothing-like-this-zz',
  'wireless head',
  'mug',
  '',
];

const search = (query: string) =>
  api.client(SERVICE_TOKEN).products.search.query({ ...(query ? { query } : {}), limit: 5 });

it('runs its share of SEARCH_CONCURRENCY in PostgreSQL at once, and each search answers as it does alone', async () => {
  const alone = new Map<string, unknown>();
  for (const query of QUERIES) alone.set(query, await search(query));

  // Watch the database while 24 searches are asked for at once.
  let watching = true;
  let most = 0;
  const watcher = (async () => {
    while (watching) {
      const { rows } = await sql<{ n: number }>`
        select count(*)::int as n from pg_stat_activity
        where datname = current_database() and state = 'active' and pid <> pg_backend_pid()
          and (query like '%search_words%' or query like '%ts_rank%')`.execute(api.database.db);
      most = Math.max(most, rows[0]?.n ?? 0);
    }
  })();
  const together = await Promise.all(
    [...QUERIES, ...QUERIES, ...QUERIES].map(async (query) => [query, await search(query)] as const),
  );
  watching = false;
  await watcher;

  for (const [query, answer] of together) expect([query, answer]).toEqual([query, alone.get(query)]);
  expect(most).toBeLessThanOrEqual(1);
});

it('shares SEARCH_CONCURRENCY among the workers, at least one each', () => {
  const share = (SEARCH_CONCURRENCY: number, WEB_CONCURRENCY?: number) =>
    searchesPerProcess({ SEARCH_CONCURRENCY, WEB_CONCURRENCY });
  expect([share(4), share(4, 1), share(4, 2), share(4, 3), share(4, 8), share(1, 2)]).toEqual([
    4, 4, 2, 1, 1, 1,
  ]);
});
