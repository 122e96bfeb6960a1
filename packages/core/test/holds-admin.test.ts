/**
 * Staff looking after holds: listing (who sees what, filters, pages newest
 * first), releasing a stuck hold with a reason that lands in the ledger, and a
 * buyer leaving the waitlist (an offered entry gives its units back).
 */
import { createTestDatabase, type TestDatabase } from '@stockroom/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Actor,
  createReservation,
  joinWaitlist,
  leaveWaitlist,
  listReservations,
  listWaitlist,
  releaseReservation,
  startCheckout,
  verifyLedger,
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

const ctx = (actor: Actor = service) => ({ db: t.db, actor });

async function makeUser(role: 'buyer' | 'staff', warehouseIds: string[] = []): Promise<Actor> {
  const row = await t.db
    .insertInto('users')
    .values({ email: `${crypto.randomUUID()}@${role}.test`, name: role, passwordHash: 'x', role })
    .returning('id')
    .executeTakeFirstOrThrow();
  return { kind: 'user', id: row.id, role, warehouseIds };
}

const movementsOf = (reference: string) =>
  t.db
    .selectFrom('stockMovements')
    .select(['kind', 'reservedDelta', 'reason', 'actor'])
    .where('reference', '=', reference)
    .orderBy('id')
    .execute();

describe('reservations.list', () => {
  it('staff see holds with a line at their warehouses, admins all, a limited token its own; newest first', async () => {
    const a = await makeWarehouse(t.db);
    const b = await makeWarehouse(t.db);
    const p = await makeProduct(t.db);
    await stock(t.db, a.id, p.sku, 10);
    await stock(t.db, b.id, p.sku, 10);
    const buyer = await makeUser('buyer');
    const atA = await createReservation(ctx(buyer), {
      lines: [{ sku: p.sku, quantity: 1, warehouseId: a.id }],
      reference: 'at-a',
    });
    const atB = await createReservation(ctx(), {
      lines: [{ sku: p.sku, quantity: 2, warehouseId: b.id }],
      reference: 'at-b',
    });
    const both = await createReservation(ctx(), {
      lines: [
        { sku: p.sku, quantity: 1, warehouseId: a.id },
        { sku: p.sku, quantity: 1, warehouseId: b.id },
      ],
    });
    const staffA = await makeUser('staff', [a.id]);
    const ids = async (actor: Actor, input = {}) =>
      (await listReservations(t.db, actor, { sku: p.sku, ...input })).items.map((r) => r.id);

    expect(await ids(staffA)).toEqual([both.id, atA.id]);
    expect(await ids(admin)).toEqual([both.id, atB.id, atA.id]);
    const limited: Actor = { ...(service as Extract<Actor, { kind: 'service' }>), warehouseIds: [b.id] };
    expect(await ids(limited)).toEqual([both.id, atB.id]);
    expect(await ids(await makeUser('staff', []))).toEqual([]);
    expect(await outcome(listReservations(t.db, buyer, {}))).toBe('FORBIDDEN');

    // Filters.
    expect(await ids(admin, { warehouseId: b.id })).toEqual([both.id, atB.id]);
    expect(await ids(admin, { reference: 'at-a' })).toEqual([atA.id]);
    await releaseReservation(ctx(), { id: atB.id });
    expect(await ids(admin, { status: 'pending' })).toEqual([both.id, atA.id]);
    expect(await ids(admin, { status: 'released' })).toEqual([atB.id]);

    // The owner: the buyer's email; a service's hold names the service.
    const page = await listReservations(t.db, admin, { sku: p.sku });
    const owner = (id: string) => page.items.find((r) => r.id === id)?.owner;
    expect(owner(atA.id)).toMatchObject({ kind: 'user', userId: (buyer as { id: string }).id });
    expect(owner(atA.id)?.email).toMatch(/@buyer\.test$/);
    expect(owner(atB.id)).toMatchObject({ kind: 'service', email: null });
    expect(page.items.find((r) => r.id === both.id)?.lines).toHaveLength(2);
  });

  it('pages newest first with no row twice or missed', async () => {
    const w = await makeWarehouse(t.db);
    const p = await makeProduct(t.db);
    await stock(t.db, w.id, p.sku, 50);
    const made: string[] = [];
    for (let i = 0; i < 7; i++) {
      made.push((await createReservation(ctx(), { lines: [{ sku: p.sku, quantity: 1 }] })).id);
    }
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await listReservations(t.db, admin, { sku: p.sku, limit: 3, cursor });
      seen.push(...page.items.map((r) => r.id));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(seen).toEqual(made.reverse());
    expect(await outcome(listReservations(t.db, admin, { cursor: 'nonsense' }))).toBe('VALIDATION_FAILED');
  });
});

