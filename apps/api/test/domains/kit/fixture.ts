/**
 * The principals of the role tables, and the things refused calls aim at.
 * Every principal is a real credential (a session token from signing in, or a
 * service token), so each call resolves it against its current state:
 * `disabled` signed in and was then disabled, `demoted` signed in as an admin
 * and was then made a buyer, `limited` is a service token with `stock:read`
 * only, `elsewhere` is staff of SEA-1 only (the tables aim at NYC-1, CHI-1, DFW-1).
 */
import { expect } from 'vitest';
import type { TestApi } from '../../harness.js';
import { SERVICE_TOKEN } from '../../harness.js';
import { type Caller, callerFor, signIn } from './api.js';

export const PRINCIPALS = ['anonymous', 'buyer', 'seller', 'staff', 'admin', 'service'] as const;
/** Principals whose standing changed after they got their credential, or whose reach is narrow. */
export const CHANGED = ['disabled', 'demoted', 'limited', 'elsewhere'] as const;
export type Who = (typeof PRINCIPALS)[number];
export type AnyWho = Who | (typeof CHANGED)[number];
export const LIMITED_SCOPES = ['stock:read'] as const;

/** The product allowed calls use, and the one refused calls aim at (no allowed call touches it). */
export const MAIN = 'EL-HDP-001';
export const GUARD = 'KT-KNF-001';
export const SHIP_TO = { latitude: 40.71, longitude: -74.0 };
export const PASSWORD = 'tulip kettle 3f9a2b';

export interface RolesFixture {
  api: TestApi;
  callers: Record<AnyWho | 'buyer2', Caller>;
  wh: { nyc: string; chi: string; dfw: string; sea: string };
  users: { victim: string; seller2: string };
  /** A buyer's pending reservation that refused calls aim at; it must stay pending and unextended. */
  guardReservation: { id: string; expiresAt: string };
  /** A buyer's order (pending payment). */
  buyerOrder: string;
  /** Paid orders held at NYC-1, at DFW-1 and at both that refused calls aim at. */
  guardOrders: Record<'nyc' | 'dfw' | 'mixed', { id: string; version: number }>;
  /** A service token refused calls aim at: it must stay active and unrotated. */
  guardToken: string;
  /** Versions of GUARD's levels at NYC-1 and DFW-1 before the table. */
  guardVersions: { nyc: number; dfw: number };
  /** A webhook refused calls aim at, and one of its deliveries (only with `webhookDelivery`). */
  guardWebhook: { id: string; deliveryId: string };
}

let counter = 0;
export const unique = (prefix: string) => `${prefix}-${Date.now().toString(36)}-${++counter}`;

export const level = (fx: RolesFixture, warehouseId: string, sku: string) =>
  fx.callers.admin.inventory.get({ warehouseId, sku });

/** A fresh pending hold of one unit of MAIN at NYC-1, owned by the buyer. */
export async function freshReservation(fx: RolesFixture, owner: Caller = fx.callers.buyer): Promise<string> {
  const reservation = await owner.reservations.create({
    lines: [{ sku: MAIN, quantity: 1, warehouseId: fx.wh.nyc }],
    reference: unique('roles'),
  });
  return reservation.id;
}

/** A fresh order the service placed and paid, with its stock at one warehouse. */
export function paidOrderAt(fx: RolesFixture, warehouseId: string) {
  return fx.callers.service.orders.create({
    lines: [{ sku: MAIN, quantity: 1, warehouseId }],
    customer: { name: 'Roles Test', email: 'roles@example.com' },
    shipTo: SHIP_TO,
  });
}

/** A fresh paid order with one unit held at NYC-1 and one at DFW-1. */
export function paidOrderAcross(fx: RolesFixture) {
  return fx.callers.service.orders.create({
    lines: [
      { sku: MAIN, quantity: 1, warehouseId: fx.wh.nyc },
      { sku: MAIN, quantity: 1, warehouseId: fx.wh.dfw },
    ],
    customer: { name: 'Roles Test', email: 'roles@example.com' },
    shipTo: SHIP_TO,
  });
}

export async function pendingOrder(fx: RolesFixture, caller: Caller = fx.callers.service): Promise<string> {
  const order = await caller.checkout.start({ shipTo: SHIP_TO, lines: [{ sku: MAIN, quantity: 1 }] });
  return order.id;
}

