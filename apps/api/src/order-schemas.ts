/**
 * Output shapes of the cart, checkout, orders and waitlist procedures (API.md),
 * as zod schemas: they document the REST/OpenAPI routes and keep what leaves
 * the server to the contract. Money is in integer minor units of `currency`.
 */
import { ORDER_STATUSES } from '@stockroom/core';
import { z } from 'zod';

const ZMinor = z.number().int().describe('Minor units (cents) of the currency');

export const ZCartOut = z.object({
  items: z.array(
    z.object({
      sku: z.string(),
      name: z.string(),
      quantity: z.number().int(),
      unitPriceMinor: ZMinor,
      lineTotalMinor: ZMinor,
      available: z.number().int().describe('Units available across all warehouses right now (not a promise)'),
      active: z.boolean().describe('false: the product was archived; the line cannot be checked out'),
    }),
  ),
  currency: z.string().nullable().describe('null while the cart is empty'),
  subtotalMinor: ZMinor,
  taxMinor: ZMinor,
  totalMinor: ZMinor,
  overLimit: z
    .boolean()
    .describe('The total is more than one order may be: it can be trimmed, not checked out'),
});

export const ZOrderOut = z.object({
  id: z.string(),
  number: z.number().int(),
  status: z.enum(ORDER_STATUSES),
  currency: z.string(),
  subtotalMinor: ZMinor,
  taxMinor: ZMinor,
  totalMinor: ZMinor,
  items: z.array(
    z.object({
      sku: z.string(),
      name: z.string(),
      quantity: z.number().int(),
      unitPriceMinor: ZMinor,
      warehouseId: z.string().describe('Where the units are held'),
    }),
  ),
  reservationId: z.string().nullable(),
  expiresAt: z.string().nullable().describe('When an unpaid order expires'),
  version: z.number().int().describe('For `expectedVersion` on orders.updateStatus'),
  createdAt: z.string(),
  updatedAt: z.string(),
  buyerId: z.string().nullable(),
  customer: z.object({ name: z.string().nullable(), email: z.string().nullable() }),
  shipTo: z.object({ latitude: z.number(), longitude: z.number(), address: z.string().nullable() }),
  shortages: z
    .array(
      z.object({
        sku: z.string(),
        warehouseId: z.string().optional(),
        requested: z.number().int(),
        available: z.number().int(),
      }),
    )
    .nullable()
    .describe('Why the order needs attention (paid late, the stock gone)'),
  paymentReference: z.string().nullable(),
  lastPaymentError: z.string().nullable(),
  cancelReason: z.string().nullable(),
});

export const ZShipmentOut = z.object({
  id: z.string(),
  orderId: z.string(),
  warehouseId: z.string(),
  carrier: z.string(),
  trackingNumber: z.string(),
  status: z.enum(['shipped', 'delivered']),
  shippedAt: z.string(),
  deliveredAt: z.string().nullable(),
});

export const ZOrderWithShipmentsOut = ZOrderOut.extend({ shipments: z.array(ZShipmentOut) });

export const ZOrdersPageOut = z.object({ items: z.array(ZOrderOut), nextCursor: z.string().nullable() });

export const ZWaitlistEntryOut = z.object({
  id: z.string(),
  buyerId: z.string(),
  buyerEmail: z.string(),
  sku: z.string(),
  warehouseId: z.string().nullable().describe('null: any warehouse'),
  quantity: z.number().int(),
  status: z.enum(['waiting', 'offered', 'cancelled']),
  reservationId: z.string().nullable().describe('The hold made for an offered entry'),
  createdAt: z.string(),
  offeredAt: z.string().nullable(),
});

export const ZWaitlistPageOut = z.object({
  items: z.array(ZWaitlistEntryOut),
  nextCursor: z.string().nullable(),
});
