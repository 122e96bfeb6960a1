/**
 * Service tokens as a managed resource, against real PostgreSQL: the secret's
 * shape and storage (hash only), scopes and warehouses on the actor, refusal
 * of revoked / expired / rotated-past-grace tokens, last use written at most
 * once a minute, lists without secrets, admin-only management; a token limited
 * to one warehouse reserves only there (pinned elsewhere: FORBIDDEN, nothing
 * moves; open lines allocated among its warehouses only, in both the direct
 * and the coalesced path); the first admin created once under concurrency;
 * the demo credentials refused when the process says so.
 */
import { DEMO_PASSWORD, DEMO_SERVICE_TOKEN, hashToken, seedDemo } from '@stockroom/db';
import { createTestDatabase, type TestDatabase } from '@stockroom/db/testing';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Actor,
  authenticate,
  authenticateServiceToken,
  createReservation,
  createServiceToken,
  ensureFirstAdmin,
  findDemoCredentials,
  listServiceTokens,
  ReservationCoalescer,
  refuseDemoCredentials,
  revokeServiceToken,
  rotateServiceToken,
  SYSTEM_CLI,
} from './core.js';
import {
  admin,
  ledgerOf,
  levelOf,
  makeProduct,
  makeWarehouse,
  outcome,
  service,
  stock,
} from './factories.js';

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase({ max: 30 });
});
afterAll(() => t.destroy());

const ctx = (actor: Actor = admin) => ({ db: t.db, actor });
let n = 0;
const name = (prefix: string) => `${prefix}-${++n}-${Date.now().toString(36)}`;

async function movementsCount() {
  const row = await sql<{ n: number }>`select count(*)::int as n from stock_movements`.execute(t.db);
  return row.rows[0]?.n ?? 0;
}

