/**
 * The event catalogue is the one list of event types: webhooks subscribe to
 * the ones it flags, and writing an event with the wrong payload for its type
 * does not compile (the `@ts-expect-error` lines fail `pnpm typecheck` if the
 * catalogue ever stops refusing them).
 */
import type { Database } from '@stockroom/db';
import type { Kysely } from 'kysely';
import { describe, expect, it } from 'vitest';
import { EVENT_CATALOGUE, EVENT_TYPES, newEvent, WEBHOOK_EVENT_TYPES } from '../src/events/index.js';
import { ZWebhookCreateInput } from '../src/index.js';
import { orderEvent } from '../src/orders/order-writes.js';
import type { Order } from '../src/orders/schemas.js';

describe('event catalogue', () => {
  it('lists each type once; webhooks may subscribe to the flagged ones, in the order API.md gives', () => {
    expect(new Set(EVENT_TYPES).size).toBe(EVENT_TYPES.length);
    expect(WEBHOOK_EVENT_TYPES).toEqual([
      'order.created',
      'order.paid',
      'order.expired',
      'order.needs_attention',
      'order.cancelled',
      'order.shipped',
      'order.delivered',
      'reservation.expired',
      'stock.low',
      'waitlist.offered',
      'webhook.disabled',
    ]);
    for (const type of EVENT_TYPES)
      expect(type.startsWith(`${EVENT_CATALOGUE[type].aggregate.split('_')[0]}.`)).toBe(true);
  });

  it('refuses a webhook subscription to a type the catalogue does not flag', () => {
    const url = 'https://example.com/hook';
    expect(ZWebhookCreateInput.safeParse({ url, events: ['order.paid', 'stock.low'] }).success).toBe(true);
    const refused = ZWebhookCreateInput.safeParse({ url, events: ['stock.changed'] });
    expect(refused.error?.issues[0]?.message).toMatch(/^an event type, one of: order\.created, /);
  });

  it('writes the aggregate its type is about', () => {
    const event = newEvent('reservation.extended', 'r1', {
      id: 'r1',
      expiresAt: '2026-01-01T00:00:00Z',
      actor: 'user:u1',
    });
    expect(event).toEqual({
      type: 'reservation.extended',
      aggregateType: 'reservation',
      aggregateId: 'r1',
      payload: { id: 'r1', expiresAt: '2026-01-01T00:00:00Z', actor: 'user:u1' },
    });
  });

  it('types every payload by its event type (checked by the compiler)', () => {
    const trx = undefined as unknown as Kysely<Database>;
    const order = undefined as unknown as Order;
    const base = { id: 'o1', number: 1, status: 'paid', version: 2, actor: 'user:u1' } as const;
    // Never run: each line compiles only because its mistake is expected.
    const mistakes = [
      // @ts-expect-error order.paid carries no total
      () => newEvent('order.paid', 'o1', { ...base, totalMinor: 100 }),
      // @ts-expect-error order.created must say its total
      () => newEvent('order.created', 'o1', base),
      // @ts-expect-error a type the catalogue does not know
      () => newEvent('order.refunded', 'o1', base),
      // @ts-expect-error a stock change names its level
      () => newEvent('stock.changed', 'w1:A', { onHandDelta: 1 }),
      // @ts-expect-error order.cancelled says why
      () => orderEvent(trx, order, 'order.cancelled', 'user:u1', { from: 'paid' }),
      // @ts-expect-error order.paid adds nothing but its flags
      () => orderEvent(trx, order, 'order.paid', 'user:u1', { shortages: [] }),
      // @ts-expect-error only order types are order events
      () => orderEvent(trx, order, 'stock.low', 'user:u1'),
    ];
    const fine = [
      () => orderEvent(trx, order, 'order.expired', 'system:sweeper'),
      () => orderEvent(trx, order, 'order.paid', 'user:u1', { reReserved: true }),
      () => orderEvent(trx, order, 'order.created', 'user:u1', { totalMinor: 100 }),
    ];
    expect(mistakes.length + fine.length).toBe(10);
  });
});
