import { sql, type Transaction } from 'kysely';
import type { Db } from './connection.js';
import type { Database } from './schema.js';
import { hashPassword, hashToken } from './secrets.js';

/** Demo warehouses: real cities, real coordinates. */
const DEMO_WAREHOUSES = [
  {
    code: 'NYC-1',
    name: 'New York (Secaucus)',
    address: '400 Castle Rd, Secaucus, NJ',
    latitude: 40.7895,
    longitude: -74.0565,
    capacity: 250_000,
    timezone: 'America/New_York',
    priority: 10,
  },
  {
    code: 'CHI-1',
    name: 'Chicago (Joliet)',
    address: '2201 Channahon Rd, Joliet, IL',
    latitude: 41.5067,
    longitude: -88.1353,
    capacity: 180_000,
    timezone: 'America/Chicago',
    priority: 20,
  },
  {
    code: 'DFW-1',
    name: 'Dallas–Fort Worth',
    address: '2700 Regent Blvd, DFW Airport, TX',
    latitude: 32.8998,
    longitude: -97.0403,
    capacity: 150_000,
    timezone: 'America/Chicago',
    priority: 30,
  },
  {
    code: 'LAX-1',
    name: 'Los Angeles (Ontario)',
    address: '3200 E Guasti Rd, Ontario, CA',
    latitude: 34.0633,
    longitude: -117.6509,
    capacity: 220_000,
    timezone: 'America/Los_Angeles',
    priority: 40,
  },
  {
    code: 'SEA-1',
    name: 'Seattle (Kent)',
    address: '20529 59th Pl S, Kent, WA',
    latitude: 47.4179,
    longitude: -122.2559,
    capacity: 120_000,
    timezone: 'America/Los_Angeles',
    priority: 50,
  },
] as const;

/** Demo catalogue: category → [sku stem, name, price in cents]. */
const CATALOGUE: Record<string, [string, string, number][]> = {
  Electronics: [
    ['EL-HDP', 'Wireless Noise-Cancelling Headphones', 19_900],
    ['EL-SPK', 'Portable Bluetooth Speaker', 5_900],
    ['EL-KBD', 'Mechanical Keyboard, Brown Switches', 8_900],
    ['EL-MSE', 'Ergonomic Wireless Mouse', 3_900],
    ['EL-MON', '27-inch 4K Monitor', 32_900],
    ['EL-CHG', 'USB-C Fast Charger 65W', 2_900],
    ['EL-CAM', 'Full HD Webcam', 4_900],
  ],
  Kitchen: [
    ['KT-KNF', "Chef's Knife, 8 inch", 6_900],
    ['KT-PAN', 'Cast Iron Skillet, 12 inch', 4_500],
    ['KT-KTL', 'Electric Kettle, 1.7 L', 3_900],
    ['KT-GRN', 'Burr Coffee Grinder', 9_900],
    ['KT-BRD', 'Bamboo Cutting Board', 2_400],
    ['KT-POT', 'Stainless Steel Stock Pot', 5_900],
  ],
  Outdoors: [
    ['OD-TNT', 'Two-Person Backpacking Tent', 24_900],
    ['OD-BAG', 'Down Sleeping Bag, -5 °C', 18_900],
    ['OD-BTL', 'Insulated Water Bottle, 750 ml', 2_900],
    ['OD-LMP', 'Rechargeable Headlamp', 3_400],
    ['OD-PCK', 'Hiking Backpack, 40 L', 12_900],
    ['OD-STV', 'Camping Stove', 5_400],
  ],
  Apparel: [
    ['AP-JKT', 'Waterproof Rain Jacket', 11_900],
    ['AP-TEE', 'Organic Cotton T-Shirt', 1_900],
    ['AP-SCK', 'Merino Wool Socks, 3 pairs', 2_700],
    ['AP-HAT', 'Wool Beanie', 2_200],
    ['AP-GLV', 'Touchscreen Gloves', 2_500],
    ['AP-HOD', 'Fleece Hoodie', 5_900],
  ],
  Home: [
    ['HM-LMP', 'LED Desk Lamp', 4_400],
    ['HM-PLW', 'Memory Foam Pillow', 3_900],
    ['HM-TWL', 'Cotton Bath Towel Set', 4_900],
    ['HM-CND', 'Soy Wax Candle', 1_800],
    ['HM-RUG', 'Wool Area Rug, 5×7 ft', 19_900],
    ['HM-CLK', 'Wall Clock, Silent', 2_900],
  ],
  Office: [
    ['OF-NTB', 'Dot Grid Notebook, A5', 1_400],
    ['OF-PEN', 'Gel Pens, 12 pack', 1_100],
    ['OF-CHR', 'Ergonomic Office Chair', 34_900],
    ['OF-DSK', 'Standing Desk Converter', 21_900],
    ['OF-ORG', 'Desk Organizer Tray', 1_900],
    ['OF-STP', 'Heavy Duty Stapler', 1_600],
  ],
  Toys: [
    ['TY-BLK', 'Wooden Building Blocks, 100 pieces', 3_400],
    ['TY-PZL', 'Jigsaw Puzzle, 1000 pieces', 1_900],
    ['TY-RCC', 'Remote Control Car', 4_900],
    ['TY-KIT', 'Kids Science Kit', 2_900],
    ['TY-BRD', 'Strategy Board Game', 3_900],
    ['TY-PLS', 'Plush Teddy Bear', 1_900],
  ],
  Sports: [
    ['SP-YGA', 'Non-Slip Yoga Mat', 3_400],
    ['SP-DBL', 'Adjustable Dumbbells, pair', 19_900],
    ['SP-RPE', 'Speed Jump Rope', 1_400],
    ['SP-BLL', 'Size 5 Soccer Ball', 2_900],
    ['SP-RKT', 'Tennis Racket', 8_900],
    ['SP-BND', 'Resistance Bands Set', 2_400],
  ],
  Handmade: [
    ['HD-MUG', 'Hand-Thrown Ceramic Mug', 3_200],
    ['HD-SCF', 'Hand-Knit Wool Scarf', 5_800],
    ['HD-BWL', 'Turned Walnut Bowl', 7_400],
    ['HD-SOP', 'Cold-Process Lavender Soap', 900],
  ],
};

