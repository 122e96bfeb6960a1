import {
  createWebhook,
  deleteWebhook,
  listDeliveries,
  listWebhooks,
  redeliver,
  rotateWebhookSecret,
  updateWebhook,
  ZRedeliverInput,
  ZRotateWebhookSecretInput,
  ZWebhookCreateInput,
  ZWebhookDeliveriesInput,
  ZWebhookIdInput,
  ZWebhookUpdateInput,
} from '@stockroom/core';
import { z } from 'zod';
import { ZCreatedWebhookOut, ZWebhookDeliveryOut, ZWebhookOut } from '../schemas.js';
import { allow, idempotentMutation, router } from '../trpc.js';

const rest = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', path: `/${string}`, summary: string) => ({
  openapi: { method, path, tags: ['webhooks'], summary, protect: true },
});

/** Webhook endpoints and their delivery log (admins). Deliveries are sent by src/webhooks/dispatcher.ts. */
export const webhooksRouter = router({
  create: idempotentMutation({
    allow: ['admin'],
    meta: rest('POST', '/webhooks', 'Register an endpoint (the signing secret is shown this once)'),
    input: ZWebhookCreateInput,
    output: ZCreatedWebhookOut,
    run: (mutation, input, ctx) => createWebhook(mutation, ctx.services.webhooks, input),
  }),
  list: allow('admin')
    .meta(rest('GET', '/webhooks', 'Every endpoint (no secrets)'))
    .input(z.void())
    .output(z.array(ZWebhookOut))
    .query(({ ctx }) => listWebhooks(ctx.db, ctx.actor)),
  update: idempotentMutation({
    allow: ['admin'],
    meta: rest('PATCH', '/webhooks/{id}', 'Change an endpoint; active: true switches a disabled one back on'),
    input: ZWebhookUpdateInput,
    output: ZWebhookOut,
    run: (mutation, input, ctx) => updateWebhook(mutation, ctx.services.webhooks, input),
  }),
  delete: idempotentMutation({
    allow: ['admin'],
    meta: rest('DELETE', '/webhooks/{id}', 'Remove an endpoint and its delivery log'),
    input: ZWebhookIdInput,
    output: z.object({ id: z.string() }),
    run: deleteWebhook,
  }),
  rotateSecret: idempotentMutation({
    allow: ['admin'],
    meta: rest(
      'POST',
      '/webhooks/{id}/rotate-secret',
      'A new signing secret, shown this once; the old one also signs for graceSeconds (default 86400)',
    ),
    input: ZRotateWebhookSecretInput,
    output: ZCreatedWebhookOut,
    run: (mutation, input, ctx) => rotateWebhookSecret(mutation, ctx.services.webhooks, input),
  }),
  deliveries: allow('admin')
    .meta(rest('GET', '/webhooks/{webhookId}/deliveries', 'An endpoint’s delivery log, newest first'))
    .input(ZWebhookDeliveriesInput)
    .output(z.object({ items: z.array(ZWebhookDeliveryOut), nextCursor: z.string().nullable() }))
    .query(({ ctx, input }) => listDeliveries(ctx.db, ctx.actor, input)),
  redeliver: idempotentMutation({
    allow: ['admin'],
    meta: rest('POST', '/webhook-deliveries/{deliveryId}/redeliver', 'Send a delivery again, now'),
    input: ZRedeliverInput,
    output: ZWebhookDeliveryOut,
    run: redeliver,
  }),
});
