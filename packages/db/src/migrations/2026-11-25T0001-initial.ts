import { type Kysely, sql } from 'kysely';

/**
 * The foundation schema: catalogue, stock, the movement ledger, reservations,
 * idempotency records, the event outbox, users and service tokens.
 *
 * Invariants live here, not only in code: CHECK constraints make an impossible
 * stock level unstorable, `available` is a generated column, and the ledger
 * refuses UPDATE and DELETE.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`create extension if not exists pg_trgm`.execute(db);

  await sql`
    create table warehouses (
      id uuid primary key default gen_random_uuid(),
      code text not null unique check (code ~ '^[A-Z0-9][A-Z0-9-]{1,15}$'),
      name text not null check (length(name) between 1 and 200),
      address text,
      latitude double precision not null check (latitude between -90 and 90),
      longitude double precision not null check (longitude between -180 and 180),
      capacity integer check (capacity is null or capacity >= 0),
      timezone text not null default 'UTC',
      priority integer not null default 100,
      active boolean not null default true,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    )`.execute(db);

  await sql`
    create table users (
      id uuid primary key default gen_random_uuid(),
      email text not null,
      name text not null,
      password_hash text not null,
      role text not null check (role in ('admin', 'staff', 'seller', 'buyer')),
      active boolean not null default true,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    )`.execute(db);
  await sql`create unique index users_email_key on users (lower(email))`.execute(db);

  await sql`
    create table user_warehouses (
      user_id uuid not null references users (id) on delete cascade,
      warehouse_id uuid not null references warehouses (id),
      primary key (user_id, warehouse_id)
    )`.execute(db);

  await sql`
    create table service_tokens (
      id uuid primary key default gen_random_uuid(),
      name text not null unique,
      token_hash text not null unique,
      created_at timestamptz not null default now(),
      revoked_at timestamptz
    )`.execute(db);

  await sql`
    create table products (
      id uuid primary key default gen_random_uuid(),
      sku text not null unique check (sku ~ '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$'),
      name text not null check (length(name) between 1 and 200),
      description text not null default '' check (length(description) <= 5000),
      category text not null check (length(category) between 1 and 100),
      price_minor bigint not null check (price_minor >= 0),
      currency char(3) not null check (currency ~ '^[A-Z]{3}$'),
      seller_id uuid references users (id),
      active boolean not null default true,
      search tsvector generated always as (
        setweight(to_tsvector('simple', sku), 'A') ||
        setweight(to_tsvector('english', name), 'A') ||
        setweight(to_tsvector('english', category), 'B') ||
        setweight(to_tsvector('english', description), 'C')
      ) stored,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    )`.execute(db);
  await sql`create index products_search_idx on products using gin (search)`.execute(db);
  await sql`create index products_name_trgm_idx on products using gin (lower(name) gin_trgm_ops)`.execute(db);
  await sql`create index products_sku_trgm_idx on products using gin (lower(sku) gin_trgm_ops)`.execute(db);
  await sql`create index products_category_idx on products (category, name, id)`.execute(db);
  // Browsing the catalogue without a keyword pages through active products by name.
  await sql`create index products_active_name_idx on products (name, id) where active`.execute(db);
  await sql`create index products_seller_idx on products (seller_id) where seller_id is not null`.execute(db);

  await sql`
    create table stock_levels (
      warehouse_id uuid not null references warehouses (id),
      product_id uuid not null references products (id),
      on_hand integer not null default 0,
      reserved integer not null default 0,
      available integer generated always as (on_hand - reserved) stored,
      safety_stock integer not null default 0,
      version bigint not null default 1,
      updated_at timestamptz not null default now(),
      primary key (warehouse_id, product_id),
      constraint stock_on_hand_non_negative check (on_hand >= 0),
      constraint stock_reserved_non_negative check (reserved >= 0),
      constraint stock_reserved_within_on_hand check (reserved <= on_hand),
      constraint stock_safety_non_negative check (safety_stock >= 0)
    )`.execute(db);
  await sql`create index stock_levels_product_idx on stock_levels (product_id)`.execute(db);
  await sql`create index stock_levels_low_idx on stock_levels (warehouse_id, available) where available <= safety_stock`.execute(
    db,
  );

  await sql`
    create table stock_movements (
      id bigint generated always as identity primary key,
      warehouse_id uuid not null,
      product_id uuid not null,
      kind text not null check (kind in ('receive', 'adjust', 'set', 'sync', 'reserve', 'release',
                                         'expire', 'confirm', 'ship', 'return')),
      on_hand_delta integer not null,
      reserved_delta integer not null,
      reason text,
      reference text,
      actor text not null,
      created_at timestamptz not null default now(),
      foreign key (warehouse_id, product_id) references stock_levels (warehouse_id, product_id)
    )`.execute(db);
  await sql`create index stock_movements_level_idx on stock_movements (warehouse_id, product_id, id)`.execute(
    db,
  );
  await sql`create index stock_movements_product_idx on stock_movements (product_id, id)`.execute(db);
  await sql`
    create function stock_movements_append_only() returns trigger language plpgsql as $$
    begin
      raise exception 'stock_movements is append-only';
    end $$`.execute(db);
  await sql`
    create trigger stock_movements_no_update before update or delete on stock_movements
    for each row execute function stock_movements_append_only()`.execute(db);

  await sql`
    create table reservations (
      id uuid primary key default gen_random_uuid(),
      status text not null default 'pending'
        check (status in ('pending', 'confirmed', 'released', 'expired')),
      expires_at timestamptz not null,
      hold_limit_at timestamptz not null,
      reference text,
      created_by text not null,
      owner_user_id uuid references users (id),
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      ended_at timestamptz
    )`.execute(db);
  await sql`create index reservations_pending_expiry_idx on reservations (expires_at) where status = 'pending'`.execute(
    db,
  );
  await sql`create index reservations_reference_idx on reservations (reference) where reference is not null`.execute(
    db,
  );

  await sql`
    create table reservation_lines (
      reservation_id uuid not null references reservations (id) on delete cascade,
      warehouse_id uuid not null,
      product_id uuid not null,
      quantity integer not null check (quantity > 0),
      primary key (reservation_id, warehouse_id, product_id),
      foreign key (warehouse_id, product_id) references stock_levels (warehouse_id, product_id)
    )`.execute(db);

  await sql`
    create table idempotency_records (
      principal text not null,
      procedure text not null,
      key text not null,
      request_hash text not null,
      -- json, not jsonb: a replay returns the stored answer byte for byte (key order kept).
      response json,
      created_at timestamptz not null default now(),
      expires_at timestamptz not null,
      primary key (principal, procedure, key)
    )`.execute(db);
  await sql`create index idempotency_records_expiry_idx on idempotency_records (expires_at)`.execute(db);

  await sql`
    create table events (
      id bigint generated always as identity primary key,
      type text not null,
      aggregate_type text not null,
      aggregate_id text not null,
      payload jsonb not null,
      -- The writing transaction. Readers take only events of transactions older
      -- than every running one (pg_snapshot_xmin) in (txid, id) order, so a
      -- reader's cursor never skips an event that commits late.
      txid xid8 not null default pg_current_xact_id(),
      created_at timestamptz not null default now()
    )`.execute(db);
  await sql`create index events_position_idx on events (txid, id)`.execute(db);
  await sql`create index events_type_idx on events (type, id)`.execute(db);
  await sql`create index events_aggregate_idx on events (aggregate_type, aggregate_id, id)`.execute(db);
  // Wake LISTENers in every API process. One notification per statement, with
  // no payload: readers always load events from the table, so a notification is
  // only a hint that there is something new (and cheap under load).
  await sql`
    create function events_notify() returns trigger language plpgsql as $$
    begin
      perform pg_notify('stockroom_events', '');
      return null;
    end $$`.execute(db);
  await sql`
    create trigger events_notify after insert on events
    for each statement execute function events_notify()`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of [
    'events',
    'idempotency_records',
    'reservation_lines',
    'reservations',
    'stock_movements',
    'stock_levels',
    'products',
    'service_tokens',
    'user_warehouses',
    'users',
    'warehouses',
  ]) {
    await sql`drop table if exists ${sql.table(table)} cascade`.execute(db);
  }
  await sql`drop function if exists stock_movements_append_only`.execute(db);
  await sql`drop function if exists events_notify`.execute(db);
}
