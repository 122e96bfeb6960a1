/**
 * Output shapes of API.md, as zod schemas: they document the REST/OpenAPI
 * routes and keep what leaves the server to the contract.
 */
import type { StockroomEvent } from '@stockroom/core';
import { z } from 'zod';

export const ZStockLevelOut = z.object({
  warehouseId: z.string(),
  sku: z.string(),
  onHand: z.number().int(),
  reserved: z.number().int(),
  available: z.number().int(),
  version: z.number().int(),
  safetyStock: z.number().int(),
  updatedAt: z.string(),
});

export const ZReservationOut = z.object({
  id: z.string(),
  status: z.enum(['pending', 'confirmed', 'released', 'expired']),
  expiresAt: z.string(),
  reference: z.string().nullable(),
  lines: z.array(z.object({ sku: z.string(), warehouseId: z.string(), quantity: z.number().int() })),
  createdAt: z.string(),
});

export const ZReservationsPageOut = z.object({
  items: z.array(
    ZReservationOut.extend({
      owner: z.object({
        kind: z.enum(['user', 'service', 'system']),
        userId: z.string().nullable(),
        email: z.string().nullable(),
        label: z.string(),
      }),
    }),
  ),
  nextCursor: z.string().nullable(),
});

export const ZSyncOut = z.object({
  changed: z.array(ZStockLevelOut),
  unchanged: z.number().int(),
  stale: z.array(z.object({ warehouseId: z.string(), sku: z.string() })),
});

export const ZProductOut = z.object({
  id: z.string(),
  sku: z.string(),
  name: z.string(),
  description: z.string(),
  category: z.string(),
  priceMinor: z.number().int(),
  currency: z.string(),
  sellerId: z.string().nullable(),
  active: z.boolean(),
  createdAt: z.string(),
  updatedAt: z.string(),
});

export const ZProductWithStockOut = ZProductOut.extend({
  stock: z.object({
    total: z.object({ onHand: z.number().int(), reserved: z.number().int(), available: z.number().int() }),
    perWarehouse: z.array(ZStockLevelOut),
  }),
});

export const ZSearchPageOut = z.object({
  items: z.array(
    z.object({
      id: z.string(),
      sku: z.string(),
      name: z.string(),
      category: z.string(),
      priceMinor: z.number().int(),
      currency: z.string(),
      onHand: z.number().int(),
      reserved: z.number().int(),
      available: z.number().int(),
    }),
  ),
  nextCursor: z.string().nullable(),
});

export const ZHealthOut = z.object({ status: z.literal('ok'), now: z.string(), database: z.literal('ok') });

export const ZWebhookOut = z.object({
  id: z.string(),
  url: z.string(),
  events: z.array(z.string()),
  description: z.string().nullable(),
  active: z.boolean(),
  disabledReason: z.string().nullable(),
  disabledAt: z.string().nullable(),
  consecutiveFailures: z.number().int(),
  failingSince: z.string().nullable(),
  lastSuccessAt: z.string().nullable(),
  secretRotatedAt: z.string().nullable().describe('When the signing secret was last rotated'),
  previousSecretValidUntil: z
    .string()
    .nullable()
    .describe('Until when deliveries also carry a signature with the secret the last rotation replaced'),
  createdAt: z.string(),
  updatedAt: z.string(),
});

/** Only create and rotateSecret answer with the signing secret (`whsec_…`), and only once. */
export const ZCreatedWebhookOut = ZWebhookOut.extend({ secret: z.string() });

export const ZWebhookDeliveryOut = z.object({
  id: z.string(),
  webhookId: z.string(),
  messageId: z.string(),
  eventId: z.number().int(),
  type: z.string(),
  status: z.enum(['pending', 'failed', 'succeeded', 'dead']),
  attempts: z.number().int(),
  nextAttemptAt: z.string().nullable(),
  lastAttemptAt: z.string().nullable(),
  lastStatusCode: z.number().int().nullable(),
  lastLatencyMs: z.number().int().nullable(),
  lastResponse: z.string().nullable(),
  lastError: z.string().nullable(),
  redeliveryOf: z.string().nullable(),
  createdAt: z.string(),
  deliveredAt: z.string().nullable(),
  payload: z.record(z.string(), z.unknown()),
});

