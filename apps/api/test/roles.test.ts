/**
 * SPEC §5 and API.md's "who" column, over real HTTP: every procedure of the
 * router × every kind of principal (anonymous, buyer, seller, staff of NYC-1 and
 * CHI-1, admin, checkout service). An allowed call succeeds (inputs are chosen
 * so it can); a refused one answers FORBIDDEN when signed in and UNAUTHENTICATED
 * when not, with the matching HTTP status. Resource rules get rows of their own:
 * staff only at their warehouses (a mixed sync is refused whole), sellers only
 * their own products, buyers only their own reservations and orders. After the
 * matrix, the things refused calls aimed at are checked to be untouched.
 * Also: sign-in failures say nothing about whether an email exists, and the
 * per-account sign-in limit answers 429 with Retry-After.
 */
import { TRPCClientError } from '@trpc/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appRouter } from '../src/router.js';
import { SERVICE_TOKEN, startTestApi, type TestApi } from './harness.js';

const PRINCIPALS = ['anonymous', 'buyer', 'seller', 'staff', 'admin', 'service'] as const;
type Who = (typeof PRINCIPALS)[number];
type Client = ReturnType<TestApi['client']>;
type Expected = 'ok' | 'UNAUTHENTICATED' | 'FORBIDDEN';

/** The product allowed calls use, and the one refused calls aim at (no allowed call touches it). */
const MAIN = 'EL-HDP-001';
const GUARD = 'KT-KNF-001';
const SHIP_TO = { latitude: 40.71, longitude: -74.0 };

// ---------------------------------------------------------------- fixtures

interface Fixtures {
  api: TestApi;
  clients: Record<Who | 'buyer2', Client>;
  wh: { nyc: string; chi: string; dfw: string; sea: string };
  users: { victim: string; seller2: string };
  /** A buyer's pending reservation that refused calls aim at; it must stay pending and unextended. */
  guardReservation: { id: string; expiresAt: string };
  /** A buyer's order (pending payment). */
  buyerOrder: string;
  /** Paid orders held at NYC-1 and at DFW-1 that refused calls aim at. */
  guardOrders: Record<'nyc' | 'dfw' | 'mixed', { id: string; version: number }>;
  /** A service token refused calls aim at: it must stay active and unrotated. */
  guardToken: string;
  /** Versions of GUARD's levels at NYC-1 and DFW-1 before the matrix. */
  guardVersions: { nyc: number; dfw: number };
  /** A webhook refused calls aim at (it must keep its description and exist), and one of its deliveries. */
  guardWebhook: { id: string; deliveryId: string };
}

let fx: Fixtures;
let counter = 0;
const unique = (prefix: string) => `${prefix}-${Date.now().toString(36)}-${++counter}`;

const admin = () => fx.clients.admin;

async function level(warehouseId: string, sku: string) {
  return admin().inventory.get.query({ warehouseId, sku });
}

/** A fresh pending hold of one unit of MAIN at NYC-1, owned by the buyer. */
async function freshReservation(owner: Client = fx.clients.buyer): Promise<string> {
  const reservation = await owner.reservations.create.mutate({
    lines: [{ sku: MAIN, quantity: 1, warehouseId: fx.wh.nyc }],
    reference: unique('roles'),
  });
  return reservation.id;
}

/** A fresh service token made by the admin. */
async function freshToken(): Promise<string> {
  return (await admin().serviceTokens.create.mutate({ name: unique('fresh'), scopes: ['orders'] })).id;
}

/** A fresh product owned by the seller (made by the seller) or by no one (made by the admin). */
async function freshProduct(by: 'admin' | 'seller'): Promise<string> {
  const sku = unique(by === 'admin' ? 'ADM' : 'SEL').toUpperCase();
  await fx.clients[by].products.create.mutate({
    sku,
    name: `Roles test ${sku}`,
    category: 'Test',
    priceMinor: 100,
    currency: 'USD',
  });
  return sku;
}

/** A fresh order the service placed and paid, with its stock at one warehouse. */
async function paidOrderAt(warehouseId: string) {
  return fx.clients.service.orders.create.mutate({
    lines: [{ sku: MAIN, quantity: 1, warehouseId }],
    customer: { name: 'Roles Test', email: 'roles@example.com' },
    shipTo: SHIP_TO,
  });
}

/** A fresh paid order with one unit held at NYC-1 and one at DFW-1. */
async function paidOrderAcross() {
  return fx.clients.service.orders.create.mutate({
    lines: [
      { sku: MAIN, quantity: 1, warehouseId: fx.wh.nyc },
      { sku: MAIN, quantity: 1, warehouseId: fx.wh.dfw },
    ],
    customer: { name: 'Roles Test', email: 'roles@example.com' },
    shipTo: SHIP_TO,
  });
}

async function pickingOrderAt(warehouseId: string): Promise<string> {
  const order = await paidOrderAt(warehouseId);
  await admin().orders.updateStatus.mutate({ id: order.id, status: 'picking' });
  return order.id;
}

async function pendingOrder(client: Client = fx.clients.service): Promise<string> {
  const order = await client.checkout.start.mutate({ shipTo: SHIP_TO, lines: [{ sku: MAIN, quantity: 1 }] });
  return order.id;
}

/** A webhook of the admin's to change or delete (nothing listens on port 9). */
async function freshWebhook(): Promise<string> {
  const made = await admin().webhooks.create.mutate({
    url: 'http://127.0.0.1:9/fresh',
    events: ['order.paid'],
  });
  return made.id;
}

/** Stock counts for an allowed write: one more than now, so the call really changes something. */
async function plusOne(warehouseId: string, sku: string) {
  const current = await level(warehouseId, sku);
  return { onHand: current.onHand + 1, expectedVersion: current.version };
}

// ---------------------------------------------------------------- the matrix

interface Row {
  procedure: string;
  /** What sets this row apart from the procedure's main row. */
  note?: string;
  allowed: 'anyone' | 'signed in' | readonly Who[];
  call(client: Client, who: Who): Promise<unknown>;
  /** Why an allowed call may still fail for a reason other than who is calling (then only "not refused" is checked). */
  mayFail?: string;
}

const staffOrAdmin = ['staff', 'admin'] as const;
/** Stock procedures a service token may call with `stock:read` / `stock:write` (the demo token has every scope). */
const stockPrincipals = ['staff', 'admin', 'service'] as const;

