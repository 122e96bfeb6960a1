import {
  cancelOrder,
  clearCart,
  createPaidOrder,
  eventTypesAbout,
  getCart,
  getOrder,
  joinWaitlist,
  leaveWaitlist,
  listOrders,
  listWaitlist,
  ORDER_STATUSES,
  paymentFailed,
  paymentSucceeded,
  pickList,
  salesReport,
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
  ZPickList,
  ZPickListInput,
  ZSalesInput,
  ZSetCartItemInput,
  ZShipInput,
  ZUpdateStatusInput,
  ZWaitlistJoinInput,
  ZWaitlistLeaveInput,
  ZWaitlistListInput,
} from '@stockroom/core';
import { tracked } from '@trpc/server';
import { z } from 'zod';
import {
  ZCartOut,
  ZOrderOut,
  ZOrdersPageOut,
  ZOrderWithShipmentsOut,
  ZShipmentOut,
  ZWaitlistEntryOut,
  ZWaitlistPageOut,
} from '../order-schemas.js';
import { lagTolerant } from '../reads.js';
import { rest, ZSalesReportOut } from '../schemas.js';
import { allow, idempotentMutation, liveFor, router } from '../trpc.js';

const ORDER_EVENTS = eventTypesAbout('order');

export const cartRouter = router({
  get: allow('buyer')
    .meta({ openapi: rest('GET', '/cart', 'cart', "The buyer's cart, priced") })
    .output(ZCartOut)
    .query(({ ctx }) => getCart(ctx.db, ctx.actor, ctx.services.orderOptions)),
  setItem: idempotentMutation({
    allow: ['buyer'],
    meta: { openapi: rest('PUT', '/cart/items/{sku}', 'cart', "Set a line's quantity (0 removes it)") },
    input: ZSetCartItemInput,
    output: ZCartOut,
    run: (mutation, input, ctx) => setCartItem(mutation, input, ctx.services.orderOptions),
  }),
  clear: idempotentMutation({
    allow: ['buyer'],
    meta: { openapi: rest('DELETE', '/cart', 'cart', 'Empty the cart') },
    input: z.object({}).strict(),
    output: ZCartOut,
    wrap: (keyed) => keyed.optional(),
    run: (mutation, input, ctx) => clearCart(mutation, input, ctx.services.orderOptions),
  }),
});

export const checkoutRouter = router({
  start: idempotentMutation({
    allow: ['buyer', 'service'],
    meta: {
      scope: 'orders',
      openapi: rest(
        'POST',
        '/checkout',
        'checkout',
        'Start a checkout: an order awaiting payment, its stock held',
      ),
    },
    input: ZCheckoutInput,
    output: ZOrderOut,
    run: (mutation, input, ctx) => startCheckout(mutation, input, ctx.services.orderOptions),
  }),
  paymentSucceeded: idempotentMutation({
    allow: ['service'],
    meta: {
      scope: 'payments',
      openapi: rest(
        'POST',
        '/checkout/{orderId}/payment-succeeded',
        'checkout',
        'The payment provider took the money',
      ),
    },
    input: ZPaymentSucceededInput,
    output: ZOrderOut,
    run: (mutation, input, ctx) => paymentSucceeded(mutation, input, ctx.services.orderOptions),
  }),
  paymentFailed: idempotentMutation({
    allow: ['service'],
    meta: {
      scope: 'payments',
      openapi: rest(
        'POST',
        '/checkout/{orderId}/payment-failed',
        'checkout',
        'The payment failed: the order ends and its hold is released',
      ),
    },
    input: ZPaymentFailedInput,
    output: ZOrderOut,
    run: paymentFailed,
  }),
});

