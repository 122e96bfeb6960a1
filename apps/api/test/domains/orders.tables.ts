/**
 * The tables of the cart, checkout and orders (cart.*, checkout.*, orders.*):
 * who may call each procedure, and the malformed input each one refuses. Run
 * through createCaller by orders.test.ts; the REST routes and raw bodies are
 * sent over HTTP by http.test.ts.
 */
import {
  MAIN,
  paidOrderAcross,
  paidOrderAt,
  pendingOrder,
  type RolesFixture,
  SHIP_TO,
  unique,
} from './kit/fixture.js';
import { type MutationSpec, NF, type QueryRefusal, refusals, UUID_A, V } from './kit/inputs.js';
import { isAllowed, type Row } from './kit/roles.js';

const staffOrAdmin = ['staff', 'admin'] as const;

async function pickingOrderAt(fx: RolesFixture, warehouseId: string): Promise<string> {
  const order = await paidOrderAt(fx, warehouseId);
  await fx.callers.admin.orders.updateStatus({ id: order.id, status: 'picking' });
  return order.id;
}

/** Who may call the cart, checkout and orders. */
export const ROWS: Row[] = [
  {
    procedure: 'orders.pickList',
    note: "NYC-1, staff's",
    staffScoped: true,
    allowed: ['staff', 'admin', 'service'],
    call: (c, _who, fx) => c.orders.pickList({ warehouseId: fx.wh.nyc }),
  },
  {
    procedure: 'orders.pickList',
    note: "DFW-1, not staff's",
    allowed: ['admin', 'service'],
    call: (c, _who, fx) => c.orders.pickList({ warehouseId: fx.wh.dfw }),
  },
  { procedure: 'cart.get', allowed: ['buyer'], call: (c) => c.cart.get() },
  {
    procedure: 'cart.setItem',
    allowed: ['buyer'],
    call: (c) => c.cart.setItem({ sku: MAIN, quantity: 1 }),
  },
  { procedure: 'cart.clear', allowed: ['buyer'], call: (c) => c.cart.clear() },
  {
    procedure: 'checkout.start',
    allowed: ['buyer', 'service'],
    call: (c) => c.checkout.start({ shipTo: SHIP_TO, lines: [{ sku: MAIN, quantity: 1 }] }),
  },
  {
    procedure: 'checkout.paymentSucceeded',
    allowed: ['service'],
    // Refused callers aim at the buyer's pending order (made before the table): it must stay unpaid.
    call: async (c, who, fx) =>
      c.checkout.paymentSucceeded({
        orderId: who === 'service' ? await pendingOrder(fx) : fx.buyerOrder,
        paymentReference: unique('pay'),
      }),
  },
  {
    procedure: 'checkout.paymentFailed',
    allowed: ['service'],
    call: async (c, who, fx) =>
      c.checkout.paymentFailed({
        orderId: who === 'service' ? await pendingOrder(fx) : fx.buyerOrder,
        reason: 'card declined',
      }),
  },
  {
    procedure: 'orders.create',
    allowed: ['service', 'admin'],
    call: (c, _who, fx) =>
      c.orders.create({
        lines: [{ sku: MAIN, quantity: 1, warehouseId: fx.wh.nyc }],
        customer: { name: 'Phone Sale', email: 'phone@example.com' },
        shipTo: SHIP_TO,
      }),
  },
  {
    procedure: 'orders.sales',
    note: "sellers: their own products'",
    allowed: ['seller', 'admin'],
    call: (c) => c.orders.sales({ groupBy: 'product' }),
  },
  {
    procedure: 'orders.sales',
    note: "another seller's",
    allowed: ['admin'],
    call: (c, _who, fx) => c.orders.sales({ groupBy: 'day', sellerId: fx.users.seller2 }),
  },
  {
    procedure: 'orders.list',
    note: 'buyers see their own',
    allowed: ['staff', 'admin', 'buyer', 'service'],
    call: (c) => c.orders.list({ limit: 5 }),
  },
  {
    // API.md lists "staff+, its buyer"; the router and core also let the checkout service read orders.
    procedure: 'orders.get',
    note: "the buyer's own",
    allowed: ['staff', 'admin', 'buyer', 'service'],
    call: (c, _who, fx) => c.orders.get({ id: fx.buyerOrder }),
  },
  {
    procedure: 'orders.updateStatus',
    note: "held at NYC-1, staff's",
    staffScoped: true,
    allowed: staffOrAdmin,
    call: async (c, who, fx) =>
      c.orders.updateStatus({
        id: isAllowed(staffOrAdmin, who) ? (await paidOrderAt(fx, fx.wh.nyc)).id : fx.guardOrders.nyc.id,
        status: 'picking',
      }),
  },
  {
    procedure: 'orders.updateStatus',
    note: "held at DFW-1, not staff's",
    allowed: ['admin'],
    call: async (c, who, fx) =>
      c.orders.updateStatus({
        id: who === 'admin' ? (await paidOrderAt(fx, fx.wh.dfw)).id : fx.guardOrders.dfw.id,
        status: 'picking',
      }),
  },
  {
    procedure: 'orders.cancel',
    note: "held at NYC-1, staff's; the buyer's own",
    staffScoped: true,
    allowed: ['staff', 'admin', 'buyer'],
    call: async (c, who, fx) => {
      const id =
        who === 'buyer'
          ? await pendingOrder(fx, fx.callers.buyer)
          : who === 'staff' || who === 'admin'
            ? (await paidOrderAt(fx, fx.wh.nyc)).id
            : fx.guardOrders.nyc.id;
      return c.orders.cancel({ id, reason: 'changed my mind' });
    },
  },
  {
    procedure: 'orders.cancel',
    note: "held at DFW-1, not staff's",
    allowed: ['admin'],
    call: async (c, who, fx) =>
      c.orders.cancel({
        id: who === 'admin' ? (await paidOrderAt(fx, fx.wh.dfw)).id : fx.guardOrders.dfw.id,
        reason: 'changed my mind',
      }),
  },
  {
    // Staff need EVERY warehouse of the order: NYC-1 is theirs, DFW-1 is not.
    procedure: 'orders.cancel',
    note: "held at NYC-1 and DFW-1, only NYC-1 staff's",
    allowed: ['admin'],
    call: async (c, who, fx) =>
      c.orders.cancel({
        id: who === 'admin' ? (await paidOrderAcross(fx)).id : fx.guardOrders.mixed.id,
        reason: 'changed my mind',
      }),
  },
  {
    procedure: 'orders.updateStatus',
    note: "held at NYC-1 and DFW-1, only NYC-1 staff's",
    allowed: ['admin'],
    call: async (c, who, fx) =>
      c.orders.updateStatus({
        id: who === 'admin' ? (await paidOrderAcross(fx)).id : fx.guardOrders.mixed.id,
        status: 'picking',
      }),
  },
  {
    procedure: 'orders.ship',
    note: "from NYC-1, staff's",
    staffScoped: true,
    allowed: staffOrAdmin,
    call: async (c, who, fx) =>
      c.orders.ship({
        id: isAllowed(staffOrAdmin, who) ? await pickingOrderAt(fx, fx.wh.nyc) : fx.guardOrders.nyc.id,
        warehouseId: fx.wh.nyc,
        carrier: 'UPS',
        trackingNumber: unique('1Z'),
      }),
  },
  {
    procedure: 'orders.ship',
    note: "from DFW-1, not staff's",
    allowed: ['admin'],
    call: async (c, who, fx) =>
      c.orders.ship({
        id: who === 'admin' ? await pickingOrderAt(fx, fx.wh.dfw) : fx.guardOrders.dfw.id,
        warehouseId: fx.wh.dfw,
        carrier: 'UPS',
        trackingNumber: unique('1Z'),
      }),
  },
];

