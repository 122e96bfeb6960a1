import type { Role } from '@stockroom/db';
import { createTestDatabase, type TestDatabase } from '@stockroom/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  archiveProduct,
  createProduct,
  createWarehouse,
  getProduct,
  getWarehouse,
  listWarehouses,
  type ProductInput,
  searchProducts,
  updateProduct,
  updateWarehouse,
} from '../src/catalog/index.js';
import type { Actor } from '../src/shared/actor.js';
import { DomainError } from '../src/shared/errors.js';

let t: TestDatabase;
const SYSTEM: Actor = { kind: 'system', name: 'test' };
let admin: Actor & { kind: 'user' };
let staff: Actor;
let sellerA: Actor & { kind: 'user' };
let sellerB: Actor & { kind: 'user' };
let buyer: Actor;

async function makeUser(role: Role, email: string): Promise<Actor & { kind: 'user' }> {
  const user = await t.db
    .insertInto('users')
    .values({ email, name: email, passwordHash: 'not-a-real-hash', role })
    .returning('id')
    .executeTakeFirstOrThrow();
  return { kind: 'user', id: user.id, role, warehouseIds: [] };
}

beforeAll(async () => {
  t = await createTestDatabase();
  admin = await makeUser('admin', 'admin@test');
  staff = await makeUser('staff', 'staff@test');
  sellerA = await makeUser('seller', 'seller-a@test');
  sellerB = await makeUser('seller', 'seller-b@test');
  buyer = await makeUser('buyer', 'buyer@test');
});
afterAll(() => t.destroy());

/** Resolve to the DomainError a call throws (fails the test if it does not throw one). */
async function domainError(promise: Promise<unknown>): Promise<DomainError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DomainError);
  return error as DomainError;
}

