/**
 * Admin rights cannot run out: an admin cannot demote or disable themselves, and
 * no change — not even two admins demoting each other at the same moment — leaves
 * the system without an active admin. A refused change changes nothing.
 */
import { createTestDatabase, type TestDatabase } from '@stockroom/db/testing';
import { sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type Actor, createProduct, createUser, updateProduct, updateUser } from '../src/index.js';
import { admin, outcome } from './factories.js';

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(async () => {
  await t.destroy();
});

let n = 0;
async function newAdmin(): Promise<Actor & { id: string }> {
  const created = await createUser(
    { db: t.db, actor: admin },
    { email: `a${++n}@users.test`, name: 'Admin', password: 'a long enough passphrase 42', role: 'admin' },
  );
  return { kind: 'user', id: created.id, role: 'admin', warehouseIds: [] };
}

const activeAdmins = async () =>
  (
    await sql<{ id: string }>`select id from users where role = 'admin' and active order by id`.execute(t.db)
  ).rows.map((r) => r.id);

it('an admin cannot demote or disable themselves; another admin can', async () => {
  const a = await newAdmin();
  const b = await newAdmin();
  for (const change of [{ role: 'buyer' as const }, { role: 'staff' as const }, { active: false }]) {
    // An upper-case id names the same row (PostgreSQL ignores the case): refused too.
    for (const id of [a.id, a.id.toUpperCase()]) {
      expect(await outcome(updateUser({ db: t.db, actor: a }, { id, ...change }))).toBe('VALIDATION_FAILED');
    }
  }
  expect(await activeAdmins()).toContain(a.id);
  // Renaming oneself is fine.
  expect(await outcome(updateUser({ db: t.db, actor: a }, { id: a.id, name: 'Still Admin' }))).toBe('ok');
  expect(await outcome(updateUser({ db: t.db, actor: b }, { id: a.id, role: 'staff' }))).toBe('ok');
  expect(await activeAdmins()).not.toContain(a.id);
});

it('two admins demoting each other at once: one wins, one active admin remains', async () => {
  // Leave exactly two active admins.
  await sql`update users set active = false where role = 'admin'`.execute(t.db);
  const a = await newAdmin();
  const b = await newAdmin();
  expect(await activeAdmins()).toEqual([a.id, b.id].sort());
  const results = await Promise.all([
    outcome(updateUser({ db: t.db, actor: a }, { id: b.id, active: false })),
    outcome(updateUser({ db: t.db, actor: b }, { id: a.id, role: 'buyer' })),
  ]);
  expect(results.sort()).toEqual(['VALIDATION_FAILED', 'ok']);
  expect(await activeAdmins()).toHaveLength(1);
  // The last one cannot be taken away by anyone (here: an operator-like actor that is not a user row).
  const [last] = await activeAdmins();
  for (const id of [last as string, (last as string).toUpperCase()]) {
    expect(await outcome(updateUser({ db: t.db, actor: admin }, { id, active: false }))).toBe(
      'VALIDATION_FAILED',
    );
  }
  expect(await activeAdmins()).toEqual([last]);
});

it('a seller who owns products keeps the role until the products have another owner', async () => {
  const sellerOf = async (email: string) =>
    (
      await createUser(
        { db: t.db, actor: admin },
        { email, name: 'Seller', password: 'a long enough passphrase 42', role: 'seller' },
      )
    ).id;
  const first = await sellerOf(`s${++n}@users.test`);
  const second = await sellerOf(`s${++n}@users.test`);
  const sku = `OWN-${n}`;
  const ctx = { db: t.db, actor: admin };
  await createProduct(ctx, {
    sku,
    name: 'Owned',
    category: 'General',
    priceMinor: 100,
    currency: 'USD',
    sellerId: first,
  });
  expect(await outcome(updateUser(ctx, { id: first, role: 'buyer' }))).toBe('VALIDATION_FAILED');
  expect(
    (await sql<{ role: string }>`select role from users where id = ${first}`.execute(t.db)).rows[0]?.role,
  ).toBe('seller');
  await updateProduct(ctx, { sku, sellerId: second });
  expect(await outcome(updateUser(ctx, { id: first, role: 'buyer' }))).toBe('ok');
});
