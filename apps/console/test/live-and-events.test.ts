import { afterEach, describe, expect, it, vi } from 'vitest';
import { describeEvent } from '../src/features/events/describe-event';
import { EventFeed, FreshOrders, type LiveEvent } from '../src/live/live-feed';
import type { EventCatalogue, EventType } from '../src/trpc';

/** An event as the API sends it; tests fill only the payload fields they look at. */
const event = <T extends EventType>(
  id: number,
  type: T = 'stock.changed' as T,
  payload: Partial<EventCatalogue[T]> = {},
): LiveEvent => {
  const about = type.slice(0, type.indexOf('.'));
  return {
    id,
    position: `1.${id}`,
    type,
    aggregateType: about === 'stock' ? 'stock_level' : about,
    aggregateId: `agg-${id}`,
    payload,
    createdAt: '2026-03-01T12:00:00Z',
  } as unknown as LiveEvent;
};

afterEach(() => vi.useRealTimers());

describe('EventFeed', () => {
  it('keeps the newest events first, once each, up to its capacity', () => {
    const feed = new EventFeed(3);
    let changes = 0;
    feed.subscribe(() => changes++);
    feed.add([event(2), event(1)]);
    feed.add([event(3)]);
    feed.add([event(2)]); // listed and then streamed: shown once
    feed.add([event(5), event(4)]);
    expect(feed.get().map((e) => e.id)).toEqual([5, 4, 3]);
    expect(changes).toBe(3);
  });
});

describe('FreshOrders', () => {
  it('marks arrivals and changes for a while, then forgets them', () => {
    vi.useFakeTimers();
    const fresh = new FreshOrders(1_000);
    fresh.mark('o1', 'new');
    fresh.mark('o1', 'changed'); // still new while fresh
    fresh.mark('o2', 'changed');
    expect([...fresh.get()]).toEqual([
      ['o1', 'new'],
      ['o2', 'changed'],
    ]);
    vi.advanceTimersByTime(1_100);
    expect(fresh.get().size).toBe(0);
  });
});

describe('describeEvent', () => {
  const code = (id: string) => (id === 'w1' ? 'NYC-1' : '?');

  it('describes a stock change with its deltas', () => {
    const line = describeEvent(
      event(1, 'stock.changed', {
        sku: 'EL-HDP-001',
        warehouseId: 'w1',
        kind: 'receive',
        onHandDelta: 10,
        reservedDelta: 0,
        available: 52,
        actor: 'user:u1',
      }),
      code,
    );
    expect(line).toMatchObject({
      title: 'EL-HDP-001 at NYC-1: receive',
      detail: '+10 on hand → 52 available',
      href: '/products/EL-HDP-001',
      actor: 'user:u1',
    });
  });

  it('describes order events and flags the ones that need a person', () => {
    expect(describeEvent(event(2, 'order.created', { number: 42 }), code).title).toBe('Order #42 placed');
    const attention = describeEvent(event(3, 'order.needs_attention', { number: 42 }), code);
    expect(attention.tone).toBe('attention');
    expect(attention.href).toBe('/orders/agg-3');
    const shipped = describeEvent(
      event(4, 'order.shipment_created', {
        number: 42,
        warehouseId: 'w1',
        carrier: 'UPS',
        trackingNumber: '1Z',
      }),
      code,
    );
    expect(shipped).toMatchObject({ title: 'Order #42: shipment from NYC-1', detail: 'UPS 1Z' });
  });

  it('says when a level runs low', () => {
    const low = describeEvent(
      event(6, 'stock.low', { sku: 'EL-HDP-001', warehouseId: 'w1', available: 2, safetyStock: 5 }),
      code,
    );
    expect(low).toMatchObject({
      title: 'EL-HDP-001 at NYC-1: low',
      detail: '2 available (safety stock 5)',
      tone: 'attention',
      actor: null,
    });
  });

  it('falls back to the type for events it does not know', () => {
    expect(describeEvent(event(5, 'audit.ran' as EventType), code).title).toBe('audit.ran');
  });
});