/** An OpenAPI operation for a procedure (the `openapi` part of `meta`). */
export const rest = (
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
  path: `/${string}`,
  tag: string,
  summary: string,
  protect = true,
) => ({ method, path, tags: [tag], summary, protect });
/** products.mine: a seller's products with stock per warehouse. */
export const ZMyProductsPageOut = z.object({
  items: z.array(
    ZProductOut.extend({
      stock: z.object({
        total: z.object({
          onHand: z.number().int(),
          reserved: z.number().int(),
          available: z.number().int(),
        }),
        perWarehouse: z.array(
          z.object({
            warehouseId: z.string(),
            warehouseCode: z.string(),
            onHand: z.number().int(),
            reserved: z.number().int(),
            available: z.number().int(),
          }),
        ),
      }),
    }),
  ),
  nextCursor: z.string().nullable(),
});

/** orders.sales: revenue is a string of digits (minor units), exact beyond 2^53. */
const ZSalesFiguresOut = z.object({
  units: z.number().int(),
  revenueMinor: z.string().regex(/^\d+$/),
  currency: z.string(),
});
export const ZSalesReportOut = z.object({
  rows: z.array(
    ZSalesFiguresOut.extend({
      day: z.string().optional(),
      sku: z.string().optional(),
      name: z.string().optional(),
    }),
  ),
  totals: z.array(ZSalesFiguresOut),
});

const ZRoleOut = z.enum(['admin', 'staff', 'seller', 'buyer']);

export const ZUserOut = z.object({
  id: z.string(),
  email: z.string(),
  name: z.string(),
  role: ZRoleOut,
  warehouseIds: z.array(z.string()).describe('The warehouses a staff member works in'),
  active: z.boolean(),
});

/** auth.login: the bearer token and who it belongs to. */
export const ZSessionOut = z.object({
  token: z.string().describe('Send as `Authorization: Bearer <token>`'),
  expiresAt: z.string(),
  user: ZUserOut,
});

export const ZRegisterOut = z.object({ status: z.literal('accepted'), message: z.string() });
export const ZLogoutOut = z.object({
  signedOut: z.boolean().describe('false for a service token (it has no session to end)'),
});

/** auth.me: a user, or a service token (`role: service`, no email). */
export const ZMeOut = z.object({
  id: z.string(),
  email: z.string().nullable(),
  name: z.string(),
  role: z.enum([...ZRoleOut.options, 'service']),
  warehouseIds: z.array(z.string()),
});

export const ZWarehouseOut = z.object({
  id: z.string(),
  code: z.string().describe('Short name usable wherever a warehouse id is (`NYC-1`)'),
  name: z.string(),
  address: z.string().nullable(),
  latitude: z.number(),
  longitude: z.number(),
  capacity: z.number().int().nullable(),
  timezone: z.string().describe('IANA time zone'),
  priority: z.number().int(),
  active: z.boolean(),
  createdAt: z.string(),
  updatedAt: z.string(),
});

const page = <T extends z.ZodType>(item: T) =>
  z.object({
    items: z.array(item),
    nextCursor: z.string().nullable().describe('Pass as `cursor` for the next page; null on the last'),
  });

export const ZStockLevelsPageOut = page(ZStockLevelOut);

export const ZMovementsPageOut = page(
  z.object({
    id: z.number().int(),
    warehouseId: z.string(),
    sku: z.string(),
    kind: z
      .string()
      .describe('receive, adjust, set, sync, reserve, release, expire, confirm, ship or return'),
    onHandDelta: z.number().int(),
    reservedDelta: z.number().int(),
    reason: z.string().nullable(),
    reference: z.string().nullable(),
    actor: z.string().describe('Who made the change: `user:<id>`, `service:<id>` or `system:<name>`'),
    createdAt: z.string(),
  }),
);

/**
 * One event: the schema documents (and checks) the envelope; its type says what
 * core's event catalogue says, so clients get each event type's payload typed.
 */
const ZEventOut = z.object({
  id: z.number().int(),
  position: z.string().describe('Opaque outbox position; resume after it'),
  type: z.string(),
  aggregateType: z.string(),
  aggregateId: z.string(),
  payload: z.record(z.string(), z.unknown()),
  createdAt: z.string(),
}) as unknown as z.ZodType<StockroomEvent>;

export const ZEventsPageOut = page(ZEventOut);

export const ZAuditOut = z.object({
  levelsChecked: z.number().int(),
  mismatches: z.array(
    z.object({
      check: z.enum(['ledger', 'holds']),
      warehouseId: z.string(),
      sku: z.string(),
      onHand: z.number().int(),
      reserved: z.number().int(),
      expectedOnHand: z.number().int(),
      expectedReserved: z.number().int(),
    }),
  ),
});