export const ordersRouter = router({
  create: idempotentMutation({
    allow: ['service', 'admin'],
    meta: {
      scope: 'orders',
      openapi: rest('POST', '/orders', 'orders', 'A paid order placed by another system'),
    },
    input: ZDirectOrderInput,
    output: ZOrderOut,
    run: (mutation, input, ctx) => createPaidOrder(mutation, input, ctx.services.orderOptions),
  }),
  /**
   * Units and revenue of paid-and-later lines of the seller's products (admins: all or `sellerId`).
   * Declared before `get`: REST matches paths in declaration order, so `/orders/sales` must
   * come before a `/orders/{id}`.
   */
  sales: allow('seller', 'admin')
    .meta({
      openapi: {
        method: 'GET',
        path: '/orders/sales',
        tags: ['orders'],
        summary: "Sales of a seller's products, by UTC day or by product",
        protect: true,
      },
    })
    .input(ZSalesInput)
    .output(ZSalesReportOut)
    .query(({ ctx, input }) => lagTolerant(ctx, (db) => salesReport(db, ctx.actor, input))),
  list: allow('staff', 'admin', 'buyer', 'service')
    .meta({ scope: 'orders', openapi: rest('GET', '/orders', 'orders', 'Orders (a buyer sees their own)') })
    .input(ZOrdersListInput)
    .output(ZOrdersPageOut)
    .query(({ ctx, input }) => lagTolerant(ctx, (db) => listOrders(db, ctx.actor, input))),
  pickList: allow('staff', 'admin', 'service')
    .meta({
      scope: 'orders',
      openapi: rest(
        'GET',
        '/warehouses/{warehouseId}/pick-list',
        'orders',
        'What to pick at a warehouse, by bin and SKU',
      ),
    })
    .input(ZPickListInput)
    .output(ZPickList)
    .query(({ ctx, input }) => pickList(ctx.db, ctx.actor, input)),
  get: allow('staff', 'admin', 'buyer', 'service')
    .meta({ scope: 'orders', openapi: rest('GET', '/orders/{id}', 'orders', 'One order') })
    .input(ZOrderIdInput)
    .output(ZOrderWithShipmentsOut)
    .query(({ ctx, input }) => getOrder(ctx.db, ctx.actor, input)),
  updateStatus: idempotentMutation({
    allow: ['staff', 'admin'],
    meta: { openapi: rest('POST', '/orders/{id}/status', 'orders', 'Move an order along its lifecycle') },
    input: ZUpdateStatusInput,
    output: ZOrderOut,
    run: (mutation, input, ctx) => updateOrderStatus(mutation, input, ctx.services.orderOptions),
  }),
  cancel: idempotentMutation({
    allow: ['staff', 'admin', 'buyer'],
    meta: { openapi: rest('POST', '/orders/{id}/cancel', 'orders', 'Cancel an order') },
    input: ZCancelInput,
    output: ZOrderOut,
    run: cancelOrder,
  }),
  ship: idempotentMutation({
    allow: ['staff', 'admin'],
    meta: {
      openapi: rest('POST', '/orders/{id}/ship', 'orders', 'Ship an order from a warehouse (id or code)'),
    },
    input: ZShipInput,
    output: ZShipmentOut,
    run: shipOrder,
  }),
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
        // The types asked for are all about orders; this tells the compiler so (order payloads).
        if (event.aggregateType !== 'order') continue;
        if (input?.status && event.payload.status !== input.status) continue;
        yield tracked(event.position, event);
      }
    }),
});

export const waitlistRouter = router({
  join: idempotentMutation({
    allow: ['buyer'],
    meta: { openapi: rest('POST', '/waitlist', 'waitlist', 'Wait for stock of a product') },
    input: ZWaitlistJoinInput,
    output: ZWaitlistEntryOut,
    run: (mutation, input, ctx) => joinWaitlist(mutation, input, ctx.services.reserveOptions),
  }),
  // Own entries only; another buyer's entry is NOT_FOUND (its existence is not told).
  leave: idempotentMutation({
    allow: ['buyer'],
    meta: {
      openapi: rest(
        'POST',
        '/waitlist/{id}/leave',
        'waitlist',
        'Leave the waitlist (an offered entry releases its hold)',
      ),
    },
    input: ZWaitlistLeaveInput,
    output: ZWaitlistEntryOut,
    run: leaveWaitlist,
  }),
  list: allow('staff', 'admin', 'buyer')
    .meta({ openapi: rest('GET', '/waitlist', 'waitlist', 'Waitlist entries (a buyer sees their own)') })
    .input(ZWaitlistListInput)
    .output(ZWaitlistPageOut)
    .query(({ ctx, input }) => lagTolerant(ctx, (db) => listWaitlist(db, ctx.actor, input))),
});
