/**
 * The event catalogue: every event type the outbox holds, its payload, the
 * aggregate it is about, and whether webhooks may subscribe to it. Writers
 * (`newEvent`, the builders), the readers, the webhook schemas, the API's
 * live streams and the console all take their types from here.
 *
 * To add an event type: add its payload to `EventCatalogue` and its entry to
 * `EVENT_CATALOGUE` (the compiler refuses one without the other), then write
 * it with `newEvent` in the transaction that makes the change.
 */
import type { MovementKind, OrderStatus } from '@stockroom/db';

interface Acted {
  /** Who did it: `user:<id>`, `service:<id>` or `system:<name>`. */
  actor: string;
}

export interface StockChangedPayload extends Acted {
  warehouseId: string;
  productId: string;
  sku: string;
  kind: MovementKind;
  onHandDelta: number;
  reservedDelta: number;
  /** The level after the change. */
  onHand: number;
  reserved: number;
  available: number;
  version: number;
  reference: string | null;
}

/** Written by the `stock_low_event` trigger (migration 2026-12-03T0005-webhooks), not by core. */
interface StockLowPayload {
  warehouseId: string;
  productId: string;
  sku: string;
  onHand: number;
  reserved: number;
  available: number;
  safetyStock: number;
  version: number;
}

export interface ReservationCreatedPayload extends Acted {
  id: string;
  reference: string | null;
  lines: { sku: string; warehouseId: string; quantity: number }[];
}

interface ReservationEndedPayload extends Acted {
  id: string;
}

interface ReservationExtendedPayload extends Acted {
  id: string;
  expiresAt: string;
}

/** What every order event carries: the order after the change. */
export interface OrderEventBase extends Acted {
  id: string;
  number: number;
  status: OrderStatus;
  version: number;
}

interface OrderMoved extends OrderEventBase {
  /** The status before. */
  from: OrderStatus;
}

interface OrderShortage {
  sku: string;
  warehouseId?: string;
  requested: number;
  available: number;
}

/** A product as the catalogue answers it (catalog's `Product`; events sit below catalog). */
interface ProductSnapshot {
  id: string;
  sku: string;
  name: string;
  description: string;
  category: string;
  priceMinor: number;
  currency: string;
  sellerId: string | null;
  active: boolean;
  createdAt: string;
  updatedAt: string;
}

/** A warehouse as the API answers it (catalog's `Warehouse`). */
interface WarehouseSnapshot {
  id: string;
  code: string;
  name: string;
  address: string | null;
  latitude: number;
  longitude: number;
  capacity: number | null;
  timezone: string;
  priority: number;
  active: boolean;
  createdAt: string;
  updatedAt: string;
}

/** Each event type's payload (`events.payload`, the webhook body's `data`). */
export interface EventCatalogue {
  'order.created': OrderEventBase & { totalMinor: number };
  /** `reReserved`: paid after the hold ended, stock held again; `resolved`: an order that needed attention. */
  'order.paid': OrderEventBase & { reReserved?: true; resolved?: true };
  'order.payment_failed': OrderEventBase & { reason: string };
  'order.expired': OrderEventBase;
  'order.needs_attention': OrderEventBase & { shortages: OrderShortage[] };
  'order.picking': OrderMoved;
  'order.shipment_created': OrderEventBase & {
    shipmentId: string;
    warehouseId: string;
    carrier: string;
    trackingNumber: string;
  };
  'order.cancelled': OrderMoved & { reason: string };
  'order.shipped': OrderMoved;
  'order.delivered': OrderMoved;
  'reservation.created': ReservationCreatedPayload;
  'reservation.confirmed': ReservationEndedPayload;
  'reservation.released': ReservationEndedPayload;
  'reservation.expired': ReservationEndedPayload;
  'reservation.extended': ReservationExtendedPayload;
  'stock.changed': StockChangedPayload;
  'stock.low': StockLowPayload;
  'waitlist.joined': {
    id: string;
    buyerId: string;
    sku: string;
    warehouseId: string | null;
    quantity: number;
  };
  'waitlist.offered': {
    id: string;
    buyerId: string;
    sku: string;
    warehouseId: string;
    quantity: number;
    reservationId: string;
    expiresAt: string;
  };
  'waitlist.left': {
    id: string;
    buyerId: string;
    from: 'waiting' | 'offered';
    /** The offered hold released by leaving, if any. */
    releasedReservationId: string | null;
  };
  'product.created': Acted & { product: ProductSnapshot };
  'product.updated': Acted & { changed: string[]; product: ProductSnapshot };
  'product.archived': Acted & { product: ProductSnapshot };
  'warehouse.created': Acted & { warehouse: WarehouseSnapshot };
  'warehouse.updated': Acted & { changed: string[]; warehouse: WarehouseSnapshot };
  'webhook.disabled': {
    id: string;
    url: string;
    reason: string;
    failingSince: string | null;
    consecutiveFailures: number;
    disabledAt: string | null;
  };
}

export type EventType = keyof EventCatalogue;

type Aggregate = 'order' | 'reservation' | 'stock_level' | 'waitlist' | 'product' | 'warehouse' | 'webhook';

