import { type Kysely, sql } from 'kysely';

/**
 * Shared login throttling (rate-limiter-flexible's PostgreSQL store): every API
 * process counts failed logins in one place, so adding replicas does not
 * multiply the attempts an attacker gets. Columns are the library's own.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table rate_limits (
      key varchar(255) primary key,
      points integer not null default 0,
      expire bigint
    )`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table rate_limits`.execute(db);
}