/** Deterministic pseudo-random integer in [min, max] from a string. */
function stableInt(seed: string, min: number, max: number): number {
  let h = 2166136261;
  for (const ch of seed) h = Math.imul(h ^ ch.charCodeAt(0), 16777619);
  return min + ((h >>> 0) % (max - min + 1));
}

export interface SeedSummary {
  warehouses: number;
  products: number;
  stockLevels: number;
  users: number;
}

export const DEMO_PASSWORD = 'stockroom';
export const DEMO_SERVICE_TOKEN = 'dev-service-token';
const DEMO_SERVICE_SCOPES = ['stock:read', 'stock:write', 'reservations', 'orders', 'payments'] as const;
/** The demo accounts (password DEMO_PASSWORD): refused when NODE_ENV=production. */
export const DEMO_USERS = [
  { email: 'admin@example.com', name: 'Ada Admin', role: 'admin' as const },
  { email: 'staff@example.com', name: 'Sam Staff', role: 'staff' as const },
  { email: 'seller@example.com', name: 'Sol Seller', role: 'seller' as const },
  { email: 'buyer@example.com', name: 'Bea Buyer', role: 'buyer' as const },
];

type Trx = Transaction<Database>;
interface SeededRow {
  id: string;
  code: string;
}

/**
 * Seed the demo data. Idempotent: every insert skips rows that already exist,
 * so a second run changes nothing. Initial stock is written through the ledger
 * (a `receive` movement), so the audit is clean from the first start.
 */
export async function seedDemo(db: Db, options: { environment?: string } = {}): Promise<SeedSummary> {
  if (options.environment === 'production') {
    throw new Error('the demo seed (with its well-known passwords) never runs in production');
  }
  return db.transaction().execute(async (trx) => {
    // One seed at a time, even with several processes starting together.
    await sql`select pg_advisory_xact_lock(hashtext('stockroom.seed'))`.execute(trx);
    const warehouses = await seedWarehouses(trx);
    const { sellerId } = await seedUsers(trx, warehouses);
    await seedServiceToken(trx);
    const products = await seedProducts(trx, sellerId);
    const stockLevels = await seedOpeningStock(trx, warehouses, products);
    return {
      warehouses: warehouses.length,
      products: products.length,
      stockLevels,
      users: DEMO_USERS.length,
    };
  });
}

/** The demo warehouses, in priority order. */
async function seedWarehouses(trx: Trx): Promise<SeededRow[]> {
  await trx
    .insertInto('warehouses')
    .values(DEMO_WAREHOUSES.map((w) => ({ ...w })))
    .onConflict((oc) => oc.column('code').doNothing())
    .execute();
  return trx
    .selectFrom('warehouses')
    .select(['id', 'code'])
    .where(
      'code',
      'in',
      DEMO_WAREHOUSES.map((w) => w.code),
    )
    .orderBy('priority')
    .execute();
}