async function tableCounts() {
  const count = async (table: 'warehouses' | 'products' | 'events') =>
    Number(
      (
        await t.db
          .selectFrom(table)
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );
  return {
    warehouses: await count('warehouses'),
    products: await count('products'),
    events: await count('events'),
  };
}

async function eventsFor(aggregateId: string) {
  return t.db
    .selectFrom('events')
    .select(['type', 'aggregateType', 'payload'])
    .where('aggregateId', '=', aggregateId)
    .orderBy('id')
    .execute();
}

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;

const product = (sku: string, name: string, extra: Partial<ProductInput> = {}): ProductInput => ({
  sku,
  name,
  category: 'General',
  priceMinor: 1000,
  currency: 'USD',
  ...extra,
});

describe('warehouses', () => {
  it('creates a warehouse, returns a JSON DTO and writes warehouse.created', async () => {
    const warehouse = await createWarehouse(
      { db: t.db, actor: admin },
      {
        code: 'BLR-1',
        name: 'Bengaluru',
        address: 'Hoskote',
        latitude: 13.07,
        longitude: 77.79,
        capacity: 50_000,
        timezone: 'Asia/Kolkata',
      },
    );
    expect(warehouse).toMatchObject({
      code: 'BLR-1',
      name: 'Bengaluru',
      address: 'Hoskote',
      latitude: 13.07,
      longitude: 77.79,
      capacity: 50_000,
      timezone: 'Asia/Kolkata',
      priority: 100,
      active: true,
    });
    expect(warehouse.createdAt).toMatch(ISO);
    expect(warehouse.updatedAt).toMatch(ISO);
    expect(await getWarehouse(t.db, warehouse.id)).toEqual(warehouse);
    const events = await eventsFor(warehouse.id);
    expect(events.map((e) => e.type)).toEqual(['warehouse.created']);
    expect(events[0]?.payload).toMatchObject({ actor: `user:${admin.id}` });
  });

  it('defaults optional fields and lists warehouses by priority', async () => {
    const early = await createWarehouse(
      { db: t.db, actor: SYSTEM },
      {
        code: 'AMS-1',
        name: 'Amsterdam',
        latitude: 52.3,
        longitude: 4.9,
        priority: 5,
      },
    );
    expect(early).toMatchObject({ address: null, capacity: null, timezone: 'UTC', priority: 5 });
    const list = await listWarehouses(t.db);
    expect(list[0]?.code).toBe('AMS-1');
    expect(list.map((w) => w.code)).toContain('BLR-1');
    const priorities = list.map((w) => w.priority);
    expect(priorities).toEqual([...priorities].sort((a, b) => a - b));
  });

  it('updates only the given fields and writes warehouse.updated', async () => {
    const created = await createWarehouse(
      { db: t.db, actor: admin },
      {
        code: 'LHR-1',
        name: 'London',
        latitude: 51.47,
        longitude: -0.45,
      },
    );
    const updated = await updateWarehouse(
      { db: t.db, actor: admin },
      {
        id: created.id,
        name: 'London Heathrow',
        capacity: 900,
        active: false,
      },
    );
    expect(updated).toMatchObject({
      id: created.id,
      code: 'LHR-1',
      name: 'London Heathrow',
      capacity: 900,
      active: false,
      latitude: 51.47,
    });
    expect(Date.parse(updated.updatedAt)).toBeGreaterThanOrEqual(Date.parse(created.updatedAt));
    expect(await getWarehouse(t.db, created.id)).toEqual(updated);
    const events = await eventsFor(created.id);
    expect(events.map((e) => e.type)).toEqual(['warehouse.created', 'warehouse.updated']);
    expect(events[1]?.payload).toMatchObject({ changed: ['name', 'capacity', 'active'] });
  });

  it('refuses a duplicate code with a clear error and writes nothing', async () => {
    const before = await tableCounts();
    const error = await domainError(
      createWarehouse(
        { db: t.db, actor: admin },
        { code: 'BLR-1', name: 'Another', latitude: 1, longitude: 1 },
      ),
    );
    expect(error.code).toBe('VALIDATION_FAILED');
    expect(error.message).toMatch(/BLR-1 already exists/);
    expect(error.message).not.toMatch(/duplicate key|constraint|insert/i);
    expect(await tableCounts()).toEqual(before);

    const other = (await listWarehouses(t.db)).find((w) => w.code === 'AMS-1');
    const renameError = await domainError(
      updateWarehouse({ db: t.db, actor: admin }, { id: other?.id ?? '', code: 'BLR-1' }),
    );
    expect(renameError.code).toBe('VALIDATION_FAILED');
    expect((await getWarehouse(t.db, other?.id ?? '')).code).toBe('AMS-1');
    expect(await tableCounts()).toEqual(before);
  });

  it('lets exactly one of two concurrent creates with one code win', async () => {
    const results = await Promise.allSettled(
      ['First', 'Second'].map((name) =>
        createWarehouse({ db: t.db, actor: admin }, { code: 'RACE-1', name, latitude: 10, longitude: 10 }),
      ),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const rejected = results.find((r) => r.status === 'rejected');
    expect(rejected?.reason).toBeInstanceOf(DomainError);
    expect(rejected?.reason).toMatchObject({ code: 'VALIDATION_FAILED' });
    const rows = await t.db.selectFrom('warehouses').select('id').where('code', '=', 'RACE-1').execute();
    expect(rows).toHaveLength(1);
    const created = await t.db
      .selectFrom('events')
      .select('aggregateId')
      .where('type', '=', 'warehouse.created')
      .where('aggregateId', '=', rows[0]?.id ?? '')
      .execute();
    expect(created).toHaveLength(1);
  });

  it('refuses bad coordinates, codes and time zones and writes nothing', async () => {
    const before = await tableCounts();
    const bad = [
      { code: 'BAD-1', name: 'x', latitude: 91, longitude: 0 },
      { code: 'BAD-1', name: 'x', latitude: 0, longitude: -180.5 },
      { code: 'BAD-1', name: 'x', latitude: Number.NaN, longitude: 0 },
      { code: 'bad-1', name: 'x', latitude: 0, longitude: 0 },
      { code: 'BAD-1', name: 'x', latitude: 0, longitude: 0, timezone: 'Mars/Olympus' },
      { code: 'BAD-1', name: '', latitude: 0, longitude: 0 },
      { code: 'BAD-1', name: 'x', latitude: 0, longitude: 0, capacity: -1 },
    ];
    for (const input of bad) {
      const error = await domainError(createWarehouse({ db: t.db, actor: admin }, input));
      expect(error.code, JSON.stringify(input)).toBe('VALIDATION_FAILED');
    }
    const latitude = await domainError(
      createWarehouse({ db: t.db, actor: admin }, bad[0] as (typeof bad)[0]),
    );
    expect(latitude.details.issues).toEqual([expect.objectContaining({ path: 'latitude' })]);
    const existing = (await listWarehouses(t.db))[0];
    const update = await domainError(
      updateWarehouse({ db: t.db, actor: admin }, { id: existing?.id ?? '', latitude: -90.1 }),
    );
    expect(update.code).toBe('VALIDATION_FAILED');
    const empty = await domainError(updateWarehouse({ db: t.db, actor: admin }, { id: existing?.id ?? '' }));
    expect(empty.code).toBe('VALIDATION_FAILED');
    expect(await tableCounts()).toEqual(before);
  });

  it('lets only admins manage warehouses', async () => {
    const before = await tableCounts();
    for (const actor of [staff, sellerA, buyer]) {
      const error = await domainError(
        createWarehouse({ db: t.db, actor: actor }, { code: 'NOPE-1', name: 'x', latitude: 0, longitude: 0 }),
      );
      expect(error.code).toBe('FORBIDDEN');
    }
    expect(await tableCounts()).toEqual(before);
  });

  it('answers NOT_FOUND for an unknown warehouse and VALIDATION_FAILED for a malformed id', async () => {
    expect((await domainError(getWarehouse(t.db, '00000000-0000-4000-8000-000000000000'))).code).toBe(
      'NOT_FOUND',
    );
    expect(
      (
        await domainError(
          updateWarehouse(
            { db: t.db, actor: admin },
            { id: '00000000-0000-4000-8000-000000000000', name: 'x' },
          ),
        )
      ).code,
    ).toBe('NOT_FOUND');
    expect((await domainError(getWarehouse(t.db, 'not-a-uuid'))).code).toBe('VALIDATION_FAILED');
  });

  it("joins the caller's transaction when given one", async () => {
    const before = await tableCounts();
    await expect(
      t.db.transaction().execute(async (trx) => {
        await createWarehouse(
          { db: trx, actor: admin },
          { code: 'TRX-1', name: 'Rolled back', latitude: 0, longitude: 0 },
        );
        throw new Error('roll back');
      }),
    ).rejects.toThrow('roll back');
    expect(await tableCounts()).toEqual(before);
  });
});

describe('products', () => {
  it('creates a product and writes product.created', async () => {
    const created = await createProduct(
      { db: t.db, actor: admin },
      product('PRD-1', 'Trail Running Shoes', {
        description: 'Light and grippy',
        category: 'Footwear',
        priceMinor: 12_999,
        currency: 'EUR',
      }),
    );
    expect(created).toMatchObject({
      sku: 'PRD-1',
      name: 'Trail Running Shoes',
      description: 'Light and grippy',
      category: 'Footwear',
      priceMinor: 12_999,
      currency: 'EUR',
      sellerId: null,
      active: true,
    });
    expect(created.createdAt).toMatch(ISO);
    expect((await eventsFor(created.id)).map((e) => e.type)).toEqual(['product.created']);
    const fetched = await getProduct(t.db, { sku: 'PRD-1' });
    expect(fetched).toMatchObject(created);
  });

  it('refuses a duplicate SKU and invalid fields and writes nothing', async () => {
    const before = await tableCounts();
    const duplicate = await domainError(createProduct({ db: t.db, actor: admin }, product('PRD-1', 'Again')));
    expect(duplicate.code).toBe('VALIDATION_FAILED');
    expect(duplicate.message).toMatch(/PRD-1 already exists/);
    const invalid: ProductInput[] = [
      product('PRD-2', ''),
      product('PRD-2', 'x'.repeat(201)),
      product('PRD-2', 'ok', { description: 'x'.repeat(5001) }),
      product('PRD-2', 'ok', { category: '' }),
      product('PRD-2', 'ok', { priceMinor: -1 }),
      product('PRD-2', 'ok', { priceMinor: 1.5 }),
      product('PRD-2', 'ok', { priceMinor: 10 ** 12 + 1 }),
      product('PRD-2', 'ok', { currency: 'usd' }),
      product('PRD-2', 'ok', { currency: 'EURO' }),
      product('bad sku!', 'ok'),
      product('PRD-2', 'ok', { sellerId: '00000000-0000-4000-8000-000000000000' }),
      // Found by an attacker review: not an ISO 4217 code; an owner who is not a seller.
      product('PRD-2', 'ok', { currency: 'XYZ' }),
      product('PRD-2', 'ok', { sellerId: buyer.kind === 'user' ? buyer.id : '' }),
      product('PRD-2', 'ok', { sellerId: admin.id }),
    ];
    for (const input of invalid) {
      const error = await domainError(createProduct({ db: t.db, actor: admin }, input));
      expect(error.code, JSON.stringify(input).slice(0, 120)).toBe('VALIDATION_FAILED');
    }
    expect(await tableCounts()).toEqual(before);
    await expect(
      createProduct({ db: t.db, actor: admin }, product('PRD-MAX', 'Max price', { priceMinor: 10 ** 12 })),
    ).resolves.toMatchObject({
      priceMinor: 10 ** 12,
    });
  });

  it('updates the given fields and writes product.updated', async () => {
    const before = await getProduct(t.db, { sku: 'PRD-1' });
    const updated = await updateProduct(
      { db: t.db, actor: admin },
      {
        sku: 'PRD-1',
        name: 'Trail Runner Pro',
        priceMinor: 14_999,
      },
    );
    expect(updated).toMatchObject({
      sku: 'PRD-1',
      name: 'Trail Runner Pro',
      priceMinor: 14_999,
      description: 'Light and grippy',
      currency: 'EUR',
    });
    expect(Date.parse(updated.updatedAt)).toBeGreaterThanOrEqual(Date.parse(before.updatedAt));
    const events = await eventsFor(updated.id);
    expect(events.map((e) => e.type)).toEqual(['product.created', 'product.updated']);
    expect(events[1]?.payload).toMatchObject({ changed: ['name', 'priceMinor'] });
    const found = await searchProducts(t.db, { query: 'trail runner pro' });
    expect(found.items[0]?.sku).toBe('PRD-1');
    expect(
      (await domainError(updateProduct({ db: t.db, actor: admin }, { sku: 'NOPE', name: 'x' }))).code,
    ).toBe('NOT_FOUND');
    expect((await domainError(updateProduct({ db: t.db, actor: admin }, { sku: 'PRD-1' }))).code).toBe(
      'VALIDATION_FAILED',
    );
    expect(
      (await domainError(updateProduct({ db: t.db, actor: admin }, { sku: 'PRD-1', currency: 'eur' }))).code,
    ).toBe('VALIDATION_FAILED');
    // An owner must be a seller's account; a seller's account is fine.
    const toStaff = updateProduct(
      { db: t.db, actor: admin },
      { sku: 'PRD-1', sellerId: (staff as { id: string }).id },
    );
    expect((await domainError(toStaff)).details).toMatchObject({ field: 'sellerId' });
    await expect(
      updateProduct({ db: t.db, actor: admin }, { sku: 'PRD-1', sellerId: sellerB.id }),
    ).resolves.toMatchObject({ sellerId: sellerB.id });
    await updateProduct({ db: t.db, actor: admin }, { sku: 'PRD-1', sellerId: null });
  });

  it('archives a product: kept and readable, no longer searchable, archived once', async () => {
    await createProduct({ db: t.db, actor: admin }, product('ARC-1', 'Vintage Typewriter Ribbon'));
    expect((await searchProducts(t.db, { query: 'typewriter ribbon' })).items.map((i) => i.sku)).toEqual([
      'ARC-1',
    ]);
    const archived = await archiveProduct({ db: t.db, actor: admin }, { sku: 'ARC-1' });
    expect(archived.active).toBe(false);
    expect((await searchProducts(t.db, { query: 'typewriter ribbon' })).items).toEqual([]);
    expect((await searchProducts(t.db, { query: 'ARC-1' })).items).toEqual([]);
    expect(
      (await searchProducts(t.db, { category: 'General', limit: 100 })).items.map((i) => i.sku),
    ).not.toContain('ARC-1');
    expect(await getProduct(t.db, { sku: 'ARC-1' })).toMatchObject({ sku: 'ARC-1', active: false });
    await archiveProduct({ db: t.db, actor: admin }, { sku: 'ARC-1' });
    expect((await eventsFor(archived.id)).map((e) => e.type)).toEqual([
      'product.created',
      'product.archived',
    ]);
  });

  it('lets a seller create, change and archive only their own products', async () => {
    const own = await createProduct({ db: t.db, actor: sellerA }, product('SELL-A1', 'Hand-thrown Mug'));
    expect(own.sellerId).toBe(sellerA.id);
    expect(
      (
        await domainError(
          createProduct({ db: t.db, actor: sellerA }, product('SELL-A2', 'Mug', { sellerId: sellerB.id })),
        )
      ).code,
    ).toBe('FORBIDDEN');
    await expect(
      updateProduct({ db: t.db, actor: sellerA }, { sku: 'SELL-A1', priceMinor: 2500 }),
    ).resolves.toMatchObject({
      priceMinor: 2500,
    });

    const countsBefore = await tableCounts();
    expect(
      (await domainError(updateProduct({ db: t.db, actor: sellerB }, { sku: 'SELL-A1', priceMinor: 1 })))
        .code,
    ).toBe('FORBIDDEN');
    expect((await domainError(archiveProduct({ db: t.db, actor: sellerB }, { sku: 'SELL-A1' }))).code).toBe(
      'FORBIDDEN',
    );
    expect(
      (
        await domainError(
          updateProduct({ db: t.db, actor: sellerA }, { sku: 'SELL-A1', sellerId: sellerB.id }),
        )
      ).code,
    ).toBe('FORBIDDEN');
    // A product without a seller belongs to the house, not to any seller.
    expect(
      (await domainError(updateProduct({ db: t.db, actor: sellerA }, { sku: 'PRD-1', name: 'Mine now' })))
        .code,
    ).toBe('FORBIDDEN');
    for (const actor of [staff, buyer]) {
      expect(
        (await domainError(createProduct({ db: t.db, actor: actor }, product('NOPE-1', 'x')))).code,
      ).toBe('FORBIDDEN');
      expect(
        (await domainError(updateProduct({ db: t.db, actor: actor }, { sku: 'SELL-A1', name: 'x' }))).code,
      ).toBe('FORBIDDEN');
    }
    expect(await tableCounts()).toEqual(countsBefore);
    expect(await getProduct(t.db, { sku: 'SELL-A1' })).toMatchObject({
      priceMinor: 2500,
      active: true,
      sellerId: sellerA.id,
    });

    // Admins may change anyone's product, including who owns it.
    await expect(
      updateProduct({ db: t.db, actor: admin }, { sku: 'SELL-A1', sellerId: sellerB.id }),
    ).resolves.toMatchObject({
      sellerId: sellerB.id,
    });
    await expect(archiveProduct({ db: t.db, actor: sellerB }, { sku: 'SELL-A1' })).resolves.toMatchObject({
      active: false,
    });
  });

  it('returns stock per warehouse and totals that are their sums', async () => {
    const w1 = await createWarehouse(
      { db: t.db, actor: admin },
      {
        code: 'STK-1',
        name: 'Stock one',
        latitude: 0,
        longitude: 0,
        priority: 1,
      },
    );
    const w2 = await createWarehouse(
      { db: t.db, actor: admin },
      {
        code: 'STK-2',
        name: 'Stock two',
        latitude: 0,
        longitude: 1,
        priority: 2,
      },
    );
    const w3 = await createWarehouse(
      { db: t.db, actor: admin },
      {
        code: 'STK-3',
        name: 'Stock three',
        latitude: 0,
        longitude: 2,
        priority: 3,
      },
    );
    const item = await createProduct({ db: t.db, actor: admin }, product('STK-ITEM', 'Stocked Item'));
    await t.db
      .insertInto('stockLevels')
      .values([
        { warehouseId: w1.id, productId: item.id, onHand: 10, reserved: 4, safetyStock: 2 },
        { warehouseId: w2.id, productId: item.id, onHand: 7, reserved: 0, version: 5 },
        { warehouseId: w3.id, productId: item.id, onHand: 3, reserved: 3 },
      ])
      .execute();
    const detail = await getProduct(t.db, { sku: 'STK-ITEM' });
    expect(detail.stock.perWarehouse).toEqual([
      expect.objectContaining({
        warehouseId: w1.id,
        sku: 'STK-ITEM',
        onHand: 10,
        reserved: 4,
        available: 6,
        safetyStock: 2,
        version: 1,
      }),
      expect.objectContaining({
        warehouseId: w2.id,
        sku: 'STK-ITEM',
        onHand: 7,
        reserved: 0,
        available: 7,
        version: 5,
      }),
      expect.objectContaining({ warehouseId: w3.id, sku: 'STK-ITEM', onHand: 3, reserved: 3, available: 0 }),
    ]);
    expect(detail.stock.perWarehouse[0]?.updatedAt).toMatch(ISO);
    const sum = (key: 'onHand' | 'reserved' | 'available') =>
      detail.stock.perWarehouse.reduce((total, level) => total + level[key], 0);
    expect(detail.stock.total).toEqual({ onHand: 20, reserved: 7, available: 13 });
    expect(detail.stock.total).toEqual({
      onHand: sum('onHand'),
      reserved: sum('reserved'),
      available: sum('available'),
    });

    const empty = await getProduct(t.db, { sku: 'PRD-1' });
    expect(empty.stock).toEqual({ total: { onHand: 0, reserved: 0, available: 0 }, perWarehouse: [] });
    expect((await domainError(getProduct(t.db, { sku: 'NO-SUCH-SKU' }))).code).toBe('NOT_FOUND');
  });
});

describe('search', () => {
  let north: string;
  let south: string;

  beforeAll(async () => {
    north = (
      await createWarehouse(
        { db: t.db, actor: admin },
        { code: 'SRCH-N', name: 'North', latitude: 60, longitude: 10 },
      )
    ).id;
    south = (
      await createWarehouse(
        { db: t.db, actor: admin },
        { code: 'SRCH-S', name: 'South', latitude: -30, longitude: 10 },
      )
    ).id;
    const catalogue: ProductInput[] = [
      product('HP-100', 'Wireless Noise-Cancelling Headphones', {
        category: 'Audio',
        description: 'Over-ear, 30 hours',
      }),
      product('HP-200', 'Headphone Stand', { category: 'Accessories', description: 'Holds any headphones' }),
      product('SP-100', 'Portable Bluetooth Speaker', {
        category: 'Audio',
        description: 'Sounds great, pairs with headphones too',
      }),
      product('KT-100', 'Electric Kettle', { category: 'Kitchen', description: 'Boils water fast' }),
      product('KT-200', 'Cast Iron Skillet', { category: 'Kitchen', description: 'Seasoned, not a kettle' }),
    ];
    for (let i = 1; i <= 45; i++) {
      catalogue.push(
        product(`CBL-${String(i).padStart(3, '0')}`, `Cable Organizer ${String(i).padStart(2, '0')}`, {
          category: 'Cables',
        }),
      );
    }
    for (const input of catalogue) await createProduct({ db: t.db, actor: admin }, input);
    const id = async (sku: string) => (await getProduct(t.db, { sku })).id;
    await t.db
      .insertInto('stockLevels')
      .values([
        { warehouseId: north, productId: await id('HP-100'), onHand: 10, reserved: 3 },
        { warehouseId: south, productId: await id('HP-100'), onHand: 5, reserved: 1 },
        { warehouseId: south, productId: await id('HP-200'), onHand: 8, reserved: 0 },
        { warehouseId: north, productId: await id('KT-100'), onHand: 2, reserved: 2 },
      ])
      .execute();
  });

  const skus = (page: { items: { sku: string }[] }) => page.items.map((item) => item.sku);

  async function walk(input: { query?: string; category?: string; limit: number }) {
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await searchProducts(t.db, { ...input, cursor });
      expect(page.items.length).toBeLessThanOrEqual(input.limit);
      seen.push(...skus(page));
      cursor = page.nextCursor ?? undefined;
      pages++;
      expect(pages).toBeLessThan(100);
    } while (cursor);
    return { seen, pages };
  }

  it('finds an exact word, ranking the best match first', async () => {
    expect(skus(await searchProducts(t.db, { query: 'kettle' }))[0]).toBe('KT-100');
    const headphones = skus(await searchProducts(t.db, { query: 'headphones' }));
    expect(headphones.slice(0, 3)).toEqual(['HP-100', 'HP-200', 'SP-100']);
    // The same order holds when the ranking spans pages.
    const { seen } = await walk({ query: 'headphones', limit: 1 });
    expect(seen.slice(0, 3)).toEqual(['HP-100', 'HP-200', 'SP-100']);
  });

  it('forgives a misspelled word', async () => {
    expect(skus(await searchProducts(t.db, { query: 'hedphones' }))[0]).toBe('HP-100');
    expect(skus(await searchProducts(t.db, { query: 'Wireless hedphones' }))[0]).toBe('HP-100');
    expect(skus(await searchProducts(t.db, { query: 'ketle' }))[0]).toBe('KT-100');
  });

  it('matches a partial word', async () => {
    expect(
      skus(await searchProducts(t.db, { query: 'headph' }))
        .slice(0, 2)
        .sort(),
    ).toEqual(['HP-100', 'HP-200']);
    expect(skus(await searchProducts(t.db, { query: 'skill' }))[0]).toBe('KT-200');
  });

  it('finds by SKU, exact or prefix, in any case', async () => {
    expect(skus(await searchProducts(t.db, { query: 'hp-200' }))[0]).toBe('HP-200');
    expect(
      skus(await searchProducts(t.db, { query: 'KT-' }))
        .slice(0, 2)
        .sort(),
    ).toEqual(['KT-100', 'KT-200']);
    expect(
      skus(await searchProducts(t.db, { query: 'CBL-04' }))
        .slice(0, 6)
        .sort(),
    ).toEqual(['CBL-040', 'CBL-041', 'CBL-042', 'CBL-043', 'CBL-044', 'CBL-045']);
  });

  it('finds nothing for a word nothing resembles, and treats wildcards literally', async () => {
    expect((await searchProducts(t.db, { query: 'xylophone' })).items).toEqual([]);
    expect((await searchProducts(t.db, { query: '%' })).items).toEqual([]);
    // `_` is a LIKE wildcard: unescaped, "HP_1" would match the SKU prefix of HP-100.
    expect((await searchProducts(t.db, { query: 'HP_1' })).items).toEqual([]);
    expect(skus(await searchProducts(t.db, { query: 'HP-1' }))[0]).toBe('HP-100');
  });

  it('filters by category', async () => {
    const kitchen = await searchProducts(t.db, { category: 'Kitchen' });
    expect(skus(kitchen)).toEqual(['KT-200', 'KT-100']); // by name: Cast Iron…, Electric…
    expect(skus(await searchProducts(t.db, { category: 'Audio', query: 'headphones' }))).toEqual([
      'HP-100',
      'SP-100',
    ]);
    expect((await searchProducts(t.db, { category: 'Nothing here' })).items).toEqual([]);
  });

  it('filters by warehouse and reports that warehouse’s figures, else totals', async () => {
    const all = await searchProducts(t.db, { query: 'headphones' });
    expect(all.items.find((i) => i.sku === 'HP-100')).toMatchObject({
      onHand: 15,
      reserved: 4,
      available: 11,
    });
    expect(all.items.find((i) => i.sku === 'SP-100')).toMatchObject({ onHand: 0, reserved: 0, available: 0 });

    const atNorth = await searchProducts(t.db, { query: 'headphones', warehouseId: north });
    expect(atNorth.items).toEqual([
      expect.objectContaining({
        sku: 'HP-100',
        onHand: 10,
        reserved: 3,
        available: 7,
        priceMinor: 1000,
        currency: 'USD',
      }),
    ]);
    const atSouth = await searchProducts(t.db, { warehouseId: south });
    expect(atSouth.items).toEqual([
      expect.objectContaining({ sku: 'HP-200', onHand: 8, reserved: 0, available: 8 }),
      expect.objectContaining({ sku: 'HP-100', onHand: 5, reserved: 1, available: 4 }),
    ]);
    expect(skus(await searchProducts(t.db, { warehouseId: north, category: 'Kitchen' }))).toEqual(['KT-100']);
  });

  it('returns the DTO shape and nothing more', async () => {
    const hit = (await searchProducts(t.db, { query: 'HP-100' })).items[0];
    expect(Object.keys(hit ?? {}).sort()).toEqual(
      ['available', 'category', 'currency', 'id', 'name', 'onHand', 'priceMinor', 'reserved', 'sku'].sort(),
    );
  });

  it('walks every ranked result exactly once with the cursor, ties included', async () => {
    const everything = await searchProducts(t.db, { query: 'cable organizer', limit: 100 });
    expect(everything.nextCursor).toBeNull();
    expect(everything.items.length).toBeGreaterThanOrEqual(45);
    const { seen, pages } = await walk({ query: 'cable organizer', limit: 7 });
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen).toEqual(skus(everything));
    expect(pages).toBe(Math.ceil(everything.items.length / 7));
  });

  it('walks the whole catalogue by name with the cursor', async () => {
    const { seen } = await walk({ limit: 6 });
    const active = await t.db
      .selectFrom('products')
      .select(['sku', 'name'])
      .where('active', '=', true)
      .execute();
    expect(new Set(seen).size).toBe(seen.length);
    expect([...seen].sort()).toEqual(active.map((p) => p.sku).sort());
    const cables = await walk({ category: 'Cables', limit: 10 });
    expect(cables.seen).toEqual(
      Array.from({ length: 45 }, (_, i) => `CBL-${String(i + 1).padStart(3, '0')}`),
    );
    const blank = await searchProducts(t.db, { query: '   ', category: 'Kitchen' });
    expect(skus(blank)).toEqual(['KT-200', 'KT-100']);
  });

  it('pages by 20 by default and refuses bad limits and cursors', async () => {
    const first = await searchProducts(t.db, { category: 'Cables' });
    expect(first.items).toHaveLength(20);
    expect(first.nextCursor).toEqual(expect.any(String));
    for (const input of [
      { limit: 0 },
      { limit: 101 },
      { limit: 2.5 },
      { cursor: 'garbage' },
      { warehouseId: 'nope' },
    ]) {
      expect((await domainError(searchProducts(t.db, input))).code, JSON.stringify(input)).toBe(
        'VALIDATION_FAILED',
      );
    }
    // A cursor from an unranked listing cannot be replayed against a ranked one.
    expect(
      (await domainError(searchProducts(t.db, { query: 'cable', cursor: first.nextCursor ?? '' }))).code,
    ).toBe('VALIDATION_FAILED');
  });
});
