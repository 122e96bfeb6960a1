/** One line a person can read for each kind of event in the outbox. */
import { formatSigned } from '../../lib/format';
import type { StockroomEvent } from '../../trpc';

type Fields = 'type' | 'aggregateType' | 'aggregateId' | 'payload';
type PickEach<T, K extends keyof T> = T extends unknown ? Pick<T, K> : never;
/** What describing needs of an event; its `type` (and `aggregateType`) narrow its payload. */
export type DescribableEvent = PickEach<StockroomEvent, Fields>;
type About<A extends DescribableEvent['aggregateType']> = Extract<DescribableEvent, { aggregateType: A }>;

export interface EventDescription {
  title: string;
  detail: string | null;
  tone: 'stock' | 'order' | 'attention' | 'hold' | 'catalog';
  /** Where the thing the event is about lives in the console. */
  href: string | null;
  actor: string | null;
}

type WarehouseCode = (id: string) => string;

/** The part of the type after the dot: `order.paid` → `paid`. */
const actionOf = (event: DescribableEvent) => event.type.slice(event.type.indexOf('.') + 1);
const productHref = (sku: string) => `/products/${encodeURIComponent(sku)}`;

export function describeEvent(
  event: DescribableEvent,
  warehouseCode: WarehouseCode = (id) => id.slice(0, 8),
): EventDescription {
  const actor = 'actor' in event.payload ? event.payload.actor : null;
  const action = actionOf(event);
  switch (event.aggregateType) {
    case 'stock_level':
      return { ...describeStock(event, warehouseCode), actor };
    case 'order':
      return { ...describeOrder(event, warehouseCode), actor };
    case 'reservation':
      return {
        title: `Hold ${event.aggregateId.slice(0, 8)} ${action}`,
        detail: null,
        tone: 'hold',
        href: null,
        actor,
      };
    case 'product': {
      const { sku, name } = event.payload.product;
      const href = event.type === 'product.archived' ? null : productHref(sku);
      return { title: `Product ${sku} ${action}`, detail: name, tone: 'catalog', href, actor };
    }
    case 'warehouse': {
      const { code, name } = event.payload.warehouse;
      return {
        title: `Warehouse ${code} ${action}`,
        detail: name,
        tone: 'catalog',
        href: '/warehouses',
        actor,
      };
    }
    case 'waitlist': {
      const sku = event.type === 'waitlist.left' ? null : event.payload.sku;
      const quantity = event.type === 'waitlist.left' ? null : event.payload.quantity;
      return {
        title: `Waitlist ${action}${sku ? `: ${sku}` : ''}`,
        detail: quantity !== null ? `${quantity} units` : null,
        tone: 'hold',
        href: null,
        actor,
      };
    }
    case 'webhook':
      return {
        title: `Webhook ${event.payload.url} switched off`,
        detail: event.payload.reason,
        tone: 'attention',
        href: '/webhooks',
        actor,
      };
    default: {
      // A type this console does not know yet (the outbox outlives releases).
      const { type } = event as { type: string };
      return { title: type, detail: null, tone: 'catalog', href: null, actor };
    }
  }
}

function describeStock(event: About<'stock_level'>, warehouseCode: WarehouseCode) {
  const where = warehouseCode(event.payload.warehouseId);
  const href = productHref(event.payload.sku);
  if (event.type === 'stock.low') {
    const { sku, available, safetyStock } = event.payload;
    return {
      title: `${sku} at ${where}: low`,
      detail: `${available} available (safety stock ${safetyStock})`,
      tone: 'attention' as const,
      href,
    };
  }
  const { sku, kind, onHandDelta, reservedDelta, available } = event.payload;
  const parts = [
    onHandDelta !== 0 ? `${formatSigned(onHandDelta)} on hand` : null,
    reservedDelta !== 0 ? `${formatSigned(reservedDelta)} reserved` : null,
  ].filter(Boolean);
  return {
    title: `${sku} at ${where}: ${kind}`,
    detail: `${parts.join(', ') || 'no change'} → ${available} available`,
    tone: 'stock' as const,
    href,
  };
}

function describeOrder(event: About<'order'>, warehouseCode: WarehouseCode) {
  const label = `Order #${event.payload.number}`;
  const titles: Record<Exclude<About<'order'>['type'], 'order.shipment_created'>, string> = {
    'order.created': `${label} placed`,
    'order.paid': `${label} paid`,
    'order.payment_failed': `${label}: payment failed`,
    'order.needs_attention': `${label} needs attention`,
    'order.expired': `${label} expired`,
    'order.picking': `${label}: picking started`,
    'order.shipped': `${label} shipped`,
    'order.delivered': `${label} delivered`,
    'order.cancelled': `${label} cancelled`,
  };
  if (event.type === 'order.shipment_created') {
    const { warehouseId, carrier, trackingNumber } = event.payload;
    return {
      title: `${label}: shipment from ${warehouseCode(warehouseId)}`,
      detail: [carrier, trackingNumber].filter(Boolean).join(' ') || null,
      tone: 'order' as const,
      href: `/orders/${event.aggregateId}`,
    };
  }
  const title = titles[event.type];
  const detail =
    event.type === 'order.cancelled' || event.type === 'order.payment_failed' ? event.payload.reason : null;
  const attention = event.type === 'order.needs_attention' || event.type === 'order.payment_failed';
  return {
    title,
    detail: detail || null,
    tone: attention ? ('attention' as const) : ('order' as const),
    href: `/orders/${event.aggregateId}`,
  };
}