describe('create, list, authenticate', () => {
  it('issues an sr_live_ secret once, stores only its hash, and lists no secret', async () => {
    const w = await makeWarehouse(t.db);
    const created = await createServiceToken(ctx(), {
      name: name('checkout'),
      scopes: ['reservations', 'stock:read'],
      warehouseIds: [w.id],
    });
    const token = created.token as string;
    expect(token).toMatch(/^sr_live_[A-Za-z0-9_-]{43}$/);
    expect(created.prefix).toBe(token.slice(0, 12));
    expect(created).toMatchObject({
      scopes: ['stock:read', 'reservations'],
      warehouseIds: [w.id],
      status: 'active',
    });

    const row = await t.db
      .selectFrom('serviceTokens')
      .selectAll()
      .where('id', '=', created.id)
      .executeTakeFirstOrThrow();
    expect(row.tokenHash).toBe(hashToken(token));
    expect(JSON.stringify(row)).not.toContain(token);

    const page = await listServiceTokens(t.db, admin, { limit: 100 });
    const listed = page.items.find((i) => i.id === created.id);
    expect(listed).toMatchObject({ prefix: created.prefix, lastUsedAt: null });
    expect(JSON.stringify(page)).not.toContain(token);
    expect(JSON.stringify(page)).not.toContain(row.tokenHash);
    expect(Object.keys(listed ?? {})).not.toContain('token');

    const actor = await authenticateServiceToken(t.db, token);
    expect(actor).toEqual({
      kind: 'service',
      id: created.id,
      name: created.name,
      scopes: ['stock:read', 'reservations'],
      warehouseIds: [w.id],
    });
  });

  it('pages through tokens created in the same millisecond without skipping any (cursor keeps microseconds)', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 5; i++)
      ids.push((await createServiceToken(ctx(), { name: name(`ms-${i}`), scopes: ['orders'] })).id);
    // Same millisecond, different microseconds (what a burst of creates produced).
    for (const [i, id] of ids.entries()) {
      await sql`update service_tokens set created_at = ${`2030-01-01 00:00:00.123${i}00+00`}::timestamptz where id = ${id}`.execute(
        t.db,
      );
    }
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await listServiceTokens(t.db, admin, { limit: 1, ...(cursor ? { cursor } : {}) });
      seen.push(...page.items.map((i) => i.id));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    for (const id of ids) expect(seen).toContain(id);
    expect(new Set(seen).size).toBe(seen.length);
  });
  it('records the last use, at most once a minute (no write per request)', async () => {
    const { token, id } = await createServiceToken(ctx(), { name: name('used'), scopes: ['orders'] });
    const lastUsed = async () =>
      (
        await t.db
          .selectFrom('serviceTokens')
          .select('lastUsedAt')
          .where('id', '=', id)
          .executeTakeFirstOrThrow()
      ).lastUsedAt;
    expect(await lastUsed()).toBeNull();
    await authenticateServiceToken(t.db, token as string);
    const first = await lastUsed();
    expect(first).toBeInstanceOf(Date);
    for (let i = 0; i < 5; i++) await authenticateServiceToken(t.db, token as string);
    expect(await lastUsed()).toEqual(first);
    // A minute later (moved back in the database), the next use writes again.
    await t.db
      .updateTable('serviceTokens')
      .set({ lastUsedAt: sql`now() - interval '61 seconds'` })
      .where('id', '=', id)
      .execute();
    await authenticateServiceToken(t.db, token as string);
    expect((await lastUsed())?.getTime()).toBeGreaterThan((first as Date).getTime() - 61_000);
    const listed = (await listServiceTokens(t.db, admin, { limit: 100 })).items.find((i) => i.id === id);
    expect(listed?.lastUsedAt).not.toBeNull();
  });

  it('refuses revoked and expired tokens, and names that are taken', async () => {
    const taken = name('dup');
    const a = await createServiceToken(ctx(), { name: taken, scopes: ['orders'] });
    expect(await outcome(createServiceToken(ctx(), { name: taken, scopes: ['orders'] }))).toBe(
      'VALIDATION_FAILED',
    );
    await revokeServiceToken(ctx(), { id: a.id });
    expect(await authenticateServiceToken(t.db, a.token as string)).toBeUndefined();
    // A revoked name can be used again; revoking twice is a no-op.
    await createServiceToken(ctx(), { name: taken, scopes: ['orders'] });
    expect((await revokeServiceToken(ctx(), { id: a.id })).status).toBe('revoked');

    const b = await createServiceToken(ctx(), {
      name: name('expiring'),
      scopes: ['orders'],
      expiresAt: new Date(Date.now() + 3600_000).toISOString(),
    });
    expect(await authenticateServiceToken(t.db, b.token as string)).toBeDefined();
    await t.db
      .updateTable('serviceTokens')
      .set({ expiresAt: sql`now() - interval '1 second'` })
      .where('id', '=', b.id)
      .execute();
    expect(await authenticateServiceToken(t.db, b.token as string)).toBeUndefined();
    expect(
      await outcome(
        createServiceToken(ctx(), {
          name: name('past'),
          scopes: ['orders'],
          expiresAt: '2020-01-01T00:00:00Z',
        }),
      ),
    ).toBe('VALIDATION_FAILED');
  });

  it('is for admins (and the operator CLI) only', async () => {
    const staff: Actor = {
      kind: 'user',
      id: '00000000-0000-4000-8000-000000000003',
      role: 'staff',
      warehouseIds: [],
    };
    expect(await outcome(createServiceToken(ctx(staff), { name: name('x'), scopes: ['orders'] }))).toBe(
      'FORBIDDEN',
    );
    expect(await outcome(createServiceToken(ctx(service), { name: name('x'), scopes: ['orders'] }))).toBe(
      'FORBIDDEN',
    );
    expect(await outcome(listServiceTokens(t.db, service, {}))).toBe('FORBIDDEN');
    expect(
      await outcome(createServiceToken(ctx(SYSTEM_CLI), { name: name('cli'), scopes: ['orders'] })),
    ).toBe('ok');
  });
});