/** Wait until the principal's cached standing reflects a change (NOTIFY, or the cache running out). */
async function untilResolved(api: TestApi, token: string, done: (role: string | null) => boolean) {
  for (let tries = 0; ; tries++) {
    const principal = await api.services.sessions.resolve(token);
    const actor = principal?.actor;
    if (done(actor?.kind === 'user' ? actor.role : (actor?.kind ?? null))) return;
    if (tries > 200) throw new Error('the change of standing was never noticed');
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Users whose standing changes after they signed in: one disabled, one demoted from admin to buyer. */
async function changedUsers(api: TestApi, admin: Caller, nyc: string) {
  const disabled = await admin.users.create({
    email: `${unique('disabled')}@example.com`,
    password: PASSWORD,
    name: 'Disabled Staff',
    role: 'staff',
    warehouseIds: [nyc],
  });
  const demoted = await admin.users.create({
    email: `${unique('demoted')}@example.com`,
    password: PASSWORD,
    name: 'Demoted Admin',
    role: 'admin',
  });
  const disabledToken = await signIn(api, disabled.email, PASSWORD);
  const demotedToken = await signIn(api, demoted.email, PASSWORD);
  // Their credentials work as they were…
  expect((await callerFor(api, disabledToken).auth.me()).role).toBe('staff');
  expect((await callerFor(api, demotedToken).auth.me()).role).toBe('admin');
  // …until an admin changes them.
  await admin.users.update({ id: disabled.id, active: false });
  await admin.users.update({ id: demoted.id, role: 'buyer' });
  await untilResolved(api, disabledToken, (role) => role === null);
  await untilResolved(api, demotedToken, (role) => role === 'buyer');
  return { disabledToken, demotedToken };
}

async function seedFixture(api: TestApi): Promise<RolesFixture> {
  const admin = callerFor(api, await signIn(api, 'admin@example.com'));
  const warehouses = await admin.warehouses.list();
  const wid = (code: string) => {
    const found = warehouses.find((w) => w.code === code);
    if (!found) throw new Error(`seed has ${code}`);
    return found.id;
  };
  const wh = { nyc: wid('NYC-1'), chi: wid('CHI-1'), dfw: wid('DFW-1'), sea: wid('SEA-1') };
  const staffToken = await signIn(api, 'staff@example.com');
  const me = await callerFor(api, staffToken).auth.me();
  // The seed assigns staff to the first two warehouses by priority.
  expect(me.warehouseIds.sort()).toEqual([wh.nyc, wh.chi].sort());
  const buyer2Email = `${unique('second-buyer')}@example.com`;
  await callerFor(api).auth.register({ email: buyer2Email, password: PASSWORD, name: 'Second Buyer' });
  const victim = await admin.users.create({
    email: `${unique('victim')}@example.com`,
    password: PASSWORD,
    name: 'Victim',
    role: 'buyer',
  });
  const seller2 = await admin.users.create({
    email: `${unique('seller2')}@example.com`,
    password: PASSWORD,
    name: 'Second Seller',
    role: 'seller',
  });
  const limited = await admin.serviceTokens.create({ name: unique('limited'), scopes: [...LIMITED_SCOPES] });
  const elsewhere = await admin.users.create({
    email: `${unique('staff-sea')}@example.com`,
    password: PASSWORD,
    name: 'Staff of SEA-1',
    role: 'staff',
    warehouseIds: [wh.sea],
  });
  const changed = await changedUsers(api, admin, wh.nyc);
  const callers = {
    anonymous: callerFor(api),
    buyer: callerFor(api, await signIn(api, 'buyer@example.com')),
    seller: callerFor(api, await signIn(api, 'seller@example.com')),
    staff: callerFor(api, staffToken),
    admin,
    service: callerFor(api, SERVICE_TOKEN),
    buyer2: callerFor(api, await signIn(api, buyer2Email, PASSWORD)),
    disabled: callerFor(api, changed.disabledToken),
    demoted: callerFor(api, changed.demotedToken),
    limited: callerFor(api, limited.token as string),
    elsewhere: callerFor(api, await signIn(api, elsewhere.email, PASSWORD)),
  };
  // Plenty of MAIN where allowed calls reserve and order it.
  for (const warehouseId of [wh.nyc, wh.chi, wh.dfw]) {
    await admin.inventory.receive({ warehouseId, sku: MAIN, quantity: 1000 });
  }
  return {
    api,
    callers,
    wh,
    users: { victim: victim.id, seller2: seller2.id },
    guardReservation: { id: '', expiresAt: '' },
    buyerOrder: '',
    guardOrders: { nyc: { id: '', version: 0 }, dfw: { id: '', version: 0 }, mixed: { id: '', version: 0 } },
    guardToken: '',
    guardVersions: { nyc: 0, dfw: 0 },
    guardWebhook: { id: '', deliveryId: '' },
  };
}

/** Wait for the guard webhook's first delivery (the dispatcher fans paid orders out; port 9 refuses). */
async function guardDelivery(fx: RolesFixture, webhookId: string): Promise<string> {
  for (let tries = 0; ; tries++) {
    if (tries > 200) throw new Error('no webhook delivery was made for the paid orders');
    const [first] = (await fx.callers.admin.webhooks.deliveries({ webhookId, limit: 1 })).items;
    if (first) return first.id;
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Principals, and the guards refused calls aim at (each must be left exactly as it was). */
export async function rolesFixture(
  api: TestApi,
  options: { webhookDelivery?: boolean } = {},
): Promise<RolesFixture> {
  const fx = await seedFixture(api);
  const { admin, buyer } = fx.callers;
  fx.guardToken = (await admin.serviceTokens.create({ name: 'guard', scopes: ['orders'] })).id;
  const guardHook = await admin.webhooks.create({
    url: 'http://127.0.0.1:9/guard',
    events: ['order.paid'],
    description: 'guard',
  });
  const guard = await buyer.reservations.create({
    lines: [{ sku: MAIN, quantity: 1, warehouseId: fx.wh.nyc }],
    ttlSeconds: 1800, // the longest a buyer may hold (BUYER_MAX_HOLD_SECONDS)
    reference: 'guard',
  });
  fx.guardReservation = { id: guard.id, expiresAt: guard.expiresAt };
  fx.buyerOrder = await pendingOrder(fx, buyer);
  const [nycOrder, dfwOrder] = [await paidOrderAt(fx, fx.wh.nyc), await paidOrderAt(fx, fx.wh.dfw)];
  const mixedOrder = await paidOrderAcross(fx);
  fx.guardOrders = {
    nyc: { id: nycOrder.id, version: nycOrder.version },
    dfw: { id: dfwOrder.id, version: dfwOrder.version },
    mixed: { id: mixedOrder.id, version: mixedOrder.version },
  };
  fx.guardVersions = {
    nyc: (await level(fx, fx.wh.nyc, GUARD)).version,
    dfw: (await level(fx, fx.wh.dfw, GUARD)).version,
  };
  fx.guardWebhook = {
    id: guardHook.id,
    deliveryId: options.webhookDelivery ? await guardDelivery(fx, guardHook.id) : '',
  };
  return fx;
}
