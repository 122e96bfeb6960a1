import { type Kysely, sql } from 'kysely';

/**
 * The order side: carts, orders with items copied at purchase time, shipments
 * per warehouse, and the waitlist. Additive only (expand/contract): the tables
 * of earlier migrations are untouched, so processes running the previous
 * version keep working while this one goes live.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table cart_items (
      buyer_id uuid not null references users (id) on delete cascade,
      product_id uuid not null references products (id),
      quantity integer not null check (quantity between 1 and 1000),
      added_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      primary key (buyer_id, product_id)
    )`.execute(db);

  await sql`
    create table orders (
      id uuid primary key default gen_random_uuid(),
      number bigint generated always as identity unique,
      status text not null check (status in ('pending_payment', 'paid', 'needs_attention', 'picking',
                                             'shipped', 'delivered', 'cancelled', 'expired')),
      buyer_id uuid references users (id),
      customer_name text,
      customer_email text,
      ship_to_latitude double precision not null check (ship_to_latitude between -90 and 90),
      ship_to_longitude double precision not null check (ship_to_longitude between -180 and 180),
      ship_to_address text,
      currency char(3) not null,
      subtotal_minor bigint not null check (subtotal_minor >= 0),
      tax_minor bigint not null check (tax_minor >= 0),
      total_minor bigint not null check (total_minor = subtotal_minor + tax_minor),
      reservation_id uuid unique references reservations (id),
      expires_at timestamptz,
      version integer not null default 1,
      shortages jsonb,
      payment_reference text,
      last_payment_error text,
      cancel_reason text,
      created_by text not null,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    )`.execute(db);
  // orders.list pages newest first, by status or not.
  await sql`create index orders_status_created_idx on orders (status, created_at desc, id desc)`.execute(db);
  await sql`create index orders_created_idx on orders (created_at desc, id desc)`.execute(db);
  await sql`create index orders_buyer_created_idx on orders (buyer_id, created_at desc, id desc) where buyer_id is not null`.execute(
    db,
  );

  await sql`
    create table order_items (
      order_id uuid not null references orders (id) on delete cascade,
      product_id uuid not null references products (id),
      warehouse_id uuid not null references warehouses (id),
      sku text not null,
      name text not null,
      quantity integer not null check (quantity > 0),
      unit_price_minor bigint not null check (unit_price_minor >= 0),
      primary key (order_id, product_id, warehouse_id)
    )`.execute(db);
  await sql`create index order_items_warehouse_idx on order_items (warehouse_id, order_id)`.execute(db);

  await sql`
    create table shipments (
      id uuid primary key default gen_random_uuid(),
      order_id uuid not null references orders (id) on delete cascade,
      warehouse_id uuid not null references warehouses (id),
      carrier text not null,
      tracking_number text not null,
      status text not null default 'shipped' check (status in ('shipped', 'delivered')),
      created_by text not null,
      shipped_at timestamptz not null default now(),
      delivered_at timestamptz,
      unique (order_id, warehouse_id)
    )`.execute(db);

  await sql`
    create table waitlist_entries (
      id uuid primary key default gen_random_uuid(),
      buyer_id uuid not null references users (id) on delete cascade,
      product_id uuid not null references products (id),
      warehouse_id uuid references warehouses (id),
      quantity integer not null check (quantity between 1 and 1000),
      status text not null default 'waiting' check (status in ('waiting', 'offered', 'cancelled')),
      reservation_id uuid references reservations (id),
      created_at timestamptz not null default now(),
      offered_at timestamptz
    )`.execute(db);
  await sql`create index waitlist_waiting_idx on waitlist_entries (product_id, created_at) where status = 'waiting'`.execute(
    db,
  );
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['waitlist_entries', 'shipments', 'order_items', 'orders', 'cart_items']) {
    await sql`drop table if exists ${sql.table(table)}`.execute(db);
  }
}