describe('reservations.release by staff, with a reason', () => {
  it('records the reason on the release movements and gives the units back', async () => {
    const w = await makeWarehouse(t.db);
    const p = await makeProduct(t.db);
    await stock(t.db, w.id, p.sku, 5);
    const buyer = await makeUser('buyer');
    const hold = await createReservation(ctx(buyer), { lines: [{ sku: p.sku, quantity: 3 }] });
    expect(await levelOf(t.db, w.id, p.id)).toMatchObject({ available: 2, reserved: 3 });
    const staff = await makeUser('staff', [w.id]);
    const released = await releaseReservation(ctx(staff), { id: hold.id, reason: 'customer called: stuck' });
    expect(released.status).toBe('released');
    expect(await levelOf(t.db, w.id, p.id)).toMatchObject({ available: 5, reserved: 0 });
    expect(await movementsOf(hold.id)).toEqual([
      { kind: 'reserve', reservedDelta: 3, reason: null, actor: expect.stringMatching(/^user:/) },
      {
        kind: 'release',
        reservedDelta: -3,
        reason: 'customer called: stuck',
        actor: `user:${(staff as { id: string }).id}`,
      },
    ]);
  });

  it('staff elsewhere are refused and nothing moves; an order hold stays refused (409)', async () => {
    const w = await makeWarehouse(t.db);
    const other = await makeWarehouse(t.db);
    const p = await makeProduct(t.db);
    await stock(t.db, w.id, p.sku, 5);
    const hold = await createReservation(ctx(), { lines: [{ sku: p.sku, quantity: 2, warehouseId: w.id }] });
    const stranger = await makeUser('staff', [other.id]);
    const before = await levelOf(t.db, w.id, p.id);
    expect(await outcome(releaseReservation(ctx(stranger), { id: hold.id, reason: 'not mine' }))).toBe(
      'FORBIDDEN',
    );
    expect(await levelOf(t.db, w.id, p.id)).toEqual(before);
    expect((await movementsOf(hold.id)).map((m) => m.kind)).toEqual(['reserve']);

    const order = await startCheckout(ctx(), {
      lines: [{ sku: p.sku, quantity: 1 }],
      shipTo: { latitude: 0, longitude: 0 },
    });
    const staff = await makeUser('staff', [w.id]);
    expect(
      await outcome(releaseReservation(ctx(staff), { id: order.reservationId as string, reason: 'x' })),
    ).toBe('INVALID_TRANSITION');
    expect(await outcome(releaseReservation(ctx(staff), { id: hold.id, reason: '' }))).toBe(
      'VALIDATION_FAILED',
    );
  });

  it('20 staff releasing one hold at once: one release movement, stock back once', async () => {
    const w = await makeWarehouse(t.db);
    const p = await makeProduct(t.db);
    await stock(t.db, w.id, p.sku, 4);
    const hold = await createReservation(ctx(), { lines: [{ sku: p.sku, quantity: 4 }] });
    const staff = await Promise.all(Array.from({ length: 20 }, () => makeUser('staff', [w.id])));
    const results = await Promise.all(
      staff.map((s, i) => outcome(releaseReservation(ctx(s), { id: hold.id, reason: `release ${i}` }))),
    );
    expect(results.every((r) => r === 'ok')).toBe(true);
    expect(await levelOf(t.db, w.id, p.id)).toMatchObject({ onHand: 4, reserved: 0, available: 4 });
    expect(await ledgerOf(t.db, w.id, p.id)).toEqual({ onHand: 4, reserved: 0 });
    expect((await movementsOf(hold.id)).filter((m) => m.kind === 'release')).toHaveLength(1);
  });
});

describe('waitlist.leave', () => {
  it('a waiting entry is cancelled; another buyer gets NOT_FOUND, like an unknown id', async () => {
    const w = await makeWarehouse(t.db);
    const p = await makeProduct(t.db);
    const buyer = await makeUser('buyer');
    const stranger = await makeUser('buyer');
    const entry = await joinWaitlist(ctx(buyer), { sku: p.sku, quantity: 2 });
    expect(await outcome(leaveWaitlist(ctx(stranger), { id: entry.id }))).toBe('NOT_FOUND');
    expect(await outcome(leaveWaitlist(ctx(stranger), { id: crypto.randomUUID() }))).toBe('NOT_FOUND');
    expect(await outcome(leaveWaitlist(ctx(admin), { id: entry.id }))).toBe('FORBIDDEN');
    expect((await listWaitlist(t.db, buyer, {})).items[0]?.status).toBe('waiting');
    expect((await leaveWaitlist(ctx(buyer), { id: entry.id })).status).toBe('cancelled');
    // Leaving twice answers the same.
    expect((await leaveWaitlist(ctx(buyer), { id: entry.id })).status).toBe('cancelled');
    // Stock arriving now is not offered to the cancelled entry.
    await stock(t.db, w.id, p.sku, 5);
    expect(await levelOf(t.db, w.id, p.id)).toMatchObject({ reserved: 0, available: 5 });
  });

  it('an offered entry releases its hold, and the units go to the next in line', async () => {
    const w = await makeWarehouse(t.db);
    const p = await makeProduct(t.db);
    await stock(t.db, w.id, p.sku, 2);
    const holder = await createReservation(ctx(), { lines: [{ sku: p.sku, quantity: 2 }] });
    const first = await makeUser('buyer');
    const second = await makeUser('buyer');
    const a = await joinWaitlist(ctx(first), { sku: p.sku, quantity: 2 });
    const b = await joinWaitlist(ctx(second), { sku: p.sku, quantity: 2 });
    await releaseReservation(ctx(), { id: holder.id });
    const offered = (await listWaitlist(t.db, first, {})).items.find((e) => e.id === a.id);
    expect(offered?.status).toBe('offered');
    const left = await leaveWaitlist(ctx(first), { id: a.id });
    expect(left.status).toBe('cancelled');
    const hold = await t.db
      .selectFrom('reservations')
      .select('status')
      .where('id', '=', offered?.reservationId as string)
      .executeTakeFirstOrThrow();
    expect(hold.status).toBe('released');
    expect((await movementsOf(offered?.reservationId as string)).at(-1)).toMatchObject({
      kind: 'release',
      reason: 'left the waitlist',
    });
    expect((await listWaitlist(t.db, second, {})).items.find((e) => e.id === b.id)?.status).toBe('offered');
    expect(await levelOf(t.db, w.id, p.id)).toMatchObject({ reserved: 2, available: 0 });
    expect((await verifyLedger(t.db)).mismatches).toEqual([]);
  });
});
