/**
 * The API behind a real PgBouncer in transaction pooling mode (run by
 * `pnpm test:pgbouncer`, STOCKROOM_TEST_PGBOUNCER=1; skipped otherwise): no
 * session state is relied on. The timeouts are the role's defaults in the
 * database, so every server session the pooler opens has them; the login rate
 * limiter's queries (rate-limiter-flexible names its prepared statements) work
 * from many connections at once; LISTEN runs on the direct connection.
 */
import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from './harness.js';

let api: TestApi;
const pooled = process.env.STOCKROOM_TEST_PGBOUNCER === '1';

beforeAll(async () => {
  if (pooled) api = await startTestApi({ DB_POOL_MAX: '8', DB_STATEMENT_TIMEOUT_MS: '7000' });
});
afterAll(async () => {
  await api?.stop();
});

describe.runIf(pooled)('behind PgBouncer (transaction pooling)', () => {
  it('every pooled server session starts with the configured timeouts', async () => {
    const url = api.database.pooledUrl as string;
    const clients = await Promise.all(
      Array.from({ length: 4 }, async () => {
        const client = new pg.Client({ connectionString: url });
        await client.connect();
        return client;
      }),
    );
    try {
      // Four sessions in transactions at once: four server sessions.
      await Promise.all(clients.map((c) => c.query('begin')));
      const seen = await Promise.all(
        clients.map(async (c) => (await c.query('show statement_timeout')).rows[0].statement_timeout),
      );
      const idle = await Promise.all(
        clients.map(
          async (c) =>
            (await c.query('show idle_in_transaction_session_timeout')).rows[0]
              .idle_in_transaction_session_timeout,
        ),
      );
      await Promise.all(clients.map((c) => c.query('commit')));
      expect(seen).toEqual(['7s', '7s', '7s', '7s']);
      expect(idle).toEqual(['30s', '30s', '30s', '30s']);
    } finally {
      await Promise.all(clients.map((c) => c.end()));
    }
  });

  it('named statements of the login limiter run unnamed: 40 concurrent failed logins all counted', async () => {
    const answers = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        fetch(`${api.url}/trpc/auth.login`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-forwarded-for': `10.0.0.${i}` },
          body: JSON.stringify({ email: 'staff@example.com', password: `wrong ${i}` }),
        }).then((r) => r.status),
      ),
    );
    // Wrong passwords (401) until the account limit (429); never a 500.
    expect(answers.every((s) => s === 401 || s === 429)).toBe(true);
    const rows = await sql<{ points: number }>`
      select points from rate_limits where key = 'login-account:staff@example.com'`.execute(api.database.db);
    expect(rows.rows[0]?.points).toBe(40);
  });

  it('the LISTEN connection is a direct one: one per process, on the server', async () => {
    const rows = await sql<{ n: number }>`
      select count(*)::int as n from pg_stat_activity
      where datname = current_database() and application_name = 'stockroom-listener'`.execute(
      api.database.db,
    );
    expect(rows.rows[0]?.n).toBe(1);
  });
});
