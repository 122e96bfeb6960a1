import { type Kysely, sql } from 'kysely';

/**
 * Webhooks: endpoints an admin registers, and the deliveries made to them.
 *
 * Deliveries are made from the events outbox: a dispatcher in every API process
 * reads events after the one stored cursor (`webhook_dispatch_cursor`, locked
 * FOR UPDATE while it fans out, so only one process fans out a given event) and
 * writes one delivery per matching endpoint (unique per endpoint and event, as
 * a second guard). Senders claim due deliveries with FOR UPDATE SKIP LOCKED.
 *
 * `stock.low` has no writer in core: it is emitted here, by a trigger on
 * stock_levels, in the transaction that lowers the level (one place, every
 * writer: the coalescer's batched holds as well as applyStockChanges).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table webhooks (
      id uuid primary key default gen_random_uuid(),
      url text not null check (length(url) between 1 and 2048),
      events text[] not null check (cardinality(events) between 1 and 50),
      description text check (length(description) <= 500),
      -- The signing secret, encrypted (AES-256-GCM) with the server's webhook key:
      -- the server must sign with it, so it is not hashed; it is never returned after create.
      secret_ciphertext text not null,
      active boolean not null default true,
      disabled_reason text,
      disabled_at timestamptz,
      consecutive_failures integer not null default 0,
      -- The first failure since the last success; null while the endpoint answers 2xx.
      failing_since timestamptz,
      last_success_at timestamptz,
      created_by text not null,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    )`.execute(db);

  await sql`
    create table webhook_deliveries (
      id uuid primary key default gen_random_uuid(),
      -- Fan-out order (events are fanned out in outbox order): what "earlier" means.
      seq bigint generated always as identity unique,
      webhook_id uuid not null references webhooks (id) on delete cascade,
      event_id bigint not null,
      event_position text not null,
      type text not null,
      aggregate_type text not null,
      aggregate_id text not null,
      -- The body as sent: { id, type, createdAt, data }.
      payload jsonb not null,
      status text not null default 'pending'
        check (status in ('pending', 'failed', 'succeeded', 'dead')),
      attempts integer not null default 0,
      next_attempt_at timestamptz not null default now(),
      last_attempt_at timestamptz,
      last_status_code integer,
      last_latency_ms integer,
      last_response text check (length(last_response) <= 1024),
      last_error text check (length(last_error) <= 1024),
      -- A redelivery asked for by an admin names the delivery it repeats.
      redelivery_of uuid references webhook_deliveries (id) on delete set null,
      created_at timestamptz not null default now(),
      delivered_at timestamptz
    )`.execute(db);
  // Exactly one delivery per endpoint and event (redeliveries aside).
  await sql`
    create unique index webhook_deliveries_once_idx on webhook_deliveries (webhook_id, event_id)
    where redelivery_of is null`.execute(db);
  await sql`
    create index webhook_deliveries_due_idx on webhook_deliveries (next_attempt_at)
    where status in ('pending', 'failed')`.execute(db);
  await sql`
    create index webhook_deliveries_order_idx
    on webhook_deliveries (webhook_id, aggregate_type, aggregate_id, seq)
    where status in ('pending', 'failed')`.execute(db);
  await sql`create index webhook_deliveries_log_idx on webhook_deliveries (webhook_id, seq)`.execute(db);

  // Where fan-out has got to in the outbox (an event position, see core's events.ts).
  await sql`
    create table webhook_dispatch_cursor (
      id integer primary key check (id = 1),
      position text,
      updated_at timestamptz not null default now()
    )`.execute(db);
  await sql`insert into webhook_dispatch_cursor (id, position) values (1, null)`.execute(db);

  // stock.low: available fell to the level's safety stock or below (from above it).
  await sql`
    create function stock_low_event() returns trigger language plpgsql as $$
    begin
      insert into events (type, aggregate_type, aggregate_id, payload)
      select 'stock.low', 'stock_level', new.warehouse_id || ':' || p.sku,
             jsonb_build_object(
               'warehouseId', new.warehouse_id, 'productId', new.product_id, 'sku', p.sku,
               'onHand', new.on_hand, 'reserved', new.reserved, 'available', new.available,
               'safetyStock', new.safety_stock, 'version', new.version)
      from products p where p.id = new.product_id;
      return null;
    end $$`.execute(db);
  await sql`
    create trigger stock_levels_low after update on stock_levels
    for each row
    when (new.available <= new.safety_stock and old.available > old.safety_stock)
    execute function stock_low_event()`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop trigger if exists stock_levels_low on stock_levels`.execute(db);
  await sql`drop function if exists stock_low_event()`.execute(db);
  await sql`drop table if exists webhook_dispatch_cursor`.execute(db);
  await sql`drop table if exists webhook_deliveries`.execute(db);
  await sql`drop table if exists webhooks`.execute(db);
}
