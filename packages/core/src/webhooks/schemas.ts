/**
 * Webhook inputs, the event types an endpoint may subscribe to, and the shapes
 * that leave core (never the signing secret, except once on create).
 */
import { z } from 'zod';
import { WEBHOOK_EVENT_TYPES } from '../events/index.js';
import { ZCursor, ZLimit, ZUuid } from '../shared/schemas.js';

/** What an endpoint may subscribe to: the catalogue's types flagged `webhook` (events/catalogue.ts). */
const ZWebhookEventType = z.enum(WEBHOOK_EVENT_TYPES, {
  error: () => `an event type, one of: ${WEBHOOK_EVENT_TYPES.join(', ')}`,
});
const ZEvents = z
  .array(ZWebhookEventType)
  .min(1, 'subscribe to at least one event type')
  .max(WEBHOOK_EVENT_TYPES.length)
  .refine((events) => new Set(events).size === events.length, 'name each event type once');
/** Syntax only here; whether the address may be called is the URL policy's (see url-policy.ts). */
const ZUrl = z.string().trim().min(1).max(2048);
const ZDescription = z.string().trim().max(500);

export const ZWebhookCreateInput = z
  .object({ url: ZUrl, events: ZEvents, description: ZDescription.optional() })
  .strict();
export type WebhookCreateInput = z.input<typeof ZWebhookCreateInput>;

export const ZWebhookUpdateInput = z
  .object({
    id: ZUuid,
    url: ZUrl.optional(),
    events: ZEvents.optional(),
    description: ZDescription.nullable().optional(),
    active: z.boolean().optional(),
  })
  .strict()
  .refine(
    (input) => Object.entries(input).some(([key, value]) => key !== 'id' && value !== undefined),
    'name at least one field to change',
  );
export type WebhookUpdateInput = z.input<typeof ZWebhookUpdateInput>;

export const ZWebhookIdInput = z.object({ id: ZUuid }).strict();
export const ZWebhookDeliveriesInput = z
  .object({ webhookId: ZUuid, cursor: ZCursor.optional(), limit: ZLimit })
  .strict();
export type WebhookDeliveriesInput = z.input<typeof ZWebhookDeliveriesInput>;
export const ZRedeliverInput = z.object({ deliveryId: ZUuid }).strict();

/** How long a rotated-out secret is still signed with: default a day, at most a week. */
export const DEFAULT_SECRET_GRACE_SECONDS = 24 * 3600;
const MAX_SECRET_GRACE_SECONDS = 7 * 24 * 3600;
export const ZRotateWebhookSecretInput = z
  .object({ id: ZUuid, graceSeconds: z.number().int().min(0).max(MAX_SECRET_GRACE_SECONDS).optional() })
  .strict();
export type RotateWebhookSecretInput = z.input<typeof ZRotateWebhookSecretInput>;

export interface Webhook {
  id: string;
  url: string;
  events: string[];
  description: string | null;
  active: boolean;
  /** Why the server switched it off (null while active, or when an admin paused it). */
  disabledReason: string | null;
  disabledAt: string | null;
  /** Attempts that failed since the last success. */
  consecutiveFailures: number;
  failingSince: string | null;
  lastSuccessAt: string | null;
  /** When the signing secret was last rotated (null: never). */
  secretRotatedAt: string | null;
  /** Until when deliveries are also signed with the secret the last rotation replaced (null: not any more). */
  previousSecretValidUntil: string | null;
  createdAt: string;
  updatedAt: string;
}

/** Returned by create and rotateSecret only: the (new) signing secret, `whsec_<base64>`, is shown this once. */
export interface CreatedWebhook extends Webhook {
  secret: string;
}

export type DeliveryStatus = 'pending' | 'failed' | 'succeeded' | 'dead';

export interface WebhookDelivery {
  id: string;
  webhookId: string;
  /** The message id (`webhook-id` header and body `id`), the same for every attempt and redelivery. */
  messageId: string;
  eventId: number;
  type: string;
  status: DeliveryStatus;
  attempts: number;
  nextAttemptAt: string | null;
  lastAttemptAt: string | null;
  lastStatusCode: number | null;
  lastLatencyMs: number | null;
  /** The first 1 KiB of the endpoint's last answer. */
  lastResponse: string | null;
  lastError: string | null;
  redeliveryOf: string | null;
  createdAt: string;
  deliveredAt: string | null;
  payload: Record<string, unknown>;
}