/** The demo accounts; the staff member works in the first two warehouses. */
async function seedUsers(trx: Trx, warehouses: SeededRow[]): Promise<{ sellerId: string }> {
  const users = DEMO_USERS;
  const existing = await trx
    .selectFrom('users')
    .select('email')
    .where(
      sql`lower(email)`,
      'in',
      users.map((u) => u.email),
    )
    .execute();
  const missing = users.filter((u) => !existing.some((e) => e.email.toLowerCase() === u.email));
  if (missing.length > 0) {
    const passwordHash = await hashPassword(DEMO_PASSWORD);
    await trx
      .insertInto('users')
      .values(missing.map((u) => ({ ...u, passwordHash })))
      .onConflict((oc) => oc.expression(sql`lower(email)`).doNothing())
      .execute();
  }
  const staff = await trx
    .selectFrom('users')
    .select('id')
    .where('email', '=', 'staff@example.com')
    .executeTakeFirstOrThrow();
  const seller = await trx
    .selectFrom('users')
    .select('id')
    .where('email', '=', 'seller@example.com')
    .executeTakeFirstOrThrow();
  await trx
    .insertInto('userWarehouses')
    .values(warehouses.slice(0, 2).map((w) => ({ userId: staff.id, warehouseId: w.id })))
    .onConflict((oc) => oc.doNothing())
    .execute();
  return { sellerId: seller.id };
}

async function seedServiceToken(trx: Trx): Promise<void> {
  await trx
    .insertInto('serviceTokens')
    // Every scope, every warehouse (warehouseIds null); refused when NODE_ENV=production.
    .values({
      name: 'checkout-service (demo)',
      tokenHash: hashToken(DEMO_SERVICE_TOKEN),
      prefix: DEMO_SERVICE_TOKEN.slice(0, 12),
      scopes: [...DEMO_SERVICE_SCOPES],
      warehouseIds: null,
      createdBy: 'system:seed',
    })
    .onConflict((oc) => oc.doNothing())
    .execute();
}

/** The demo catalogue; the Handmade range belongs to the demo seller. */
async function seedProducts(trx: Trx, sellerId: string): Promise<{ id: string; sku: string }[]> {
  const products = Object.entries(CATALOGUE).flatMap(([category, items]) =>
    items.map(([stem, name, priceMinor]) => ({
      sku: `${stem}-001`,
      name,
      category,
      description: `${name}. Part of the Stockroom demo ${category.toLowerCase()} range.`,
      priceMinor,
      currency: 'USD',
      sellerId: category === 'Handmade' ? sellerId : null,
    })),
  );
  await trx
    .insertInto('products')
    .values(products)
    .onConflict((oc) => oc.column('sku').doNothing())
    .execute();
  return trx
    .selectFrom('products')
    .select(['id', 'sku'])
    .where(
      'sku',
      'in',
      products.map((p) => p.sku),
    )
    .execute();
}

/**
 * A level for every product in every warehouse; new levels' stock arrives as a
 * `receive` movement. Returns how many levels the demo has.
 */
async function seedOpeningStock(
  trx: Trx,
  warehouses: SeededRow[],
  products: { id: string; sku: string }[],
): Promise<number> {
  const levels = warehouses.flatMap((w) =>
    products.map((p) => ({
      warehouseId: w.id,
      productId: p.id,
      onHand: stableInt(`${w.code}:${p.sku}`, 0, 120),
      safetyStock: stableInt(`safety:${w.code}:${p.sku}`, 2, 10),
    })),
  );
  const inserted = await trx
    .insertInto('stockLevels')
    .values(levels)
    .onConflict((oc) => oc.columns(['warehouseId', 'productId']).doNothing())
    .returning(['warehouseId', 'productId', 'onHand'])
    .execute();
  const receipts = inserted.filter((l) => l.onHand > 0);
  if (receipts.length > 0) {
    await trx
      .insertInto('stockMovements')
      .values(
        receipts.map((l) => ({
          warehouseId: l.warehouseId,
          productId: l.productId,
          kind: 'receive' as const,
          onHandDelta: l.onHand,
          reservedDelta: 0,
          reason: 'demo seed: opening stock',
          actor: 'system:seed',
        })),
      )
      .execute();
  }
  return levels.length;
}
