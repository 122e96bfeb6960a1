import {
  cancelOrder,
  clearCart,
  createPaidOrder,
  getCart,
  getOrder,
  joinWaitlist,
  listOrders,
  listWaitlist,
  ORDER_STATUSES,
  paymentFailed,
  paymentSucceeded,
  setCartItem,
  shipOrder,
  startCheckout,
  updateOrderStatus,
  ZCancelInput,
  ZCheckoutInput,
  ZDirectOrderInput,
  ZOrderIdInput,
  ZOrdersListInput,
  ZPaymentFailedInput,
  ZPaymentSucceededInput,
  ZSetCartItemInput,
  ZShipInput,
  ZUpdateStatusInput,
  ZWaitlistJoinInput,
  ZWaitlistListInput,
} from '@stockroom/core';
import { tracked } from '@trpc/server';
import { z } from 'zod';
import { allow, liveFor, mutationFor, router, splitKey, withIdempotencyKey } from '../trpc.js';

const ORDER_EVENTS = [
  'order.created',
  'order.paid',
  'order.payment_failed',
  'order.needs_attention',
  'order.expired',
  'order.picking',
  'order.shipment_created',
  'order.shipped',
  'order.delivered',
  'order.cancelled',
];

export const cartRouter = router({
  get: allow('buyer').query(({ ctx }) => getCart(ctx.db, ctx.actor, ctx.services.orderOptions)),
  setItem: mutationFor('buyer')
    .input(withIdempotencyKey(ZSetCartItemInput))
    .mutation(({ ctx, input }) => setCartItem(ctx.mutation, splitKey(input), ctx.services.orderOptions)),
  clear: mutationFor('buyer')
    .input(withIdempotencyKey(z.object({}).strict()).optional())
    .mutation(({ ctx, input }) =>
      clearCart(ctx.mutation, input ? splitKey(input) : {}, ctx.services.orderOptions),
    ),
});

export const checkoutRouter = router({
  start: mutationFor('buyer', 'service')
    .meta({ scope: 'orders' })
    .input(withIdempotencyKey(ZCheckoutInput))
    .mutation(({ ctx, input }) => startCheckout(ctx.mutation, splitKey(input), ctx.services.orderOptions)),
  paymentSucceeded: mutationFor('service')
    .meta({ scope: 'payments' })
    .input(withIdempotencyKey(ZPaymentSucceededInput))
    .mutation(({ ctx, input }) => paymentSucceeded(ctx.mutation, splitKey(input), ctx.services.orderOptions)),
  paymentFailed: mutationFor('service')
    .meta({ scope: 'payments' })
    .input(withIdempotencyKey(ZPaymentFailedInput))
    .mutation(({ ctx, input }) => paymentFailed(ctx.mutation, splitKey(input))),
});

export const ordersRouter = router({
  create: mutationFor('service', 'admin')
    .meta({ scope: 'orders' })
    .input(withIdempotencyKey(ZDirectOrderInput))
    .mutation(({ ctx, input }) => createPaidOrder(ctx.mutation, splitKey(input), ctx.services.orderOptions)),
  list: allow('staff', 'admin', 'buyer', 'service')
    .meta({ scope: 'orders' })
    .input(ZOrdersListInput)
    .query(({ ctx, input }) => listOrders(ctx.db, ctx.actor, input)),
  get: allow('staff', 'admin', 'buyer', 'service')
    .meta({ scope: 'orders' })
    .input(ZOrderIdInput)
    .query(({ ctx, input }) => getOrder(ctx.db, ctx.actor, input)),
  updateStatus: mutationFor('staff', 'admin')
    .input(withIdempotencyKey(ZUpdateStatusInput))
    .mutation(({ ctx, input }) =>
      updateOrderStatus(ctx.mutation, splitKey(input), ctx.services.orderOptions),
    ),
  cancel: mutationFor('staff', 'admin', 'buyer')
    .input(withIdempotencyKey(ZCancelInput))
    .mutation(({ ctx, input }) => cancelOrder(ctx.mutation, splitKey(input))),
  ship: mutationFor('staff', 'admin')
    .input(withIdempotencyKey(ZShipInput))
    .mutation(({ ctx, input }) => shipOrder(ctx.mutation, splitKey(input))),
  /** Order events, live (SSE), resumable from the last event id; optionally one status only. */
  onChange: liveFor('staff', 'admin')
    .input(
      z
        .object({ status: z.enum(ORDER_STATUSES).optional(), lastEventId: z.string().max(64).nullish() })
        .strict()
        .optional(),
    )
    .subscription(async function* ({ ctx, input, signal }) {
      for await (const event of ctx.services.bus.stream({
        after: input?.lastEventId,
        types: ORDER_EVENTS,
        signal,
      })) {
        if (input?.status && event.payload.status !== input.status) continue;
        yield tracked(event.position, event);
      }
    }),
});

export const waitlistRouter = router({
  join: mutationFor('buyer')
    .input(withIdempotencyKey(ZWaitlistJoinInput))
    .mutation(({ ctx, input }) => joinWaitlist(ctx.mutation, splitKey(input), ctx.services.reserveOptions)),
  list: allow('staff', 'admin', 'buyer')
    .input(ZWaitlistListInput)
    .query(({ ctx, input }) => listWaitlist(ctx.db, ctx.actor, input)),
});
