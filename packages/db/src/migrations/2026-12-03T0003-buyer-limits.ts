import { type Kysely, sql } from 'kysely';

/**
 * Buyer caps (issue 10): every hold a buyer makes first counts the buyer's
 * pending holds and waiting waitlist entries, so both are found by buyer.
 * Additive only.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`create index reservations_owner_pending_idx on reservations (owner_user_id) where status = 'pending'`.execute(
    db,
  );
  await sql`create index waitlist_buyer_waiting_idx on waitlist_entries (buyer_id) where status = 'waiting'`.execute(
    db,
  );
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index if exists waitlist_buyer_waiting_idx`.execute(db);
  await sql`drop index if exists reservations_owner_pending_idx`.execute(db);
}