/** Malformed input for each mutation (cases made by kit/inputs.ts `casesFor`). */
export const MUTATIONS: MutationSpec[] = [
  {
    procedure: 'cart.setItem',
    as: 'buyer',
    base: () => ({ sku: 'EL-HDP-001', quantity: 2 }),
    fields: { sku: 'sku', quantity: 'cartQuantity' },
    required: ['sku', 'quantity'],
    idempotent: true,
    specials: [
      { label: 'an unknown product', input: () => ({ sku: 'ZZ-NONE-001', quantity: 1 }), codes: NF },
    ],
  },
  {
    procedure: 'cart.clear',
    as: 'buyer',
    emptyIsValid: true,
    base: () => ({}),
    fields: {},
    required: [],
    idempotent: true,
  },
  {
    procedure: 'checkout.start',
    as: 'buyer',
    base: () => ({
      shipTo: { latitude: 40.7, longitude: -74, address: '1 Main St' },
      lines: [{ sku: 'EL-HDP-001', quantity: 1 }],
    }),
    fields: { shipTo: 'orderShipTo' },
    required: ['shipTo'],
    idempotent: true,
    array: {
      field: 'lines',
      max: 100,
      item: () => ({ sku: 'EL-HDP-001', quantity: 1 }),
      itemFields: { sku: 'sku', quantity: 'quantity' },
      itemRequired: ['sku', 'quantity'],
    },
    specials: [
      {
        label: 'an unknown product',
        input: () => ({
          shipTo: { latitude: 0, longitude: 0 },
          lines: [{ sku: 'ZZ-NONE-001', quantity: 1 }],
        }),
        codes: NF,
      },
    ],
  },
  {
    procedure: 'checkout.paymentSucceeded',
    as: 'service',
    base: (fx) => ({ orderId: fx.unknownId, paymentReference: 'pay-1' }),
    fields: { orderId: 'uuid', paymentReference: 'text' },
    required: ['orderId', 'paymentReference'],
    idempotent: true,
    specials: [
      {
        label: 'an unknown order',
        input: (fx) => ({ orderId: fx.unknownId, paymentReference: 'p' }),
        codes: NF,
      },
      {
        label: 'a 201-character payment reference',
        input: (fx) => ({ orderId: fx.unknownId, paymentReference: 'p'.repeat(201) }),
        codes: V,
      },
    ],
  },
  {
    procedure: 'checkout.paymentFailed',
    as: 'service',
    base: (fx) => ({ orderId: fx.unknownId, reason: 'card declined' }),
    fields: { orderId: 'uuid', reason: 'reason' },
    required: ['orderId', 'reason'],
    idempotent: true,
    specials: [
      { label: 'an unknown order', input: (fx) => ({ orderId: fx.unknownId, reason: 'x' }), codes: NF },
    ],
  },
  {
    procedure: 'orders.create',
    base: (fx) => ({
      lines: [{ sku: 'EL-HDP-001', quantity: 1, warehouseId: fx.nyc }],
      customer: { name: 'Ann', email: 'ann@example.com' },
      shipTo: { latitude: 40.7, longitude: -74 },
    }),
    fields: { customer: 'customer', shipTo: 'orderShipTo' },
    required: ['lines', 'customer', 'shipTo'],
    idempotent: true,
    array: {
      field: 'lines',
      max: 100,
      item: (fx) => ({ sku: 'EL-HDP-001', quantity: 1, warehouseId: fx.nyc }),
      itemFields: { sku: 'sku', quantity: 'quantity', warehouseId: 'uuid' },
      itemRequired: ['sku', 'quantity'],
    },
    specials: [
      {
        label: 'more than exists',
        input: (fx) => ({
          lines: [{ sku: 'EL-HDP-001', quantity: 1_000_000, warehouseId: fx.nyc }],
          customer: { name: 'Ann', email: 'ann@example.com' },
          shipTo: { latitude: 0, longitude: 0 },
        }),
        codes: ['INSUFFICIENT_STOCK'],
      },
    ],
  },
  {
    procedure: 'orders.updateStatus',
    base: (fx) => ({ id: fx.unknownId, status: 'picking', expectedVersion: 1 }),
    fields: { id: 'uuid', status: 'orderStatus', expectedVersion: 'optionalVersion' },
    required: ['id', 'status'],
    idempotent: true,
    specials: [
      { label: 'an unknown order', input: (fx) => ({ id: fx.unknownId, status: 'picking' }), codes: NF },
    ],
  },
  {
    procedure: 'orders.cancel',
    base: (fx) => ({ id: fx.unknownId, reason: 'customer asked' }),
    fields: { id: 'uuid', reason: 'reason' },
    required: ['id', 'reason'],
    idempotent: true,
    specials: [{ label: 'an unknown order', input: (fx) => ({ id: fx.unknownId, reason: 'x' }), codes: NF }],
  },
  {
    procedure: 'orders.ship',
    base: (fx) => ({
      id: fx.unknownId,
      warehouseId: fx.nyc,
      carrier: 'UPS',
      trackingNumber: '1Z999AA10123456784',
    }),
    fields: { id: 'uuid', warehouseId: 'uuid', carrier: 'carrier', trackingNumber: 'trackingNumber' },
    required: ['id', 'warehouseId', 'carrier', 'trackingNumber'],
    idempotent: true,
    specials: [
      {
        label: 'an unknown order',
        input: (fx) => ({ id: fx.unknownId, warehouseId: fx.nyc, carrier: 'UPS', trackingNumber: '1Z' }),
        codes: NF,
      },
    ],
  },
];

/** Query inputs refused with VALIDATION_FAILED. */
export const QUERIES: QueryRefusal[] = [
  ...refusals('orders.sales', [
    ['no groupBy', {}],
    ['an unknown groupBy', { groupBy: 'week' }],
    ['groupBy null', { groupBy: null }],
    ['from not a date', { groupBy: 'day', from: 'yesterday' }],
    ['from in year 10000', { groupBy: 'day', from: '+010000-01-01T00:00:00Z' }],
    ['to before from', { groupBy: 'day', from: '2026-03-02T00:00:00Z', to: '2026-03-01T00:00:00Z' }],
    ['from equal to to', { groupBy: 'day', from: '2026-03-02T00:00:00Z', to: '2026-03-02T00:00:00Z' }],
    ['a SQL sku', { groupBy: 'product', sku: "x'; drop table orders; --" }],
    ['a bad sellerId', { groupBy: 'product', sellerId: 'not-a-uuid' }],
    ['an unknown field', { groupBy: 'day', warehouseId: UUID_A }],
  ]),
];