const ROWS: Row[] = [
  { procedure: 'health', allowed: 'anyone', call: (c) => c.health.query() },
  {
    procedure: 'auth.login',
    allowed: 'anyone',
    call: (c) => c.auth.login.mutate({ email: 'buyer@example.com', password: 'stockroom' }),
  },
  {
    procedure: 'auth.register',
    allowed: 'anyone',
    call: (c, who) =>
      c.auth.register.mutate({
        email: `${unique(`signup-by-${who}`)}@example.com`,
        password: 'tulip kettle 3f9a2b',
        name: 'New Buyer',
      }),
  },
  { procedure: 'auth.me', allowed: 'signed in', call: (c) => c.auth.me.query() },
  {
    procedure: 'auth.logout',
    allowed: 'signed in',
    // A session of its own, so signing out does not end the matrix's sessions.
    call: async (c, who) =>
      ['buyer', 'seller', 'staff', 'admin'].includes(who)
        ? fx.api.client(await fx.api.login(`${who}@example.com`)).auth.logout.mutate()
        : c.auth.logout.mutate(),
  },

  { procedure: 'users.list', allowed: ['admin'], call: (c) => c.users.list.query() },
  {
    procedure: 'users.create',
    allowed: ['admin'],
    call: (c, who) =>
      c.users.create.mutate({
        email: `made-by-${who}@example.com`,
        password: 'tulip kettle 3f9a2b',
        name: `Made by ${who}`,
        role: 'staff',
        warehouseIds: [fx.wh.dfw],
      }),
  },
  {
    procedure: 'users.update',
    allowed: ['admin'],
    call: (c, who) =>
      c.users.update.mutate({ id: fx.users.victim, name: `renamed by ${who}`, role: 'admin' }),
  },

  {
    procedure: 'serviceTokens.create',
    allowed: ['admin'],
    call: (c, who) => c.serviceTokens.create.mutate({ name: unique(`by-${who}`), scopes: ['stock:read'] }),
  },
  { procedure: 'serviceTokens.list', allowed: ['admin'], call: (c) => c.serviceTokens.list.query() },
  {
    procedure: 'serviceTokens.revoke',
    allowed: ['admin'],
    call: async (c, who) =>
      c.serviceTokens.revoke.mutate({ id: who === 'admin' ? await freshToken() : fx.guardToken }),
  },
  {
    procedure: 'serviceTokens.rotate',
    allowed: ['admin'],
    call: async (c, who) =>
      c.serviceTokens.rotate.mutate({ id: who === 'admin' ? await freshToken() : fx.guardToken }),
  },

  { procedure: 'warehouses.list', allowed: 'signed in', call: (c) => c.warehouses.list.query() },
  {
    procedure: 'warehouses.create',
    allowed: ['admin'],
    call: (c, who) =>
      c.warehouses.create.mutate({
        code: `T-${who.toUpperCase()}`,
        name: `Made by ${who}`,
        latitude: 10,
        longitude: 20,
      }),
  },
  {
    procedure: 'warehouses.update',
    allowed: ['admin'],
    call: (c, who) => c.warehouses.update.mutate({ id: fx.wh.sea, name: `Seattle (${who})` }),
  },

  { procedure: 'products.search', allowed: 'anyone', call: (c) => c.products.search.query({ query: 'mug' }) },
  { procedure: 'products.get', allowed: 'anyone', call: (c) => c.products.get.query({ sku: MAIN }) },
  {
    procedure: 'products.create',
    allowed: ['admin', 'seller'],
    call: (c, who) =>
      c.products.create.mutate({
        sku: `T-${who.toUpperCase()}-001`,
        name: `Made by ${who}`,
        category: 'Test',
        priceMinor: 500,
        currency: 'USD',
      }),
  },
  {
    procedure: 'products.create',
    note: 'owned by another seller',
    allowed: ['admin'],
    call: (c, who) =>
      c.products.create.mutate({
        sku: `T-OWNED-${who.toUpperCase()}-001`,
        name: `Made by ${who} for seller 2`,
        category: 'Test',
        priceMinor: 500,
        currency: 'USD',
        sellerId: fx.users.seller2,
      }),
  },
  {
    procedure: 'products.update',
    note: "the seller's own HD-MUG-001",
    allowed: ['admin', 'seller'],
    call: (c, who) => c.products.update.mutate({ sku: 'HD-MUG-001', name: `Mug (${who})` }),
  },
  {
    procedure: 'products.update',
    note: `${MAIN}, not the seller's`,
    allowed: ['admin'],
    call: (c, who) => c.products.update.mutate({ sku: MAIN, description: `edited by ${who}` }),
  },
  {
    procedure: 'products.update',
    note: 'handing a product to another seller',
    allowed: ['admin'],
    call: async (c, who) =>
      c.products.update.mutate({
        sku: who === 'admin' ? await freshProduct('admin') : 'HD-BWL-001',
        sellerId: fx.users.seller2,
      }),
  },
  {
    procedure: 'products.archive',
    note: 'own product',
    allowed: ['admin', 'seller'],
    call: async (c, who) =>
      c.products.archive.mutate({
        sku: who === 'admin' || who === 'seller' ? await freshProduct(who) : 'HD-SOP-001',
      }),
  },
  {
    procedure: 'products.archive',
    note: "EL-SPK-001, not the seller's",
    allowed: ['admin'],
    call: async (c, who) =>
      c.products.archive.mutate({ sku: who === 'admin' ? await freshProduct('admin') : 'EL-SPK-001' }),
  },

  {
    procedure: 'inventory.get',
    allowed: stockPrincipals,
    call: (c) => c.inventory.get.query({ warehouseId: fx.wh.nyc, sku: MAIN }),
  },
  {
    procedure: 'inventory.get',
    note: "DFW-1, not staff's (reading is not scoped)",
    allowed: stockPrincipals,
    call: (c) => c.inventory.get.query({ warehouseId: fx.wh.dfw, sku: GUARD }),
  },
  {
    procedure: 'inventory.list',
    allowed: stockPrincipals,
    call: (c) => c.inventory.list.query({ warehouseId: fx.wh.nyc, limit: 5 }),
  },
  {
    procedure: 'inventory.movements',
    allowed: stockPrincipals,
    call: (c) => c.inventory.movements.query({ limit: 5 }),
  },
  {
    procedure: 'inventory.receive',
    note: "NYC-1, staff's",
    allowed: stockPrincipals,
    call: (c) => c.inventory.receive.mutate({ warehouseId: fx.wh.nyc, sku: MAIN, quantity: 1 }),
  },
  {
    procedure: 'inventory.receive',
    note: "CHI-1, staff's second",
    allowed: stockPrincipals,
    call: (c) => c.inventory.receive.mutate({ warehouseId: fx.wh.chi, sku: MAIN, quantity: 1 }),
  },
  {
    procedure: 'inventory.receive',
    note: "DFW-1, not staff's",
    allowed: ['admin', 'service'],
    call: (c, who) =>
      c.inventory.receive.mutate({
        warehouseId: fx.wh.dfw,
        sku: who === 'admin' || who === 'service' ? MAIN : GUARD,
        quantity: 1,
      }),
  },
  {
    procedure: 'inventory.adjust',
    note: "NYC-1, staff's",
    allowed: stockPrincipals,
    call: async (c) => {
      const { expectedVersion } = await plusOne(fx.wh.nyc, MAIN);
      return c.inventory.adjust.mutate({
        warehouseId: fx.wh.nyc,
        sku: MAIN,
        delta: 1,
        expectedVersion,
        reason: 'found',
      });
    },
  },
  {
    procedure: 'inventory.adjust',
    note: "DFW-1, not staff's",
    allowed: ['admin', 'service'],
    call: async (c, who) => {
      const sku = who === 'admin' || who === 'service' ? MAIN : GUARD;
      const { expectedVersion } = await plusOne(fx.wh.dfw, sku);
      return c.inventory.adjust.mutate({
        warehouseId: fx.wh.dfw,
        sku,
        delta: 1,
        expectedVersion,
        reason: 'found',
      });
    },
  },
  {
    procedure: 'inventory.set',
    note: "NYC-1, staff's",
    allowed: stockPrincipals,
    call: async (c) => {
      const { onHand } = await plusOne(fx.wh.nyc, MAIN);
      return c.inventory.set.mutate({ warehouseId: fx.wh.nyc, sku: MAIN, onHand, reason: 'count' });
    },
  },
  {
    procedure: 'inventory.set',
    note: "DFW-1, not staff's",
    allowed: ['admin', 'service'],
    call: async (c, who) => {
      const sku = who === 'admin' || who === 'service' ? MAIN : GUARD;
      const { onHand } = await plusOne(fx.wh.dfw, sku);
      return c.inventory.set.mutate({ warehouseId: fx.wh.dfw, sku, onHand, reason: 'count' });
    },
  },
  {
    procedure: 'inventory.sync',
    note: "NYC-1, staff's",
    allowed: ['staff', 'admin', 'service'],
    call: async (c) => {
      const { onHand } = await plusOne(fx.wh.nyc, MAIN);
      return c.inventory.sync.mutate({ items: [{ warehouseId: fx.wh.nyc, sku: MAIN, onHand }] });
    },
  },
  {
    procedure: 'inventory.sync',
    note: "DFW-1, not staff's",
    allowed: ['admin', 'service'],
    call: async (c, who) => {
      const sku = who === 'admin' || who === 'service' ? MAIN : GUARD;
      const { onHand } = await plusOne(fx.wh.dfw, sku);
      return c.inventory.sync.mutate({ items: [{ warehouseId: fx.wh.dfw, sku, onHand }] });
    },
  },
  {
    procedure: 'inventory.sync',
    note: 'NYC-1 and DFW-1 in one list: refused whole',
    allowed: ['admin', 'service'],
    call: async (c, who) => {
      // Refused callers name GUARD at NYC-1 too, where staff alone would be allowed: it must stay untouched.
      const sku = who === 'admin' || who === 'service' ? MAIN : GUARD;
      const nyc = await plusOne(fx.wh.nyc, sku);
      const dfw = await plusOne(fx.wh.dfw, sku);
      return c.inventory.sync.mutate({
        items: [
          { warehouseId: fx.wh.nyc, sku, onHand: nyc.onHand },
          { warehouseId: fx.wh.dfw, sku, onHand: dfw.onHand },
        ],
      });
    },
  },

  {
    procedure: 'reservations.create',
    allowed: ['service', 'buyer', 'admin'],
    call: (c) =>
      c.reservations.create.mutate({ lines: [{ sku: MAIN, quantity: 1, warehouseId: fx.wh.nyc }] }),
  },
  {
    procedure: 'reservations.get',
    note: "the buyer's own",
    allowed: ['buyer', 'staff', 'admin', 'service'],
    call: (c) => c.reservations.get.query({ id: fx.guardReservation.id }),
  },
  {
    // Buyers never confirm, not even their own hold (issue 10): stock leaves only through payment.
    procedure: 'reservations.confirm',
    note: "the buyer's own",
    allowed: ['service', 'admin'],
    call: async (c, who) =>
      c.reservations.confirm.mutate({
        id: isAllowed(['service', 'admin'], who) ? await freshReservation() : fx.guardReservation.id,
      }),
  },
  {
    procedure: 'reservations.list',
    note: 'staff: holds at their warehouses',
    allowed: ['staff', 'admin', 'service'],
    call: (c) => c.reservations.list.query({ limit: 5 }),
  },
  {
    procedure: 'reservations.release',
    note: "the buyer's own; staff at their warehouse, with a reason",
    allowed: ['buyer', 'staff', 'service', 'admin'],
    call: async (c, who) =>
      c.reservations.release.mutate({
        id: isAllowed(['buyer', 'staff', 'service', 'admin'], who)
          ? await freshReservation()
          : fx.guardReservation.id,
        ...(who === 'staff' ? { reason: 'roles test: stuck hold' } : {}),
      }),
  },
  {
    // API.md lists "its owner, service"; SPEC §5 lets an admin do everything.
    procedure: 'reservations.extend',
    note: "the buyer's own",
    allowed: ['buyer', 'service', 'admin'],
    call: async (c, who) =>
      c.reservations.extend.mutate({
        id: isAllowed(['buyer', 'service', 'admin'], who) ? await freshReservation() : fx.guardReservation.id,
        ttlSeconds: 600,
      }),
  },

  { procedure: 'cart.get', allowed: ['buyer'], call: (c) => c.cart.get.query() },
  {
    procedure: 'cart.setItem',
    allowed: ['buyer'],
    call: (c) => c.cart.setItem.mutate({ sku: MAIN, quantity: 1 }),
  },
  { procedure: 'cart.clear', allowed: ['buyer'], call: (c) => c.cart.clear.mutate() },
  {
    procedure: 'checkout.start',
    allowed: ['buyer', 'service'],
    call: (c) => c.checkout.start.mutate({ shipTo: SHIP_TO, lines: [{ sku: MAIN, quantity: 1 }] }),
  },
  {
    procedure: 'checkout.paymentSucceeded',
    allowed: ['service'],
    call: async (c) =>
      c.checkout.paymentSucceeded.mutate({ orderId: await pendingOrder(), paymentReference: unique('pay') }),
  },
  {
    procedure: 'checkout.paymentFailed',
    allowed: ['service'],
    call: async (c) =>
      c.checkout.paymentFailed.mutate({ orderId: await pendingOrder(), reason: 'card declined' }),
  },
  {
    procedure: 'orders.create',
    allowed: ['service', 'admin'],
    call: (c) =>
      c.orders.create.mutate({
        lines: [{ sku: MAIN, quantity: 1, warehouseId: fx.wh.nyc }],
        customer: { name: 'Phone Sale', email: 'phone@example.com' },
        shipTo: SHIP_TO,
      }),
  },
  {
    procedure: 'orders.sales',
    note: "sellers: their own products'",
    allowed: ['seller', 'admin'],
    call: (c) => c.orders.sales.query({ groupBy: 'product' }),
  },
  {
    procedure: 'orders.sales',
    note: "another seller's",
    allowed: ['admin'],
    call: (c) => c.orders.sales.query({ groupBy: 'day', sellerId: fx.users.seller2 }),
  },
  {
    procedure: 'products.mine',
    note: 'sellers: their own',
    allowed: ['seller', 'admin'],
    call: (c) => c.products.mine.query({ limit: 5 }),
  },
  {
    procedure: 'orders.list',
    note: 'buyers see their own',
    allowed: ['staff', 'admin', 'buyer', 'service'],
    call: (c) => c.orders.list.query({ limit: 5 }),
  },
  {
    // API.md lists "staff+, its buyer"; the router and core also let the checkout service read orders.
    procedure: 'orders.get',
    note: "the buyer's own",
    allowed: ['staff', 'admin', 'buyer', 'service'],
    call: (c) => c.orders.get.query({ id: fx.buyerOrder }),
  },
  {
    procedure: 'orders.updateStatus',
    note: "held at NYC-1, staff's",
    allowed: staffOrAdmin,
    call: async (c, who) =>
      c.orders.updateStatus.mutate({
        id: isAllowed(staffOrAdmin, who) ? (await paidOrderAt(fx.wh.nyc)).id : fx.guardOrders.nyc.id,
        status: 'picking',
      }),
  },
  {
    procedure: 'orders.updateStatus',
    note: "held at DFW-1, not staff's",
    allowed: ['admin'],
    call: async (c, who) =>
      c.orders.updateStatus.mutate({
        id: who === 'admin' ? (await paidOrderAt(fx.wh.dfw)).id : fx.guardOrders.dfw.id,
        status: 'picking',
      }),
  },
  {
    procedure: 'orders.cancel',
    note: "held at NYC-1, staff's; the buyer's own",
    allowed: ['staff', 'admin', 'buyer'],
    call: async (c, who) => {
      const id =
        who === 'buyer'
          ? await pendingOrder(fx.clients.buyer)
          : who === 'staff' || who === 'admin'
            ? (await paidOrderAt(fx.wh.nyc)).id
            : fx.guardOrders.nyc.id;
      return c.orders.cancel.mutate({ id, reason: 'changed my mind' });
    },
  },
  {
    procedure: 'orders.cancel',
    note: "held at DFW-1, not staff's",
    allowed: ['admin'],
    call: async (c, who) =>
      c.orders.cancel.mutate({
        id: who === 'admin' ? (await paidOrderAt(fx.wh.dfw)).id : fx.guardOrders.dfw.id,
        reason: 'changed my mind',
      }),
  },
  {
    // Staff need EVERY warehouse of the order: NYC-1 is theirs, DFW-1 is not.
    procedure: 'orders.cancel',
    note: "held at NYC-1 and DFW-1, only NYC-1 staff's",
    allowed: ['admin'],
    call: async (c, who) =>
      c.orders.cancel.mutate({
        id: who === 'admin' ? (await paidOrderAcross()).id : fx.guardOrders.mixed.id,
        reason: 'changed my mind',
      }),
  },
  {
    procedure: 'orders.updateStatus',
    note: "held at NYC-1 and DFW-1, only NYC-1 staff's",
    allowed: ['admin'],
    call: async (c, who) =>
      c.orders.updateStatus.mutate({
        id: who === 'admin' ? (await paidOrderAcross()).id : fx.guardOrders.mixed.id,
        status: 'picking',
      }),
  },
  {
    procedure: 'orders.ship',
    note: "from NYC-1, staff's",
    allowed: staffOrAdmin,
    call: async (c, who) =>
      c.orders.ship.mutate({
        id: isAllowed(staffOrAdmin, who) ? await pickingOrderAt(fx.wh.nyc) : fx.guardOrders.nyc.id,
        warehouseId: fx.wh.nyc,
        carrier: 'UPS',
        trackingNumber: unique('1Z'),
      }),
  },
  {
    procedure: 'orders.ship',
    note: "from DFW-1, not staff's",
    allowed: ['admin'],
    call: async (c, who) =>
      c.orders.ship.mutate({
        id: who === 'admin' ? await pickingOrderAt(fx.wh.dfw) : fx.guardOrders.dfw.id,
        warehouseId: fx.wh.dfw,
        carrier: 'UPS',
        trackingNumber: unique('1Z'),
      }),
  },
  {
    procedure: 'waitlist.join',
    allowed: ['buyer'],
    call: (c) => c.waitlist.join.mutate({ sku: 'KT-KTL-001', warehouseId: fx.wh.nyc, quantity: 1 }),
  },
  {
    procedure: 'waitlist.leave',
    note: "the buyer's own entry",
    allowed: ['buyer'],
    call: async (c, who) => {
      const entry = await fx.clients.buyer.waitlist.join.mutate({ sku: 'KT-KTL-001', quantity: 1 });
      const result = await c.waitlist.leave.mutate({ id: entry.id });
      if (who !== 'buyer') throw new Error('a refused call answered');
      return result;
    },
  },
  {
    // API.md lists staff+; SPEC §5 gives buyers their own waitlist entries.
    procedure: 'waitlist.list',
    note: 'buyers see their own',
    allowed: ['staff', 'admin', 'buyer'],
    call: (c) => c.waitlist.list.query({ limit: 5 }),
  },

  { procedure: 'events.list', allowed: staffOrAdmin, call: (c) => c.events.list.query({ limit: 5 }) },
  { procedure: 'audit.verify', allowed: ['admin'], call: (c) => c.audit.verify.query() },
  {
    procedure: 'demo.race',
    allowed: ['admin'],
    call: (c) => c.demo.race.mutate({ sku: MAIN, warehouseId: fx.wh.nyc, buyers: 2, quantityEach: 1 }),
  },

  {
    procedure: 'webhooks.create',
    allowed: ['admin'],
    call: (c, who) =>
      c.webhooks.create.mutate({ url: `http://127.0.0.1:9/made-by-${who}`, events: ['order.paid'] }),
  },
  { procedure: 'webhooks.list', allowed: ['admin'], call: (c) => c.webhooks.list.query() },
  {
    procedure: 'webhooks.update',
    allowed: ['admin'],
    call: async (c, who) =>
      c.webhooks.update.mutate({
        id: who === 'admin' ? await freshWebhook() : fx.guardWebhook.id,
        description: `changed by ${who}`,
      }),
  },
  {
    procedure: 'webhooks.delete',
    allowed: ['admin'],
    call: async (c, who) =>
      c.webhooks.delete.mutate({ id: who === 'admin' ? await freshWebhook() : fx.guardWebhook.id }),
  },
  {
    procedure: 'webhooks.deliveries',
    allowed: ['admin'],
    call: (c) => c.webhooks.deliveries.query({ webhookId: fx.guardWebhook.id, limit: 5 }),
  },
  {
    procedure: 'webhooks.redeliver',
    allowed: ['admin'],
    call: (c) => c.webhooks.redeliver.mutate({ deliveryId: fx.guardWebhook.deliveryId }),
  },
  {
    procedure: 'webhooks.rotateSecret',
    allowed: ['admin'],
    call: async (c, who) =>
      c.webhooks.rotateSecret.mutate({
        id: who === 'admin' ? await freshWebhook() : fx.guardWebhook.id,
        graceSeconds: 60,
      }),
  },
];

