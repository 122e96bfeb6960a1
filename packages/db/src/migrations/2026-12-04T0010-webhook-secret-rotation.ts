import { type Kysely, sql } from 'kysely';

/**
 * Webhook secret rotation (webhooks.rotateSecret): the replaced secret is kept,
 * encrypted like the current one, until `previous_secret_expires_at`; until
 * then every delivery carries a signature with each secret (Standard Webhooks
 * allows several, space-separated), so receivers can switch at their pace.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    alter table webhooks
      add column previous_secret_ciphertext text,
      add column previous_secret_expires_at timestamptz,
      add column secret_rotated_at timestamptz,
      add constraint webhooks_previous_secret_pair
        check ((previous_secret_ciphertext is null) = (previous_secret_expires_at is null))`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`
    alter table webhooks
      drop constraint webhooks_previous_secret_pair,
      drop column previous_secret_ciphertext,
      drop column previous_secret_expires_at,
      drop column secret_rotated_at`.execute(db);
}
