/** The shapes of orders: inputs (zod) and the answers of every order use case. */
import type { OrderStatus } from '@stockroom/db';
import { z } from 'zod';
import type { ReserveOptions } from '../holds/index.js';
import type { Shortage } from '../shared/errors.js';
import {
  ZCursor,
  ZDirection,
  ZLatitude,
  ZLimit,
  ZLongitude,
  ZQuantity,
  ZSku,
  ZUuid,
  ZWarehouseRef,
} from '../shared/schemas.js';
import type { PricingOptions } from './pricing.js';

export type OrderOptions = ReserveOptions & PricingOptions;

export const ORDER_STATUSES = [
  'pending_payment',
  'paid',
  'needs_attention',
  'picking',
  'shipped',
  'delivered',
  'cancelled',
  'expired',
] as const satisfies readonly OrderStatus[];

const ZShipTo = z
  .object({
    latitude: ZLatitude,
    longitude: ZLongitude,
    address: z.string().trim().min(1).max(500).optional(),
  })
  .strict();
const ZOrderLine = z.object({ sku: ZSku, quantity: ZQuantity }).strict();
export const ZCheckoutInput = z
  .object({ shipTo: ZShipTo, lines: z.array(ZOrderLine).min(1).max(100).optional() })
  .strict();
export const ZPaymentSucceededInput = z
  .object({ orderId: ZUuid, paymentReference: z.string().trim().min(1).max(200) })
  .strict();
export const ZPaymentFailedInput = z
  .object({ orderId: ZUuid, reason: z.string().trim().min(1).max(500) })
  .strict();
export const ZDirectOrderInput = z
  .object({
    lines: z
      .array(z.object({ sku: ZSku, quantity: ZQuantity, warehouseId: ZWarehouseRef.optional() }).strict())
      .min(1)
      .max(100),
    customer: z.object({ name: z.string().trim().min(1).max(200), email: z.email().max(254) }).strict(),
    shipTo: ZShipTo,
  })
  .strict();
export const ZOrdersListInput = z
  .object({
    status: z.enum(ORDER_STATUSES).optional(),
    warehouseId: ZWarehouseRef.optional(),
    cursor: ZCursor.optional(),
    limit: ZLimit,
    direction: ZDirection,
  })
  .strict();
export const ZOrderIdInput = z.object({ id: ZUuid }).strict();
export const ZUpdateStatusInput = z
  .object({ id: ZUuid, status: z.enum(ORDER_STATUSES), expectedVersion: z.number().int().min(1).optional() })
  .strict();
export const ZCancelInput = z.object({ id: ZUuid, reason: z.string().trim().min(1).max(500) }).strict();
export const ZShipInput = z
  .object({
    id: ZUuid,
    warehouseId: ZWarehouseRef,
    carrier: z.string().trim().min(1).max(100),
    trackingNumber: z
      .string()
      .trim()
      .min(1)
      .max(100)
      .regex(/^[\w .:/-]+$/, 'letters, digits, spaces and . : / - _'),
  })
  .strict();

export interface OrderItem {
  sku: string;
  name: string;
  quantity: number;
  unitPriceMinor: number;
  warehouseId: string;
}

export interface Shipment {
  id: string;
  orderId: string;
  warehouseId: string;
  carrier: string;
  trackingNumber: string;
  status: 'shipped' | 'delivered';
  shippedAt: string;
  deliveredAt: string | null;
}

export interface Order {
  id: string;
  number: number;
  status: OrderStatus;
  currency: string;
  subtotalMinor: number;
  taxMinor: number;
  totalMinor: number;
  items: OrderItem[];
  reservationId: string | null;
  expiresAt: string | null;
  version: number;
  createdAt: string;
  updatedAt: string;
  buyerId: string | null;
  customer: { name: string | null; email: string | null };
  shipTo: { latitude: number; longitude: number; address: string | null };
  /** Why the order needs attention (late payment without stock). */
  shortages: Shortage[] | null;
  paymentReference: string | null;
  lastPaymentError: string | null;
  cancelReason: string | null;
}

export interface OrderWithShipments extends Order {
  shipments: Shipment[];
}
