import type { RouterOutputs, WebhookEventType } from '../../trpc';

export type Webhook = RouterOutputs['webhooks']['list'][number];
export type CreatedWebhook = RouterOutputs['webhooks']['create'];
export type Delivery = RouterOutputs['webhooks']['deliveries']['items'][number];
export interface WebhookFormValues {
  url: string;
  description: string;
  events: WebhookEventType[];
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
