/** One line a person can read for each kind of event in the outbox. */
import { formatSigned, formatStatus } from '../../lib/format';

export interface DescribableEvent {
  type: string;
  aggregateId: string;
  payload: Record<string, unknown>;
}

export interface EventDescription {
  title: string;
  detail: string | null;
  tone: 'stock' | 'order' | 'attention' | 'hold' | 'catalog';
  /** Where the thing the event is about lives in the console. */
  href: string | null;
  actor: string | null;
}

const str = (value: unknown): string | null => (typeof value === 'string' ? value : null);
const num = (value: unknown): number | null => (typeof value === 'number' ? value : null);

export function describeEvent(
  event: DescribableEvent,
  warehouseCode: (id: string) => string = (id) => id.slice(0, 8),
): EventDescription {
  const p = event.payload;
  const actor = str(p.actor);
  const [kind, action = ''] = event.type.split('.');

  if (event.type === 'stock.changed') {
    const sku = str(p.sku) ?? '?';
    const where = warehouseCode(str(p.warehouseId) ?? '');
    const onHand = num(p.onHandDelta) ?? 0;
    const reserved = num(p.reservedDelta) ?? 0;
    const parts = [
      onHand !== 0 ? `${formatSigned(onHand)} on hand` : null,
      reserved !== 0 ? `${formatSigned(reserved)} reserved` : null,
    ].filter(Boolean);
    return {
      title: `${sku} at ${where}: ${str(p.kind) ?? 'change'}`,
      detail: `${parts.join(', ') || 'no change'} → ${num(p.available) ?? '?'} available`,
      tone: 'stock',
      href: `/products/${encodeURIComponent(sku)}`,
      actor,
    };
  }

  if (kind === 'order') return describeOrder(event, action, actor, warehouseCode);

  if (kind === 'reservation') {
    return {
      title: `Hold ${event.aggregateId.slice(0, 8)} ${action}`,
      detail: null,
      tone: 'hold',
      href: null,
      actor,
    };
  }

  if (kind === 'product') {
    const product = (p.product ?? {}) as Record<string, unknown>;
    const sku = str(product.sku) ?? str(p.sku);
    return {
      title: `Product ${sku ?? event.aggregateId.slice(0, 8)} ${action}`,
      detail: str(product.name),
      tone: 'catalog',
      href: sku && action !== 'archived' ? `/products/${encodeURIComponent(sku)}` : null,
      actor,
    };
  }

  if (kind === 'warehouse') {
    const warehouse = (p.warehouse ?? {}) as Record<string, unknown>;
    return {
      title: `Warehouse ${str(warehouse.code) ?? event.aggregateId.slice(0, 8)} ${action}`,
      detail: str(warehouse.name),
      tone: 'catalog',
      href: '/warehouses',
      actor,
    };
  }

  if (kind === 'waitlist') {
    const sku = str(p.sku);
    return {
      title: `Waitlist ${action}${sku ? `: ${sku}` : ''}`,
      detail: num(p.quantity) !== null ? `${num(p.quantity)} units` : null,
      tone: 'hold',
      href: null,
      actor,
    };
  }

  return { title: event.type, detail: null, tone: 'catalog', href: null, actor };
}

function describeOrder(
  event: DescribableEvent,
  action: string,
  actor: string | null,
  warehouseCode: (id: string) => string,
): EventDescription {
  const p = event.payload;
  const number = num(p.number);
  const label = number !== null ? `Order #${number}` : 'Order';
  const titles: Record<string, string> = {
    created: `${label} placed`,
    paid: `${label} paid`,
    payment_failed: `${label}: payment failed`,
    needs_attention: `${label} needs attention`,
    expired: `${label} expired`,
    picking: `${label}: picking started`,
    shipment_created: `${label}: shipment from ${warehouseCode(str(p.warehouseId) ?? '')}`,
    shipped: `${label} shipped`,
    delivered: `${label} delivered`,
    cancelled: `${label} cancelled`,
  };
  const detail =
    action === 'shipment_created'
      ? [str(p.carrier), str(p.trackingNumber)].filter(Boolean).join(' ')
      : action === 'cancelled'
        ? str(p.reason)
        : action === 'payment_failed'
          ? str(p.reason)
          : null;
  return {
    title: titles[action] ?? `${label}: ${formatStatus(action)}`,
    detail: detail || null,
    tone: action === 'needs_attention' || action === 'payment_failed' ? 'attention' : 'order',
    href: `/orders/${event.aggregateId}`,
    actor,
  };
}
