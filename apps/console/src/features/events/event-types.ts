/**
 * The console's words for each event type. The types themselves are the API's
 * event catalogue (core's events/catalogue.ts, types only): the compiler refuses
 * these tables if a type is missing or unknown, so the event log's filter and
 * the webhook picker always list what the API knows.
 */
import type { EventType, WebhookEventType } from '../../trpc';

export type EventGroup = 'stock' | 'orders' | 'holds' | 'catalogue' | 'waitlist' | 'webhooks';

/** What each event type is about, for the event log's filter. */
const GROUP_OF: Record<EventType, EventGroup> = {
  'order.created': 'orders',
  'order.paid': 'orders',
  'order.payment_failed': 'orders',
  'order.expired': 'orders',
  'order.needs_attention': 'orders',
  'order.picking': 'orders',
  'order.shipment_created': 'orders',
  'order.cancelled': 'orders',
  'order.shipped': 'orders',
  'order.delivered': 'orders',
  'reservation.created': 'holds',
  'reservation.confirmed': 'holds',
  'reservation.released': 'holds',
  'reservation.expired': 'holds',
  'reservation.extended': 'holds',
  'stock.changed': 'stock',
  'stock.low': 'stock',
  'waitlist.joined': 'waitlist',
  'waitlist.offered': 'waitlist',
  'waitlist.left': 'waitlist',
  'product.created': 'catalogue',
  'product.updated': 'catalogue',
  'product.archived': 'catalogue',
  'warehouse.created': 'catalogue',
  'warehouse.updated': 'catalogue',
  'webhook.disabled': 'webhooks',
};

const typesIn = (group: EventGroup) =>
  (Object.keys(GROUP_OF) as EventType[]).filter((type) => GROUP_OF[type] === group);

/** The event log's filter: event types by what they are about (the API filters by exact type). */
export const EVENT_GROUPS: Record<EventGroup, { label: string; types: EventType[] }> = {
  stock: { label: 'Stock changes', types: typesIn('stock') },
  orders: { label: 'Orders', types: typesIn('orders') },
  holds: { label: 'Holds', types: typesIn('holds') },
  catalogue: { label: 'Products and warehouses', types: typesIn('catalogue') },
  waitlist: { label: 'Waitlist', types: typesIn('waitlist') },
  webhooks: { label: 'Webhooks', types: typesIn('webhooks') },
};

/** A line for each type a webhook may subscribe to, in the form's order. */
const WEBHOOK_HINTS: Record<WebhookEventType, string> = {
  'order.created': 'checkout started or order placed',
  'order.paid': 'payment confirmed',
  'order.expired': 'not paid in time; stock released',
  'order.needs_attention': 'paid, but the stock was gone',
  'order.cancelled': '',
  'order.shipped': '',
  'order.delivered': '',
  'reservation.expired': 'a hold ran out',
  'stock.low': 'available fell to the safety stock',
  'waitlist.offered': 'a waiting buyer was offered stock',
  'webhook.disabled': 'an endpoint was switched off',
};

/** Every event an endpoint may subscribe to (the API refuses others), for the webhook form. */
export const WEBHOOK_EVENT_TYPES = (Object.keys(WEBHOOK_HINTS) as WebhookEventType[]).map((value) => ({
  value,
  hint: WEBHOOK_HINTS[value],
}));
