/**
 * Product searches are CPU-bound in PostgreSQL: each process runs at most
 * SEARCH_CONCURRENCY of them at once and queues the rest (measured: fewer at
 * once cost PostgreSQL less CPU each, apps/api/bench/README.md). Queued
 * searches answer exactly as they would alone.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { SERVICE_TOKEN, startTestApi, type TestApi } from './harness.js';

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi({ SEARCH_CONCURRENCY: '1' });
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

it('runs one search at a time in PostgreSQL when SEARCH_CONCURRENCY=1, and each answers as it does alone', async () => {
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