/** Subscriptions are checked over SSE below. */
const SUBSCRIPTIONS: { procedure: string; allowed: readonly Who[] }[] = [
  { procedure: 'events.onEvent', allowed: staffOrAdmin },
  { procedure: 'orders.onChange', allowed: staffOrAdmin },
];

function isAllowed(allowed: Row['allowed'], who: Who): boolean {
  if (allowed === 'anyone') return true;
  if (allowed === 'signed in') return who !== 'anonymous';
  return allowed.includes(who);
}

function expectedFor(allowed: Row['allowed'], who: Who): Expected {
  if (isAllowed(allowed, who)) return 'ok';
  return who === 'anonymous' ? 'UNAUTHENTICATED' : 'FORBIDDEN';
}

interface Outcome {
  /** 'ok', or the error's appCode. */
  outcome: string;
  message?: string;
  /** The HTTP status of the answer. */
  status?: number;
}

async function attempt(run: () => Promise<unknown>): Promise<Outcome> {
  try {
    await run();
    return { outcome: 'ok' };
  } catch (error) {
    if (!(error instanceof TRPCClientError)) throw error;
    const data = error.data as { appCode?: string; httpStatus?: number } | undefined;
    const response = (error.meta as { response?: Response } | undefined)?.response;
    return {
      outcome: data?.appCode ?? `no appCode (${error.message})`,
      message: `${data?.appCode}: ${error.message}`,
      status: response?.status ?? data?.httpStatus,
    };
  }
}

