import { type Kysely, sql } from 'kysely';

/**
 * Sessions that can die before their token expires, and a signal when anyone's
 * access changes.
 *
 * A signed-in user's token names a row here (`sid`); signing out revokes it.
 * Every API process caches who a token belongs to for a second or two, and
 * forgets that cache when PostgreSQL notifies `stockroom_principals`: any change
 * to a user, their warehouses, a session or a service token (from any process,
 * the CLI or psql) reaches every process at once, so disabling, demoting,
 * re-scoping or revoking takes effect everywhere within the cache's lifetime.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table sessions (
      id uuid primary key default gen_random_uuid(),
      user_id uuid not null references users (id) on delete cascade,
      created_at timestamptz not null default now(),
      expires_at timestamptz not null,
      revoked_at timestamptz,
      ip text check (length(ip) <= 64),
      user_agent text check (length(user_agent) <= 300)
    )`.execute(db);
  await sql`create index sessions_user_idx on sessions (user_id) where revoked_at is null`.execute(db);
  await sql`create index sessions_expires_idx on sessions (expires_at)`.execute(db);

  // The payload names whose access changed (a user's id, or a service token's id),
  // so each process forgets only that principal; '*' (a TRUNCATE) forgets everyone.
  await sql`
    create function notify_principals() returns trigger language plpgsql as $$
    declare
      changed jsonb;
    begin
      if tg_op = 'TRUNCATE' then
        perform pg_notify('stockroom_principals', '*');
        return null;
      end if;
      if tg_op = 'DELETE' then changed := to_jsonb(old); else changed := to_jsonb(new); end if;
      perform pg_notify('stockroom_principals', coalesce(changed->>'user_id', changed->>'id', '*'));
      return null;
    end $$`.execute(db);
  for (const table of ['users', 'user_warehouses', 'service_tokens', 'sessions']) {
    // A new session changes nobody's access; revoking or deleting one does.
    const events = table === 'sessions' ? 'update or delete' : 'insert or update or delete';
    await sql`
      create trigger ${sql.raw(`${table}_notify_principals`)}
      after ${sql.raw(events)} on ${sql.table(table)}
      for each row execute function notify_principals()`.execute(db);
    await sql`
      create trigger ${sql.raw(`${table}_notify_principals_truncate`)}
      after truncate on ${sql.table(table)}
      for each statement execute function notify_principals()`.execute(db);
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['users', 'user_warehouses', 'service_tokens', 'sessions']) {
    await sql`drop trigger if exists ${sql.raw(`${table}_notify_principals`)} on ${sql.table(table)}`.execute(
      db,
    );
  }
  await sql`drop function if exists notify_principals()`.execute(db);
  await sql`drop table sessions`.execute(db);
}