describe('rotate', () => {
  it('keeps the old secret until the grace ends; the new one works at once', async () => {
    const created = await createServiceToken(ctx(), { name: name('rotating'), scopes: ['payments'] });
    const rotated = await rotateServiceToken(ctx(), { id: created.id });
    const [oldToken, newToken] = [created.token as string, rotated.token as string];
    expect(newToken).not.toBe(oldToken);
    expect(rotated.prefix).toBe(newToken.slice(0, 12));
    // Default grace: 24 hours.
    const grace =
      new Date(rotated.previousValidUntil as string).getTime() -
      new Date(rotated.rotatedAt as string).getTime();
    expect(grace).toBe(86_400_000);
    expect((await authenticateServiceToken(t.db, oldToken))?.kind).toBe('service');
    expect((await authenticateServiceToken(t.db, newToken))?.kind).toBe('service');

    // The grace ends (moved into the past in the database): the old secret is refused.
    await t.db
      .updateTable('serviceTokens')
      .set({ previousValidUntil: sql`now() - interval '1 second'` })
      .where('id', '=', created.id)
      .execute();
    expect(await authenticateServiceToken(t.db, oldToken)).toBeUndefined();
    expect((await authenticateServiceToken(t.db, newToken))?.kind).toBe('service');
  });

  it('with graceSeconds 0 refuses the old secret at once; a second rotation ends the first grace', async () => {
    const created = await createServiceToken(ctx(), { name: name('rot0'), scopes: ['payments'] });
    const second = await rotateServiceToken(ctx(), { id: created.id, graceSeconds: 0 });
    expect(await authenticateServiceToken(t.db, created.token as string)).toBeUndefined();
    const third = await rotateServiceToken(ctx(), { id: created.id, graceSeconds: 3600 });
    expect(await authenticateServiceToken(t.db, second.token as string)).toBeDefined();
    await rotateServiceToken(ctx(), { id: created.id });
    expect(await authenticateServiceToken(t.db, second.token as string)).toBeUndefined();
    expect(await authenticateServiceToken(t.db, third.token as string)).toBeDefined();
  });

  it('refuses a revoked token, bad graceSeconds, and revocation ends the grace too', async () => {
    const created = await createServiceToken(ctx(), { name: name('rotrev'), scopes: ['payments'] });
    expect(await outcome(rotateServiceToken(ctx(), { id: created.id, graceSeconds: -1 }))).toBe(
      'VALIDATION_FAILED',
    );
    expect(await outcome(rotateServiceToken(ctx(), { id: created.id, graceSeconds: 8 * 86400 }))).toBe(
      'VALIDATION_FAILED',
    );
    await rotateServiceToken(ctx(), { id: created.id });
    await revokeServiceToken(ctx(), { id: created.id });
    expect(await authenticateServiceToken(t.db, created.token as string)).toBeUndefined();
    expect(await outcome(rotateServiceToken(ctx(), { id: created.id }))).toBe('INVALID_TRANSITION');
  });

  it('an idempotent replay does not show the secret again', async () => {
    const scope = { principal: 'user:test', procedure: 'serviceTokens.create', key: name('key') };
    const input = { name: name('idem'), scopes: ['orders' as const] };
    const first = await createServiceToken({ ...ctx(), idempotency: scope }, input);
    const again = await createServiceToken({ ...ctx(), idempotency: scope }, input);
    expect(first.token).toMatch(/^sr_live_/);
    expect(again).toEqual({ ...first, token: null });
    const stored = await t.db
      .selectFrom('idempotencyRecords')
      .select('response')
      .where('key', '=', scope.key)
      .executeTakeFirstOrThrow();
    expect(JSON.stringify(stored.response)).not.toContain(first.token as string);
  });
});