const HTTP_STATUS: Record<Exclude<Expected, 'ok'>, number> = { UNAUTHENTICATED: 401, FORBIDDEN: 403 };

describe('roles', () => {
  beforeAll(async () => {
    const api = await startTestApi();
    const login = (email: string) => api.login(email);
    const adminClient = api.client(await login('admin@example.com'));
    const warehouses = await adminClient.warehouses.list.query();
    const wid = (code: string) => {
      const found = warehouses.find((w) => w.code === code);
      if (!found) throw new Error(`seed has ${code}`);
      return found.id;
    };
    const wh = { nyc: wid('NYC-1'), chi: wid('CHI-1'), dfw: wid('DFW-1'), sea: wid('SEA-1') };
    const staffToken = await login('staff@example.com');
    const me = await api.client(staffToken).auth.me.query();
    // The seed assigns staff to the first two warehouses by priority.
    expect(me.warehouseIds.sort()).toEqual([wh.nyc, wh.chi].sort());

    await api.client().auth.register.mutate({
      email: 'second-buyer@example.com',
      password: 'tulip kettle 3f9a2b',
      name: 'Second Buyer',
    });
    const buyer2Token = await api.login('second-buyer@example.com', 'tulip kettle 3f9a2b');
    const victim = await adminClient.users.create.mutate({
      email: 'victim@example.com',
      password: 'tulip kettle 3f9a2b',
      name: 'Victim',
      role: 'buyer',
    });
    const seller2 = await adminClient.users.create.mutate({
      email: 'seller2@example.com',
      password: 'tulip kettle 3f9a2b',
      name: 'Second Seller',
      role: 'seller',
    });
    const clients = {
      anonymous: api.client(),
      buyer: api.client(await login('buyer@example.com')),
      seller: api.client(await login('seller@example.com')),
      staff: api.client(staffToken),
      admin: adminClient,
      service: api.client(SERVICE_TOKEN),
      buyer2: api.client(buyer2Token),
    };
    // Plenty of MAIN where allowed calls reserve and order it.
    for (const warehouseId of [wh.nyc, wh.chi, wh.dfw]) {
      await adminClient.inventory.receive.mutate({ warehouseId, sku: MAIN, quantity: 1000 });
    }
    fx = {
      api,
      clients,
      wh,
      users: { victim: victim.id, seller2: seller2.id },
      guardReservation: { id: '', expiresAt: '' },
      buyerOrder: '',
      guardOrders: {
        nyc: { id: '', version: 0 },
        dfw: { id: '', version: 0 },
        mixed: { id: '', version: 0 },
      },
      guardVersions: { nyc: 0, dfw: 0 },
      guardToken: '',
      guardWebhook: { id: '', deliveryId: '' },
    };
    fx.guardToken = (await adminClient.serviceTokens.create.mutate({ name: 'guard', scopes: ['orders'] })).id;
    // A webhook with a delivery (it cannot be delivered: port 9 refuses; it is retried later).
    const guardHook = await adminClient.webhooks.create.mutate({
      url: 'http://127.0.0.1:9/guard',
      events: ['order.paid'],
      description: 'guard',
    });
    const guard = await clients.buyer.reservations.create.mutate({
      lines: [{ sku: MAIN, quantity: 1, warehouseId: wh.nyc }],
      ttlSeconds: 1800, // the longest a buyer may hold (BUYER_MAX_HOLD_SECONDS)
      reference: 'guard',
    });
    fx.guardReservation = { id: guard.id, expiresAt: guard.expiresAt };
    fx.buyerOrder = await pendingOrder(clients.buyer);
    const [nycOrder, dfwOrder] = [await paidOrderAt(wh.nyc), await paidOrderAt(wh.dfw)];
    const mixedOrder = await paidOrderAcross();
    fx.guardOrders = {
      nyc: { id: nycOrder.id, version: nycOrder.version },
      dfw: { id: dfwOrder.id, version: dfwOrder.version },
      mixed: { id: mixedOrder.id, version: mixedOrder.version },
    };
    fx.guardVersions = {
      nyc: (await level(wh.nyc, GUARD)).version,
      dfw: (await level(wh.dfw, GUARD)).version,
    };
    for (let tries = 0; !fx.guardWebhook.deliveryId; tries++) {
      if (tries > 200) throw new Error('no webhook delivery was made for the paid orders');
      const [first] = (await adminClient.webhooks.deliveries.query({ webhookId: guardHook.id, limit: 1 }))
        .items;
      fx.guardWebhook = { id: guardHook.id, deliveryId: first?.id ?? '' };
      if (!first) await new Promise((r) => setTimeout(r, 50));
    }
  });
  afterAll(() => fx?.api.stop());

  it('has a row for every procedure of the router', () => {
    const covered = new Set([...ROWS.map((r) => r.procedure), ...SUBSCRIPTIONS.map((s) => s.procedure)]);
    const procedures = Object.keys(appRouter._def.procedures);
    expect(procedures.filter((p) => !covered.has(p))).toEqual([]);
    expect([...covered].filter((p) => !procedures.includes(p))).toEqual([]);
  });

  describe.each(
    ROWS.map((row) => ({ ...row, name: row.note ? `${row.procedure} (${row.note})` : row.procedure })),
  )('$name', (row) => {
    const cells = PRINCIPALS.map((who) => ({ who, expected: expectedFor(row.allowed, who) }));
    it.each(cells)('$who → $expected', async ({ who, expected }) => {
      const result = await attempt(() => row.call(fx.clients[who], who));
      if (expected !== 'ok') {
        expect(result.outcome, result.message).toBe(expected);
        expect(result.status).toBe(HTTP_STATUS[expected]);
      } else if (row.mayFail) {
        expect(['UNAUTHENTICATED', 'FORBIDDEN'], result.message).not.toContain(result.outcome);
      } else {
        expect(result.outcome, result.message).toBe('ok');
      }
    });
  });

  describe.each(SUBSCRIPTIONS)('$procedure (SSE)', ({ procedure, allowed }) => {
    const tokenOf = async (who: Who): Promise<string | undefined> => {
      if (who === 'anonymous') return undefined;
      if (who === 'service') return SERVICE_TOKEN;
      return fx.api.login(`${who}@example.com`);
    };
    it.each(PRINCIPALS.map((who) => ({ who, expected: expectedFor(allowed, who) })))(
      '$who → $expected',
      async ({ who, expected }) => {
        const token = await tokenOf(who);
        const stream = await readSse(`${fx.api.url}/trpc/${procedure}`, token);
        if (expected === 'ok') {
          expect(stream.text).toContain('event: connected');
          expect(stream.error, stream.text).toBeUndefined();
        } else {
          expect(stream.error?.data?.appCode, stream.text).toBe(expected);
        }
      },
    );
  });

  describe('service token scopes', () => {
    const procedures = appRouter._def.procedures as unknown as Record<
      string,
      { _def: { meta?: { scope?: string } } }
    >;
    const scopeOf = (procedure: string) => procedures[procedure]?._def.meta?.scope;

    it('every procedure a service may call declares the scope it needs', () => {
      // Rows naming principals (not "anyone" / "signed in") go through allow(): services need a scope there.
      const undeclared = ROWS.filter((r) => Array.isArray(r.allowed) && r.allowed.includes('service'))
        .map((r) => r.procedure)
        .filter((p) => scopeOf(p) === undefined);
      expect(undeclared).toEqual([]);
    });

    const scoped = ROWS.filter(
      (r) => isAllowed(r.allowed, 'service') && ![undefined, 'any'].includes(scopeOf(r.procedure)),
    ).map((r) => ({
      ...r,
      name: r.note ? `${r.procedure} (${r.note})` : r.procedure,
    }));
    it.each(scoped)('$name: refused, naming the scope, to a token with every other scope', async (row) => {
      const scope = scopeOf(row.procedure) as string;
      const others = (['stock:read', 'stock:write', 'reservations', 'orders', 'payments'] as const).filter(
        (s) => s !== scope,
      );
      const made = await admin().serviceTokens.create.mutate({
        name: unique(`lacks-${scope}`),
        scopes: others,
      });
      const result = await attempt(() => row.call(fx.api.client(made.token as string), 'service'));
      expect(result.outcome, result.message).toBe('FORBIDDEN');
      expect(result.status).toBe(403);
      expect(result.message).toContain(`"${scope}"`);
    });
  });

  describe('resources', () => {
    it('a buyer cannot touch another buyer’s reservation', async () => {
      const other = fx.clients.buyer2;
      const id = fx.guardReservation.id;
      const outcomes = {
        get: (await attempt(() => other.reservations.get.query({ id }))).outcome,
        confirm: (await attempt(() => other.reservations.confirm.mutate({ id }))).outcome,
        release: (await attempt(() => other.reservations.release.mutate({ id }))).outcome,
        extend: (await attempt(() => other.reservations.extend.mutate({ id, ttlSeconds: 60 }))).outcome,
      };
      expect(outcomes).toEqual({
        get: 'FORBIDDEN',
        confirm: 'FORBIDDEN',
        release: 'FORBIDDEN',
        extend: 'FORBIDDEN',
      });
    });

    it('staff release only holds at their warehouses; the list shows only those', async () => {
      const atDfw = await fx.clients.buyer2.reservations.create.mutate({
        lines: [{ sku: MAIN, quantity: 1, warehouseId: fx.wh.dfw }],
      });
      const before = await level(fx.wh.dfw, MAIN);
      const refused = await attempt(() =>
        fx.clients.staff.reservations.release.mutate({ id: atDfw.id, reason: 'not my warehouse' }),
      );
      expect(refused.outcome).toBe('FORBIDDEN');
      expect(await level(fx.wh.dfw, MAIN)).toEqual(before);
      expect((await admin().reservations.get.query({ id: atDfw.id })).status).toBe('pending');
      const listed = await fx.clients.staff.reservations.list.query({ limit: 100 });
      expect(listed.items.map((r) => r.id)).not.toContain(atDfw.id);
      for (const r of listed.items) {
        expect(r.lines.some((l) => [fx.wh.nyc, fx.wh.chi].includes(l.warehouseId))).toBe(true);
      }
      const all = await admin().reservations.list.query({ limit: 100, warehouseId: fx.wh.dfw });
      expect(all.items.map((r) => r.id)).toContain(atDfw.id);
      await fx.clients.buyer2.reservations.release.mutate({ id: atDfw.id });
    });

    it('a buyer cannot leave another buyer’s waitlist entry (NOT_FOUND, as an unknown id)', async () => {
      const entry = await fx.clients.buyer.waitlist.join.mutate({ sku: 'KT-KTL-001', quantity: 1 });
      const theirs = await attempt(() => fx.clients.buyer2.waitlist.leave.mutate({ id: entry.id }));
      const unknown = await attempt(() =>
        fx.clients.buyer2.waitlist.leave.mutate({ id: '00000000-0000-4000-8000-00000000abcd' }),
      );
      expect([theirs.outcome, theirs.status]).toEqual(['NOT_FOUND', 404]);
      expect([unknown.outcome, unknown.status]).toEqual(['NOT_FOUND', 404]);
      const mine = await fx.clients.buyer.waitlist.list.query({ limit: 100 });
      expect(mine.items.find((e) => e.id === entry.id)?.status).toBe('waiting');
      expect((await fx.clients.buyer.waitlist.leave.mutate({ id: entry.id })).status).toBe('cancelled');
    });

    it('a buyer can get and release its own reservation', async () => {
      const own = await freshReservation(fx.clients.buyer2);
      expect((await fx.clients.buyer2.reservations.get.query({ id: own })).status).toBe('pending');
      expect((await fx.clients.buyer2.reservations.release.mutate({ id: own })).status).toBe('released');
    });

    it('a buyer cannot read or cancel another buyer’s order, nor see it listed', async () => {
      const other = fx.clients.buyer2;
      const id = fx.buyerOrder;
      expect((await attempt(() => other.orders.get.query({ id }))).outcome).toBe('FORBIDDEN');
      expect((await attempt(() => other.orders.cancel.mutate({ id, reason: 'not mine' }))).outcome).toBe(
        'FORBIDDEN',
      );
      const theirs = await other.orders.list.query({ limit: 100 });
      expect(theirs.items.map((o) => o.id)).not.toContain(id);
      const mine = await fx.clients.buyer.orders.list.query({ limit: 100 });
      expect(mine.items.map((o) => o.id)).toContain(id);
    });

    it('a buyer sees only its own waitlist entries and cart', async () => {
      await fx.clients.buyer.waitlist.join.mutate({ sku: 'KT-PAN-001', quantity: 2 });
      await fx.clients.buyer.cart.setItem.mutate({ sku: 'KT-PAN-001', quantity: 3 });
      const theirs = await fx.clients.buyer2.waitlist.list.query({ limit: 100 });
      expect(theirs.items).toEqual([]);
      expect((await fx.clients.buyer2.cart.get.query()).items).toEqual([]);
      expect((await fx.clients.buyer.cart.get.query()).items.map((i) => i.sku)).toContain('KT-PAN-001');
    });

    it('REST routes apply the same rules', async () => {
      const tokens = {
        anonymous: undefined,
        buyer: await fx.api.login('buyer@example.com'),
        staff: await fx.api.login('staff@example.com'),
      };
      const cases = [
        {
          who: 'anonymous',
          method: 'GET',
          path: `/stock/${fx.wh.nyc}/${MAIN}`,
          code: 'UNAUTHENTICATED',
          status: 401,
        },
        { who: 'buyer', method: 'GET', path: `/stock/${fx.wh.nyc}/${MAIN}`, code: 'FORBIDDEN', status: 403 },
        {
          who: 'staff',
          method: 'POST',
          path: `/stock/${fx.wh.dfw}/${GUARD}/receive`,
          body: { quantity: 1 },
          code: 'FORBIDDEN',
          status: 403,
        },
        {
          who: 'staff',
          method: 'PUT',
          path: `/stock/${fx.wh.dfw}/${GUARD}`,
          body: { onHand: 1 },
          code: 'FORBIDDEN',
          status: 403,
        },
        {
          who: 'staff',
          method: 'POST',
          path: '/stock/sync',
          body: { items: [{ warehouseId: fx.wh.dfw, sku: GUARD, onHand: 1 }] },
          code: 'FORBIDDEN',
          status: 403,
        },
        {
          who: 'staff',
          method: 'POST',
          path: '/reservations',
          body: { lines: [{ sku: MAIN, quantity: 1 }] },
          code: 'FORBIDDEN',
          status: 403,
        },
        {
          who: 'anonymous',
          method: 'POST',
          path: `/reservations/${fx.guardReservation.id}/release`,
          body: {},
          code: 'UNAUTHENTICATED',
          status: 401,
        },
      ] as const;
      for (const c of cases) {
        const token = tokens[c.who];
        const res = await fetch(`${fx.api.url}/api/v1${c.path}`, {
          method: c.method,
          headers: {
            ...(token ? { authorization: `Bearer ${token}` } : {}),
            ...('body' in c ? { 'content-type': 'application/json' } : {}),
          },
          body: 'body' in c ? JSON.stringify(c.body) : undefined,
        });
        const body = (await res.json()) as { error?: { code?: string } };
        expect({ who: c.who, path: c.path, status: res.status, code: body.error?.code }).toEqual({
          who: c.who,
          path: c.path,
          status: c.status,
          code: c.code,
        });
      }
    });

    it('a forged or expired-looking token is anonymous, not an error', async () => {
      for (const token of ['not-a-token', 'a.b.c', `${'x'.repeat(600)}`]) {
        const result = await attempt(() => fx.api.client(token).auth.me.query());
        expect(result.outcome).toBe('UNAUTHENTICATED');
      }
    });

    // The typed client sends a mutation without input as a POST with no body (server.ts reads it as `{}`).
    it('lets a buyer clear the cart without an input', async () => {
      await fx.clients.buyer.cart.clear.mutate();
    });

    it('lets an admin run the race demo', async () => {
      const result = await admin().demo.race.mutate({
        sku: MAIN,
        warehouseId: fx.wh.nyc,
        buyers: 2,
        quantityEach: 1,
      });
      expect(result.attempted).toBe(2);
    });
  });

  describe('after the matrix, refused calls changed nothing', () => {
    it('left GUARD stock untouched at NYC-1 and DFW-1 (a mixed sync was refused whole)', async () => {
      expect((await level(fx.wh.nyc, GUARD)).version).toBe(fx.guardVersions.nyc);
      expect((await level(fx.wh.dfw, GUARD)).version).toBe(fx.guardVersions.dfw);
      for (const warehouseId of [fx.wh.nyc, fx.wh.dfw]) {
        const moves = await admin().inventory.movements.query({ warehouseId, sku: GUARD, limit: 100 });
        expect(moves.items.filter((m) => m.actor !== 'system:seed')).toEqual([]);
      }
    });

    it('left the guard webhook as it was (its secret never rotated), and made none for a refused caller', async () => {
      const hooks = await admin().webhooks.list.query();
      const guard = hooks.find((h) => h.id === fx.guardWebhook.id);
      expect(guard?.description).toBe('guard');
      expect(guard?.secretRotatedAt).toBe(null);
      expect(hooks.map((h) => h.url).filter((u) => u.includes('made-by-'))).toEqual([
        'http://127.0.0.1:9/made-by-admin',
      ]);
    });

    it('created no warehouse, user or product for a refused caller', async () => {
      const codes = (await admin().warehouses.list.query())
        .map((w) => w.code)
        .filter((c) => c.startsWith('T-'));
      expect(codes).toEqual(['T-ADMIN']);
      const emails = (await admin().users.list.query())
        .map((u) => u.email)
        .filter((e) => e.startsWith('made-by-'));
      expect(emails).toEqual(['made-by-admin@example.com']);
      const search = async (sku: string) =>
        (await attempt(() => admin().products.get.query({ sku }))).outcome;
      for (const who of PRINCIPALS) {
        const expected = who === 'admin' || who === 'seller' ? 'ok' : 'NOT_FOUND';
        expect({ who, outcome: await search(`T-${who.toUpperCase()}-001`) }).toEqual({
          who,
          outcome: expected,
        });
        const owned = who === 'admin' ? 'ok' : 'NOT_FOUND';
        expect({ who, outcome: await search(`T-OWNED-${who.toUpperCase()}-001`) }).toEqual({
          who,
          outcome: owned,
        });
      }
      const sellers = await admin().products.get.query({ sku: 'T-SELLER-001' });
      expect(sellers.sellerId).not.toBeNull();
    });

    it('changed users, warehouses and products only as the admin or owner did', async () => {
      const victim = (await admin().users.list.query()).find((u) => u.id === fx.users.victim);
      expect(victim).toMatchObject({ name: 'renamed by admin', role: 'admin' });
      const sea = (await admin().warehouses.list.query()).find((w) => w.id === fx.wh.sea);
      expect(sea?.name).toBe('Seattle (admin)');
      const main = await admin().products.get.query({ sku: MAIN });
      expect(main.description).toBe('edited by admin');
      expect((await admin().products.get.query({ sku: 'HD-MUG-001' })).name).toBe('Mug (admin)');
      for (const sku of ['HD-SOP-001', 'EL-SPK-001', 'HD-BWL-001']) {
        const product = await admin().products.get.query({ sku });
        expect({ sku, active: product.active }).toEqual({ sku, active: true });
      }
      expect((await admin().products.get.query({ sku: 'HD-BWL-001' })).sellerId).not.toBe(fx.users.seller2);
    });

    it('left the guard reservation pending and unextended, and the guard orders as they were', async () => {
      const reservation = await admin().reservations.get.query({ id: fx.guardReservation.id });
      expect(reservation).toMatchObject({ status: 'pending', expiresAt: fx.guardReservation.expiresAt });
      for (const guard of [fx.guardOrders.nyc, fx.guardOrders.dfw, fx.guardOrders.mixed]) {
        const order = await admin().orders.get.query({ id: guard.id });
        expect({ status: order.status, version: order.version, shipments: order.shipments }).toEqual({
          status: 'paid',
          version: guard.version,
          shipments: [],
        });
      }
    });

    it('left the guard service token active and unrotated', async () => {
      const guard = (await admin().serviceTokens.list.query({ limit: 100 })).items.find(
        (t) => t.id === fx.guardToken,
      );
      expect(guard).toMatchObject({ status: 'active', rotatedAt: null, revokedAt: null });
      const made = (await admin().serviceTokens.list.query({ limit: 100 })).items.map((t) => t.name);
      expect(made.filter((n) => n.startsWith('by-'))).toEqual([expect.stringMatching(/^by-admin-/)]);
    });

    it('still balances the ledger', async () => {
      expect((await admin().audit.verify.query()).mismatches).toEqual([]);
    });
  });

  describe('sign-in failures', () => {
    async function login(email: string, password: string) {
      const res = await fetch(`${fx.api.url}/trpc/auth.login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email, password }),
      });
      const body = (await res.json()) as {
        error?: { message: string; data: { appCode: string; details: unknown; httpStatus: number } };
      };
      return { status: res.status, error: body.error };
    }
    const visible = (answer: Awaited<ReturnType<typeof login>>) => ({
      status: answer.status,
      message: answer.error?.message,
      appCode: answer.error?.data.appCode,
      details: answer.error?.data.details,
    });

    it('say the same for an unknown email, a wrong password and a disabled account', async () => {
      const disabled = await admin().users.create.mutate({
        email: 'disabled@example.com',
        password: 'tulip kettle 3f9a2b',
        name: 'Disabled',
        role: 'buyer',
      });
      await admin().users.update.mutate({ id: disabled.id, active: false });

      const unknown = visible(await login('nobody-here@example.com', 'stockroom'));
      expect(unknown).toMatchObject({ status: 401, appCode: 'UNAUTHENTICATED' });
      expect(visible(await login('buyer@example.com', 'not-the-password'))).toEqual(unknown);
      expect(visible(await login('BUYER@EXAMPLE.COM', 'not-the-password'))).toEqual(unknown);
      expect(visible(await login('disabled@example.com', 'tulip kettle 3f9a2b'))).toEqual(unknown);
      expect(visible(await login('', ''))).toEqual(unknown);
      expect(unknown.message).not.toMatch(/exist|unknown|no (such )?(user|account)|password is wrong/i);
      // The right password still works afterwards.
      expect((await login('buyer@example.com', 'stockroom')).status).toBe(200);
    });
  });
});

describe('sign-in limit per account', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi({ LOGIN_LIMIT_PER_ACCOUNT: '3' });
  });
  afterAll(() => api?.stop());

  const login = async (email: string, password: string) => {
    const res = await fetch(`${api.url}/trpc/auth.login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email, password }),
    });
    const body = (await res.json()) as { error?: { data: { appCode: string } }; result?: unknown };
    return {
      status: res.status,
      appCode: body.error?.data.appCode,
      retryAfter: res.headers.get('retry-after'),
    };
  };

  it('answers RATE_LIMITED with 429 and Retry-After after LOGIN_LIMIT_PER_ACCOUNT failures, even with the right password', async () => {
    for (let i = 0; i < 3; i++) {
      expect(await login('buyer@example.com', `wrong-${i}`)).toMatchObject({
        status: 401,
        appCode: 'UNAUTHENTICATED',
      });
    }
    const blocked = await login('buyer@example.com', 'stockroom');
    expect(blocked).toMatchObject({ status: 429, appCode: 'RATE_LIMITED' });
    expect(Number(blocked.retryAfter)).toBeGreaterThanOrEqual(1);
    // The account is the key, whatever its case or spacing.
    expect(await login('  Buyer@Example.com ', 'stockroom')).toMatchObject({
      status: 429,
      appCode: 'RATE_LIMITED',
    });
    // With the typed client: the appCode is in the error's data.
    const result = await attempt(() =>
      api.client().auth.login.mutate({ email: 'buyer@example.com', password: 'stockroom' }),
    );
    expect(result).toMatchObject({ outcome: 'RATE_LIMITED', status: 429 });
  });

  it('limits per account: another account signs in from the same address', async () => {
    expect(await login('staff@example.com', 'stockroom')).toMatchObject({ status: 200, appCode: undefined });
  });

  it('treats an unknown email like a real one, so the limit reveals nothing either', async () => {
    for (let i = 0; i < 3; i++) {
      expect(await login('ghost@example.com', `wrong-${i}`)).toMatchObject({ status: 401 });
    }
    expect(await login('ghost@example.com', 'stockroom')).toMatchObject({
      status: 429,
      appCode: 'RATE_LIMITED',
    });
  });
});

