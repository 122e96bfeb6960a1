import { type Kysely, sql } from 'kysely';

/**
 * Service tokens as a managed resource: a display prefix, scopes, an optional
 * warehouse scope (null = every warehouse), expiry, last use, who made it, and
 * rotation (the replaced hash stays valid until `previous_valid_until`).
 * Names are unique among tokens that are not revoked, so a revoked name can be
 * used again. Tokens that existed before keep every scope and every warehouse.
 */
export const SERVICE_SCOPES = ['stock:read', 'stock:write', 'reservations', 'orders', 'payments'] as const;

export async function up(db: Kysely<any>): Promise<void> {
  const all = sql.raw(`array[${SERVICE_SCOPES.map((s) => `'${s}'`).join(', ')}]::text[]`);
  await sql`
    alter table service_tokens
      add column prefix text not null default '' check (length(prefix) <= 16),
      add column scopes text[] not null default '{}'
        check (scopes <@ ${all} and cardinality(scopes) <= 5),
      add column warehouse_ids uuid[] check (cardinality(warehouse_ids) <= 100),
      add column expires_at timestamptz,
      add column last_used_at timestamptz,
      add column created_by text,
      add column previous_token_hash text unique,
      add column previous_valid_until timestamptz,
      add column rotated_at timestamptz,
      add constraint service_tokens_name_length check (length(name) between 1 and 100)`.execute(db);
  await sql`update service_tokens set scopes = ${all}, prefix = '(legacy)'`.execute(db);
  await sql`alter table service_tokens drop constraint service_tokens_name_key`.execute(db);
  await sql`
    create unique index service_tokens_active_name on service_tokens (lower(name))
    where revoked_at is null`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index service_tokens_active_name`.execute(db);
  await sql`delete from service_tokens where revoked_at is not null`.execute(db);
  await sql`
    alter table service_tokens
      drop constraint service_tokens_name_length,
      drop column prefix, drop column scopes, drop column warehouse_ids, drop column expires_at,
      drop column last_used_at, drop column created_by, drop column previous_token_hash,
      drop column previous_valid_until, drop column rotated_at,
      add constraint service_tokens_name_key unique (name)`.execute(db);
}
