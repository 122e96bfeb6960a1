/**
 * Every REST procedure declares its answer with `.output()`, and tRPC parses
 * the answer with it: a field the schema does not name would be dropped from
 * the wire. These checks hold each schema to the exact type of the use case
 * it documents (type-checked by `pnpm typecheck`), so a field added to a use
 * case without its schema fails the build instead of vanishing. The server
 * refuses to start with a REST route that has no output schema.
 */
import type {
  authenticate,
  createPaidOrder,
  getCart,
  getOrder,
  joinWaitlist,
  listMovements,
  listOrders,
  listStockLevels,
  listUsers,
  listWaitlist,
  listWarehouses,
  listWebhooks,
  rotateWebhookSecret,
  shipOrder,
  verifyLedger,
} from '@stockroom/core';
import { initTRPC } from '@trpc/server';
import type { OpenApiMeta } from 'trpc-to-openapi';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { z } from 'zod';
import type {
  ZCartOut,
  ZOrderOut,
  ZOrdersPageOut,
  ZOrderWithShipmentsOut,
  ZShipmentOut,
  ZWaitlistEntryOut,
  ZWaitlistPageOut,
} from '../src/order-schemas.js';
import { assertOutputsDeclared } from '../src/rest.js';
import type {
  ZAuditOut,
  ZCreatedWebhookOut,
  ZMovementsPageOut,
  ZStockLevelsPageOut,
  ZUserOut,
  ZWarehouseOut,
  ZWebhookOut,
} from '../src/schemas.js';

type Answer<F extends (...args: never[]) => unknown> = Awaited<ReturnType<F>>;

describe('output schemas', () => {
  it('name exactly the fields of the use cases they document', () => {
    expectTypeOf<z.output<typeof ZUserOut>>().toEqualTypeOf<NonNullable<Answer<typeof authenticate>>>();
    expectTypeOf<z.output<typeof ZUserOut>[]>().toEqualTypeOf<Answer<typeof listUsers>>();
    expectTypeOf<z.output<typeof ZWarehouseOut>[]>().toEqualTypeOf<Answer<typeof listWarehouses>>();
    expectTypeOf<z.output<typeof ZStockLevelsPageOut>>().toEqualTypeOf<Answer<typeof listStockLevels>>();
    expectTypeOf<z.output<typeof ZMovementsPageOut>>().toEqualTypeOf<Answer<typeof listMovements>>();
    // Events (listEvents) are left out: the schema documents the envelope, core's event catalogue types each payload.
    expectTypeOf<z.output<typeof ZAuditOut>>().toEqualTypeOf<Answer<typeof verifyLedger>>();
    expectTypeOf<z.output<typeof ZCartOut>>().toEqualTypeOf<Answer<typeof getCart>>();
    expectTypeOf<z.output<typeof ZOrderOut>>().toEqualTypeOf<Answer<typeof createPaidOrder>>();
    expectTypeOf<z.output<typeof ZOrderWithShipmentsOut>>().toEqualTypeOf<Answer<typeof getOrder>>();
    expectTypeOf<z.output<typeof ZOrdersPageOut>>().toEqualTypeOf<Answer<typeof listOrders>>();
    expectTypeOf<z.output<typeof ZShipmentOut>>().toEqualTypeOf<Answer<typeof shipOrder>>();
    expectTypeOf<z.output<typeof ZWaitlistEntryOut>>().toEqualTypeOf<Answer<typeof joinWaitlist>>();
    expectTypeOf<z.output<typeof ZWaitlistPageOut>>().toEqualTypeOf<Answer<typeof listWaitlist>>();
    expectTypeOf<z.output<typeof ZWebhookOut>[]>().toEqualTypeOf<Answer<typeof listWebhooks>>();
    expectTypeOf<z.output<typeof ZCreatedWebhookOut>>().toEqualTypeOf<Answer<typeof rotateWebhookSecret>>();
  });

  it('the server refuses a REST route without one', () => {
    const t = initTRPC.meta<OpenApiMeta>().create();
    const openapi = { method: 'GET', path: '/x' } as const;
    const withOutput = t.router({
      x: t.procedure
        .meta({ openapi })
        .input(z.void())
        .output(z.object({ ok: z.boolean() }))
        .query(() => ({ ok: true })),
    });
    const without = t.router({
      x: t.procedure
        .meta({ openapi })
        .input(z.void())
        .query(() => ({ ok: true })),
      live: t.procedure.query(() => 1),
    });
    expect(() => assertOutputsDeclared(withOutput)).not.toThrow();
    expect(() => assertOutputsDeclared(without)).toThrow('REST procedures without an output schema: x');
    expect(() => assertOutputsDeclared()).not.toThrow();
  });
});
