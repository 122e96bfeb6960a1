import { type Kysely, sql } from 'kysely';

/**
 * Where a product sits in a warehouse (a bin such as `A-03-2`), for pick lists
 * that walk the floor in order. Optional; additive only.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table stock_levels add column location text
    constraint stock_levels_location_check check (char_length(location) between 1 and 40)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`alter table stock_levels drop column if exists location`.execute(db);
}
