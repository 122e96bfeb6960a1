import type { RouterOutputs } from '../../trpc';

export type Order = RouterOutputs['orders']['get'];
export type OrderStatus = Order['status'];

/** Every status, in the order staff care about: what needs a person first. */
export const ORDER_STATUSES: readonly OrderStatus[] = [
  'needs_attention',
  'paid',
  'picking',
  'pending_payment',
  'shipped',
  'delivered',
  'cancelled',
  'expired',
];

export const isOrderStatus = (value: string | null): value is OrderStatus =>
  value !== null && (ORDER_STATUSES as readonly string[]).includes(value);

/** What staff can do next with an order in this status. */
export function nextSteps(status: OrderStatus): {
  pick: boolean;
  ship: boolean;
  deliver: boolean;
  cancel: boolean;
  retry: boolean;
} {
  return {
    pick: status === 'paid',
    ship: status === 'picking',
    deliver: status === 'shipped',
    cancel: ['pending_payment', 'paid', 'picking', 'needs_attention'].includes(status),
    retry: status === 'needs_attention',
  };
}