// ---------------------------------------------------------------- SSE

interface SseResult {
  text: string;
  error?: { message?: string; data?: { appCode?: string } };
}

/** Open an SSE subscription, read until it reports an error or has been quiet a moment after connecting. */
async function readSse(url: string, token: string | undefined): Promise<SseResult> {
  const abort = new AbortController();
  const res = await fetch(url, {
    headers: { accept: 'text/event-stream', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    signal: abort.signal,
  });
  if (!res.body) throw new Error(`no stream (HTTP ${res.status})`);
  const reader = res.body.getReader();
  const decoder = new TextDecoder();
  let text = '';
  const deadline = Date.now() + 5000;
  let quietUntil = Number.POSITIVE_INFINITY;
  try {
    while (Date.now() < Math.min(deadline, quietUntil)) {
      const wait = Math.max(1, Math.min(deadline, quietUntil) - Date.now());
      const chunk = await Promise.race([
        reader.read(),
        new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), wait)),
      ]);
      if (chunk === 'timeout') break;
      if (chunk.done) break;
      text += decoder.decode(chunk.value, { stream: true });
      const error = /event: serialized-error\ndata: (.*)\n/.exec(text);
      if (error?.[1]) return { text, error: JSON.parse(error[1]) as SseResult['error'] };
      if (text.includes('event: connected') && quietUntil === Number.POSITIVE_INFINITY)
        quietUntil = Date.now() + 500;
    }
    return { text };
  } finally {
    abort.abort();
    await reader.cancel().catch(() => {});
  }
}
