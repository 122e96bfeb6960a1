/**
 * The tables of webhook endpoints and deliveries (webhooks.*): who may call
 * each procedure, and the malformed input each one refuses. Run through
 * createCaller by webhooks.test.ts; the REST routes and raw bodies are sent
 * over HTTP by http.test.ts.
 */
import type { RolesFixture } from './kit/fixture.js';
import { type MutationSpec, NF, V } from './kit/inputs.js';
import type { Row } from './kit/roles.js';

/** A webhook of the admin's to change or delete (nothing listens on port 9). */
async function freshWebhook(fx: RolesFixture): Promise<string> {
  const made = await fx.callers.admin.webhooks.create({
    url: 'http://127.0.0.1:9/fresh',
    events: ['order.paid'],
  });
  return made.id;
}

/** Who may call webhook endpoints and deliveries. */
export const ROWS: Row[] = [
  {
    procedure: 'webhooks.create',
    allowed: ['admin'],
    call: (c, who) => c.webhooks.create({ url: `http://127.0.0.1:9/made-by-${who}`, events: ['order.paid'] }),
  },
  { procedure: 'webhooks.list', allowed: ['admin'], call: (c) => c.webhooks.list() },
  {
    procedure: 'webhooks.update',
    allowed: ['admin'],
    call: async (c, who, fx) =>
      c.webhooks.update({
        id: who === 'admin' ? await freshWebhook(fx) : fx.guardWebhook.id,
        description: `changed by ${who}`,
      }),
  },
  {
    procedure: 'webhooks.delete',
    allowed: ['admin'],
    call: async (c, who, fx) =>
      c.webhooks.delete({ id: who === 'admin' ? await freshWebhook(fx) : fx.guardWebhook.id }),
  },
  {
    procedure: 'webhooks.deliveries',
    allowed: ['admin'],
    call: (c, _who, fx) => c.webhooks.deliveries({ webhookId: fx.guardWebhook.id, limit: 5 }),
  },
  {
    procedure: 'webhooks.redeliver',
    allowed: ['admin'],
    call: (c, _who, fx) => c.webhooks.redeliver({ deliveryId: fx.guardWebhook.deliveryId }),
  },
  {
    procedure: 'webhooks.rotateSecret',
    allowed: ['admin'],
    call: (c, _who, fx) => c.webhooks.rotateSecret({ id: fx.guardWebhook.id, graceSeconds: 60 }),
  },
];

/** Malformed input for each mutation (cases made by kit/inputs.ts `casesFor`). */
export const MUTATIONS: MutationSpec[] = [
  {
    procedure: 'webhooks.create',
    base: () => ({ url: 'http://127.0.0.1:9/bad-input', events: ['order.paid'], description: 'Bad input' }),
    fields: { url: 'webhookUrl', events: 'webhookEvents', description: 'optionalText' },
    required: ['url', 'events'],
    idempotent: true,
    rest: { method: 'POST', path: '/webhooks' },
  },
  {
    procedure: 'webhooks.update',
    base: (fx) => ({ id: fx.unknownId, url: 'http://127.0.0.1:9/x', events: ['order.paid'], active: true }),
    fields: {
      id: 'uuid',
      url: 'webhookUrl',
      events: 'webhookEvents',
      description: 'webhookDescription',
      active: 'boolean',
    },
    required: ['id'],
    idempotent: true,
    specials: [
      { label: 'nothing to change', input: (fx) => ({ id: fx.unknownId }), codes: V },
      { label: 'an unknown webhook', input: (fx) => ({ id: fx.unknownId, description: 'x' }), codes: NF },
    ],
    rest: { method: 'PATCH', path: '/webhooks/{id}' },
  },
  {
    procedure: 'webhooks.delete',
    base: (fx) => ({ id: fx.unknownId }),
    fields: { id: 'uuid' },
    required: ['id'],
    idempotent: true,
    specials: [{ label: 'an unknown webhook', input: (fx) => ({ id: fx.unknownId }), codes: NF }],
  },
  {
    procedure: 'webhooks.redeliver',
    base: (fx) => ({ deliveryId: fx.unknownId }),
    fields: { deliveryId: 'uuid' },
    required: ['deliveryId'],
    idempotent: true,
    specials: [{ label: 'an unknown delivery', input: (fx) => ({ deliveryId: fx.unknownId }), codes: NF }],
    rest: { method: 'POST', path: '/webhook-deliveries/{deliveryId}/redeliver', bodyless: true },
  },
];
