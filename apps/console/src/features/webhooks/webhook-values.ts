import type { RouterInputs, RouterOutputs } from '../../trpc';

export type Webhook = RouterOutputs['webhooks']['list'][number];
export type CreatedWebhook = RouterOutputs['webhooks']['create'];
export type Delivery = RouterOutputs['webhooks']['deliveries']['items'][number];
export type EventType = RouterInputs['webhooks']['create']['events'][number];

/** Every event an endpoint may subscribe to (the API refuses others), grouped for the form. */
export const EVENT_TYPES: { value: EventType; hint: string }[] = [
  { value: 'order.created', hint: 'checkout started or order placed' },
  { value: 'order.paid', hint: 'payment confirmed' },
  { value: 'order.expired', hint: 'not paid in time; stock released' },
  { value: 'order.needs_attention', hint: 'paid, but the stock was gone' },
  { value: 'order.cancelled', hint: '' },
  { value: 'order.shipped', hint: '' },
  { value: 'order.delivered', hint: '' },
  { value: 'reservation.expired', hint: 'a hold ran out' },
  { value: 'stock.low', hint: 'available fell to the safety stock' },
  { value: 'waitlist.offered', hint: 'a waiting buyer was offered stock' },
  { value: 'webhook.disabled', hint: 'an endpoint was switched off' },
];

export interface WebhookFormValues {
  url: string;
  description: string;
  events: EventType[];
}

export type WebhookFormErrors = Partial<Record<keyof WebhookFormValues, string>>;

export const emptyWebhookForm: WebhookFormValues = { url: '', description: '', events: [] };

/** What the browser can tell before asking the API (which also checks where the URL points). */
export function validateWebhookForm(values: WebhookFormValues): WebhookFormErrors {
  const errors: WebhookFormErrors = {};
  const url = values.url.trim();
  if (!url) errors.url = 'Enter the URL to deliver to.';
  else if (!/^https?:\/\/\S+$/i.test(url))
    errors.url = 'The URL starts with https:// (or http:// in development).';
  if (values.events.length === 0) errors.events = 'Pick at least one event.';
  if (values.description.length > 500) errors.description = 'At most 500 characters.';
  return errors;
}

export const DELIVERY_TONE: Record<Delivery['status'], string> = {
  pending: 'info',
  failed: 'warning',
  succeeded: 'success',
  dead: 'danger',
};
