import { type Kysely, sql } from 'kysely';

/**
 * The outbox no longer notifies from inside the writing transaction.
 *
 * `pg_notify` in a transaction makes its commit take PostgreSQL's one
 * notification-queue lock and hold it until the commit record is flushed, so
 * every transaction that wrote an event (a reservation batch, each checkout
 * step, a sync) committed one after another, with no group commit: measured
 * 8–15 % of the uniform and checkout throughput on 2 cores (docs/scaling.md).
 * The API now announces after its write transactions commit, at most one
 * announcement at a time per process and without waiting for the flush
 * (`apps/api/src/events/announcer.ts`); readers still poll every second, so an
 * event written by anything else (the CLI, SQL by hand) is seen within a second.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`drop trigger if exists events_notify on events`.execute(db);
  await sql`drop function if exists events_notify()`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`
    create or replace function events_notify() returns trigger language plpgsql as $$
    begin
      perform pg_notify('stockroom_events', '');
      return null;
    end $$`.execute(db);
  await sql`
    create trigger events_notify after insert on events
    for each statement execute function events_notify()`.execute(db);
}