describe('a token limited to one warehouse', () => {
  async function setup() {
    // B is nearer the customer and has more stock: the allocator would pick it for anyone else.
    const a = await makeWarehouse(t.db, { latitude: 40.7, longitude: -74, priority: 50 });
    const b = await makeWarehouse(t.db, { latitude: 32.9, longitude: -97, priority: 10 });
    const p = await makeProduct(t.db);
    await stock(t.db, a.id, p.sku, 5);
    await stock(t.db, b.id, p.sku, 50);
    const { token } = await createServiceToken(ctx(), {
      name: name('nyc-only'),
      scopes: ['reservations'],
      warehouseIds: [a.id],
    });
    const actor = (await authenticateServiceToken(t.db, token as string)) as Actor;
    return { a, b, p, actor };
  }

  for (const path of ['direct', 'coalesced'] as const) {
    it(`${path}: reserves only at its warehouse; another one is FORBIDDEN and nothing moves`, async () => {
      const { a, b, p, actor } = await setup();
      const coalescer = new ReservationCoalescer(t.db, {});
      const reserve = (input: Parameters<typeof createReservation>[1]) =>
        path === 'direct' ? createReservation(ctx(actor), input) : coalescer.reserve(ctx(actor), input);
      const near = { latitude: 32.9, longitude: -97 };
      try {
        const before = { b: await levelOf(t.db, b.id, p.id), movements: await movementsCount() };
        expect(await outcome(reserve({ lines: [{ sku: p.sku, quantity: 1, warehouseId: b.id }] }))).toBe(
          'FORBIDDEN',
        );
        expect(
          await outcome(
            reserve({
              lines: [
                { sku: p.sku, quantity: 1, warehouseId: a.id },
                { sku: p.sku, quantity: 1, warehouseId: b.id },
              ],
            }),
          ),
        ).toBe('FORBIDDEN');
        expect(await movementsCount()).toBe(before.movements);

        // Open lines: allocated at A although B is nearer, has more stock and a better priority.
        const held = await reserve({
          lines: [{ sku: p.sku, quantity: 3 }],
          shipTo: near,
          strategy: 'nearest',
        });
        expect(held.lines).toEqual([{ sku: p.sku, warehouseId: a.id, quantity: 3 }]);
        // More than A holds is a shortage, never a spill into B.
        expect(await outcome(reserve({ lines: [{ sku: p.sku, quantity: 3 }], shipTo: near }))).toBe(
          'INSUFFICIENT_STOCK',
        );

        const after = await levelOf(t.db, b.id, p.id);
        expect(after).toEqual(before.b);
        expect(await ledgerOf(t.db, b.id, p.id)).toEqual({ onHand: 50, reserved: 0 });
        expect(await levelOf(t.db, a.id, p.id)).toMatchObject({ onHand: 5, reserved: 3 });
        expect(await ledgerOf(t.db, a.id, p.id)).toEqual({ onHand: 5, reserved: 3 });
      } finally {
        await coalescer.close();
      }
    });
  }
});

describe('first admin', () => {
  it('is created once when ten processes start together, and never overwritten', async () => {
    const db = await createTestDatabase({ max: 20 });
    try {
      const outcomes = await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          ensureFirstAdmin(db.db, { email: `ops${i}@example.com`, password: 'a long admin password' }),
        ),
      );
      expect(outcomes.filter((o) => o.created)).toHaveLength(1);
      const admins = await db.db
        .selectFrom('users')
        .select(['email', 'passwordHash'])
        .where('role', '=', 'admin')
        .execute();
      expect(admins).toHaveLength(1);
      const again = await ensureFirstAdmin(db.db, {
        email: admins[0]?.email as string,
        password: 'another password!!',
      });
      expect(again.created).toBe(false);
      const after = await db.db
        .selectFrom('users')
        .select('passwordHash')
        .where('role', '=', 'admin')
        .execute();
      expect(after.map((a) => a.passwordHash)).toEqual(admins.map((a) => a.passwordHash));
    } finally {
      await db.destroy();
    }
  });
});

describe('demo credentials', () => {
  it('work by default and are refused once the process refuses them', async () => {
    await seedDemo(t.db);
    try {
      expect(await authenticateServiceToken(t.db, DEMO_SERVICE_TOKEN)).toMatchObject({
        scopes: ['stock:read', 'stock:write', 'reservations', 'orders', 'payments'],
        warehouseIds: null,
      });
      expect(await authenticate(t.db, 'admin@example.com', DEMO_PASSWORD)).toBeDefined();
      expect(await findDemoCredentials(t.db)).toContain(DEMO_SERVICE_TOKEN);
      refuseDemoCredentials(true);
      expect(await authenticateServiceToken(t.db, DEMO_SERVICE_TOKEN)).toBeUndefined();
      expect(await authenticate(t.db, 'admin@example.com', DEMO_PASSWORD)).toBeUndefined();
      expect(await authenticate(t.db, ' ADMIN@example.com', DEMO_PASSWORD)).toBeUndefined();
    } finally {
      refuseDemoCredentials(false);
    }
  });
});