interface EventInfo {
  /** The events row's `aggregate_type`. */
  aggregate: Aggregate;
  /** Whether a webhook endpoint may subscribe to it (API.md, issue [C]). */
  webhook: boolean;
  description: string;
}

/** What the running code knows of each type; in this order everywhere a list is shown. */
export const EVENT_CATALOGUE = {
  'order.created': { aggregate: 'order', webhook: true, description: 'checkout started or order placed' },
  'order.paid': { aggregate: 'order', webhook: true, description: 'payment confirmed' },
  'order.payment_failed': { aggregate: 'order', webhook: false, description: 'a payment attempt failed' },
  'order.expired': { aggregate: 'order', webhook: true, description: 'not paid in time; stock released' },
  'order.needs_attention': { aggregate: 'order', webhook: true, description: 'paid, but the stock was gone' },
  'order.picking': { aggregate: 'order', webhook: false, description: 'picking started' },
  'order.shipment_created': {
    aggregate: 'order',
    webhook: false,
    description: 'a warehouse shipped its part',
  },
  'order.cancelled': { aggregate: 'order', webhook: true, description: 'cancelled; stock released' },
  'order.shipped': { aggregate: 'order', webhook: true, description: 'every warehouse has shipped' },
  'order.delivered': { aggregate: 'order', webhook: true, description: 'delivered' },
  'reservation.created': { aggregate: 'reservation', webhook: false, description: 'stock held' },
  'reservation.confirmed': {
    aggregate: 'reservation',
    webhook: false,
    description: 'a hold became an order',
  },
  'reservation.released': { aggregate: 'reservation', webhook: false, description: 'a hold was let go' },
  'reservation.expired': { aggregate: 'reservation', webhook: true, description: 'a hold ran out' },
  'reservation.extended': { aggregate: 'reservation', webhook: false, description: 'a hold was extended' },
  'stock.changed': { aggregate: 'stock_level', webhook: false, description: 'a stock level changed' },
  'stock.low': { aggregate: 'stock_level', webhook: true, description: 'available fell to the safety stock' },
  'waitlist.joined': { aggregate: 'waitlist', webhook: false, description: 'a buyer joined the waitlist' },
  'waitlist.offered': {
    aggregate: 'waitlist',
    webhook: true,
    description: 'a waiting buyer was offered stock',
  },
  'waitlist.left': { aggregate: 'waitlist', webhook: false, description: 'a buyer left the waitlist' },
  'product.created': { aggregate: 'product', webhook: false, description: 'a product was added' },
  'product.updated': { aggregate: 'product', webhook: false, description: 'a product was changed' },
  'product.archived': { aggregate: 'product', webhook: false, description: 'a product was archived' },
  'warehouse.created': { aggregate: 'warehouse', webhook: false, description: 'a warehouse was added' },
  'warehouse.updated': { aggregate: 'warehouse', webhook: false, description: 'a warehouse was changed' },
  'webhook.disabled': { aggregate: 'webhook', webhook: true, description: 'an endpoint was switched off' },
} as const satisfies { [T in EventType]: EventInfo };

type Catalogue = typeof EVENT_CATALOGUE;

/** Every event type, in catalogue order. */
export const EVENT_TYPES = Object.keys(EVENT_CATALOGUE) as EventType[];

/** The types webhooks may subscribe to. */
export type WebhookEventType = {
  [T in EventType]: Catalogue[T]['webhook'] extends true ? T : never;
}[EventType];
export const WEBHOOK_EVENT_TYPES = EVENT_TYPES.filter(
  (type): type is WebhookEventType => EVENT_CATALOGUE[type].webhook,
);

/** The types about one aggregate (`'order'` → `'order.created' | …`). */
export type EventTypeAbout<A extends Aggregate> = {
  [T in EventType]: Catalogue[T]['aggregate'] extends A ? T : never;
}[EventType];
export const eventTypesAbout = <A extends Aggregate>(aggregate: A): EventTypeAbout<A>[] =>
  EVENT_TYPES.filter((type): type is EventTypeAbout<A> => EVENT_CATALOGUE[type].aggregate === aggregate);

/** An event to write: its type decides its aggregate and its payload's shape. */
export type NewEvent<T extends EventType = EventType> = {
  [K in T]: {
    type: K;
    aggregateType: Catalogue[K]['aggregate'];
    aggregateId: string;
    payload: EventCatalogue[K];
  };
}[T];

/** An event of one type, to append: `newEvent('order.paid', order.id, { … })`. */
export function newEvent<T extends EventType>(
  type: T,
  aggregateId: string,
  payload: EventCatalogue[T],
): NewEvent<T> {
  return { type, aggregateType: EVENT_CATALOGUE[type].aggregate, aggregateId, payload } as NewEvent<T>;
}

/** An event as read from the outbox, narrowed by its `type`. */
export type StockroomEvent<T extends EventType = EventType> = {
  [K in T]: {
    id: number;
    /** Opaque position; resume after it. */
    position: string;
    type: K;
    aggregateType: Catalogue[K]['aggregate'];
    aggregateId: string;
    payload: EventCatalogue[K];
    createdAt: string;
  };
}[T];
