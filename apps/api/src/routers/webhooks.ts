import {
  createWebhook,
  deleteWebhook,
  listDeliveries,
  listWebhooks,
  redeliver,
  updateWebhook,
  ZRedeliverInput,
  ZWebhookCreateInput,
  ZWebhookDeliveriesInput,
  ZWebhookIdInput,
  ZWebhookUpdateInput,
} from '@stockroom/core';
import { z } from 'zod';
import { ZCreatedWebhookOut, ZWebhookDeliveryOut, ZWebhookOut } from '../schemas.js';
import { allow, mutationFor, router, splitKey, withIdempotencyKey } from '../trpc.js';

const rest = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', path: `/${string}`, summary: string) => ({
  openapi: { method, path, tags: ['webhooks'], summary, protect: true },
});

/** Webhook endpoints and their delivery log (admins). Deliveries are sent by src/webhooks/dispatcher.ts. */
export const webhooksRouter = router({
  create: mutationFor('admin')
    .meta(rest('POST', '/webhooks', 'Register an endpoint (the signing secret is shown this once)'))
    .input(withIdempotencyKey(ZWebhookCreateInput))
    .output(ZCreatedWebhookOut)
    .mutation(({ ctx, input }) => createWebhook(ctx.mutation, ctx.services.webhooks, splitKey(input))),
  list: allow('admin')
    .meta(rest('GET', '/webhooks', 'Every endpoint (no secrets)'))
    .input(z.void())
    .output(z.array(ZWebhookOut))
    .query(({ ctx }) => listWebhooks(ctx.db, ctx.actor)),
  update: mutationFor('admin')
    .meta(rest('PATCH', '/webhooks/{id}', 'Change an endpoint; active: true switches a disabled one back on'))
    .input(withIdempotencyKey(ZWebhookUpdateInput))
    .output(ZWebhookOut)
    .mutation(({ ctx, input }) => updateWebhook(ctx.mutation, ctx.services.webhooks, splitKey(input))),
  delete: mutationFor('admin')
    .meta(rest('DELETE', '/webhooks/{id}', 'Remove an endpoint and its delivery log'))
    .input(withIdempotencyKey(ZWebhookIdInput))
    .output(z.object({ id: z.string() }))
    .mutation(({ ctx, input }) => deleteWebhook(ctx.mutation, splitKey(input))),
  deliveries: allow('admin')
    .meta(rest('GET', '/webhooks/{webhookId}/deliveries', 'An endpoint’s delivery log, newest first'))
    .input(ZWebhookDeliveriesInput)
    .output(z.object({ items: z.array(ZWebhookDeliveryOut), nextCursor: z.string().nullable() }))
    .query(({ ctx, input }) => listDeliveries(ctx.db, ctx.actor, input)),
  redeliver: mutationFor('admin')
    .meta(rest('POST', '/webhook-deliveries/{deliveryId}/redeliver', 'Send a delivery again, now'))
    .input(withIdempotencyKey(ZRedeliverInput))
    .output(ZWebhookDeliveryOut)
    .mutation(({ ctx, input }) => redeliver(ctx.mutation, splitKey(input))),
});
