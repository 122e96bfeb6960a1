/**
 * Webhook endpoints and their delivery log: admins only (checked here, whoever
 * calls). Deliveries themselves are made by dispatch.ts.
 */
import type { Database, Db } from '@stockroom/db';
import { type Kysely, type Selectable, sql } from 'kysely';
import { z } from 'zod';
import { runMutation } from '../idempotency/index.js';
import { type Actor, actorLabel } from '../shared/actor.js';
import type { MutationContext } from '../shared/context.js';
import { decodeCursor } from '../shared/cursor.js';
import { iso } from '../shared/dto.js';
import { forbidden, notFound } from '../shared/errors.js';
import { paginate } from '../shared/paginate.js';
import type { Page } from '../shared/schemas.js';
import { parseInput } from '../shared/validate.js';
import {
  type CreatedWebhook,
  type DeliveryStatus,
  type Webhook,
  type WebhookCreateInput,
  type WebhookDeliveriesInput,
  type WebhookDelivery,
  type WebhookUpdateInput,
  ZRedeliverInput,
  ZWebhookCreateInput,
  ZWebhookDeliveriesInput,
  ZWebhookIdInput,
  ZWebhookUpdateInput,
} from './schemas.js';
import { decryptWebhookSecret, encryptWebhookSecret, generateWebhookSecret } from './secrets.js';
import { checkWebhookUrl, type Resolver, type WebhookUrlPolicy } from './url-policy.js';

export interface WebhookOptions {
  /** AES-256 key the signing secrets are stored under. */
  secretKey: Buffer;
  urlPolicy: WebhookUrlPolicy;
  /** DNS, replaceable in tests. */
  resolve?: Resolver;
}

type WebhookRow = Selectable<Database['webhooks']>;
type DeliveryRow = Selectable<Database['webhookDeliveries']>;

export function assertMayManageWebhooks(actor: Actor): void {
  if (actor.kind === 'system' || (actor.kind === 'user' && actor.role === 'admin')) return;
  throw forbidden('Only an admin can manage webhooks');
}

export function toWebhookDto(row: WebhookRow): Webhook {
  const at = (d: Date | null) => (d ? iso(d) : null);
  return {
    id: row.id,
    url: row.url,
    events: row.events,
    description: row.description,
    active: row.active,
    disabledReason: row.disabledReason,
    disabledAt: at(row.disabledAt),
    consecutiveFailures: row.consecutiveFailures,
    failingSince: at(row.failingSince),
    lastSuccessAt: at(row.lastSuccessAt),
    secretRotatedAt: at(row.secretRotatedAt),
    previousSecretValidUntil:
      row.previousSecretExpiresAt && row.previousSecretExpiresAt.getTime() > Date.now()
        ? iso(row.previousSecretExpiresAt)
        : null,
    createdAt: iso(row.createdAt),
    updatedAt: iso(row.updatedAt),
  };
}

export function toDeliveryDto(row: DeliveryRow): WebhookDelivery {
  const at = (d: Date | null) => (d ? iso(d) : null);
  const open = row.status === 'pending' || row.status === 'failed';
  return {
    id: row.id,
    webhookId: row.webhookId,
    messageId: String(row.payload.id),
    eventId: row.eventId,
    type: row.type,
    status: row.status as DeliveryStatus,
    attempts: row.attempts,
    nextAttemptAt: open ? iso(row.nextAttemptAt) : null,
    lastAttemptAt: at(row.lastAttemptAt),
    lastStatusCode: row.lastStatusCode,
    lastLatencyMs: row.lastLatencyMs,
    lastResponse: row.lastResponse,
    lastError: row.lastError,
    redeliveryOf: row.redeliveryOf,
    createdAt: iso(row.createdAt),
    deliveredAt: at(row.deliveredAt),
    payload: row.payload,
  };
}

/** Register an endpoint; the answer carries its signing secret, this once. */
export async function createWebhook(
  ctx: MutationContext,
  options: WebhookOptions,
  input: WebhookCreateInput,
): Promise<CreatedWebhook> {
  assertMayManageWebhooks(ctx.actor);
  const data = parseInput(ZWebhookCreateInput, input);
  const url = await checkWebhookUrl(data.url, options.urlPolicy, options.resolve);
  // The stored idempotent answer leaves the secret out; it is read back (decrypted) below.
  const { result } = await runMutation(ctx.db, ctx.idempotency, input, async (trx) => {
    const row = await trx
      .insertInto('webhooks')
      .values({
        url,
        events: data.events,
        description: data.description || null,
        secretCiphertext: encryptWebhookSecret(generateWebhookSecret(), options.secretKey),
        createdBy: actorLabel(ctx.actor),
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    return toWebhookDto(row);
  });
  const row = await ctx.db.selectFrom('webhooks').selectAll().where('id', '=', result.id).executeTakeFirst();
  if (!row) throw notFound('Webhook', { id: result.id });
  return { ...toWebhookDto(row), secret: decryptWebhookSecret(row.secretCiphertext, options.secretKey) };
}

export async function listWebhooks(db: Db, actor: Actor): Promise<Webhook[]> {
  assertMayManageWebhooks(actor);
  const rows = await db.selectFrom('webhooks').selectAll().orderBy('createdAt').orderBy('id').execute();
  return rows.map(toWebhookDto);
}

/** Change an endpoint. Switching it back on clears why it was disabled and its failure streak. */
export async function updateWebhook(
  ctx: MutationContext,
  options: WebhookOptions,
  input: WebhookUpdateInput,
): Promise<Webhook> {
  assertMayManageWebhooks(ctx.actor);
  const data = parseInput(ZWebhookUpdateInput, input);
  const url =
    data.url === undefined ? undefined : await checkWebhookUrl(data.url, options.urlPolicy, options.resolve);
  const { result } = await runMutation(ctx.db, ctx.idempotency, input, async (trx) => {
    let query = trx.updateTable('webhooks').set({ updatedAt: sql`now()` });
    if (url !== undefined) query = query.set({ url });
    if (data.events !== undefined) query = query.set({ events: data.events });
    if (data.description !== undefined) query = query.set({ description: data.description || null });
    if (data.active === true) {
      query = query.set({
        active: true,
        disabledReason: null,
        disabledAt: null,
        failingSince: null,
        consecutiveFailures: 0,
      });
    } else if (data.active === false) {
      query = query.set({
        active: false,
        disabledAt: sql`coalesce(disabled_at, now())`,
        disabledReason: sql`coalesce(disabled_reason, 'switched off by an admin')`,
      });
    }
    const row = await query.where('id', '=', data.id).returningAll().executeTakeFirst();
    if (!row) throw notFound('Webhook', { id: data.id });
    return toWebhookDto(row);
  });
  return result;
}

/** Remove an endpoint and its delivery log; nothing more is sent to it. */
export async function deleteWebhook(ctx: MutationContext, input: { id: string }): Promise<{ id: string }> {
  assertMayManageWebhooks(ctx.actor);
  const { id } = parseInput(ZWebhookIdInput, input);
  const { result } = await runMutation(ctx.db, ctx.idempotency, input, async (trx) => {
    const row = await trx.deleteFrom('webhooks').where('id', '=', id).returning('id').executeTakeFirst();
    if (!row) throw notFound('Webhook', { id });
    return { id: row.id };
  });
  return result;
}

/** An endpoint's delivery log, newest first. */
export async function listDeliveries(
  db: Db,
  actor: Actor,
  input: WebhookDeliveriesInput,
): Promise<Page<WebhookDelivery>> {
  assertMayManageWebhooks(actor);
  const data = parseInput(ZWebhookDeliveriesInput, input);
  const hook = await db
    .selectFrom('webhooks')
    .select('id')
    .where('id', '=', data.webhookId)
    .executeTakeFirst();
  if (!hook) throw notFound('Webhook', { id: data.webhookId });
  let query = db.selectFrom('webhookDeliveries').selectAll().where('webhookId', '=', data.webhookId);
  if (data.cursor) {
    const [seq] = decodeCursor(data.cursor, z.tuple([z.number().int().positive()]));
    query = query.where('seq', '<', seq);
  }
  const { rows, nextCursor } = await paginate(
    data.limit,
    (take) => query.orderBy('seq', 'desc').limit(take).execute(),
    (last) => [last.seq],
  );
  return { items: rows.map(toDeliveryDto), nextCursor };
}

/**
 * Send a delivery again, now. One still being retried is simply made due; a
 * finished one (succeeded or dead) gets a new delivery row naming it, with the
 * same message id (receivers deduplicate on it) and a fresh signature.
 */
export async function redeliver(
  ctx: MutationContext,
  input: { deliveryId: string },
): Promise<WebhookDelivery> {
  assertMayManageWebhooks(ctx.actor);
  const { deliveryId } = parseInput(ZRedeliverInput, input);
  const { result } = await runMutation(ctx.db, ctx.idempotency, input, (trx) =>
    redeliverInTrx(trx, deliveryId),
  );
  return result;
}

async function redeliverInTrx(trx: Kysely<Database>, deliveryId: string): Promise<WebhookDelivery> {
  const row = await trx
    .selectFrom('webhookDeliveries')
    .selectAll()
    .where('id', '=', deliveryId)
    .forUpdate()
    .executeTakeFirst();
  if (!row) throw notFound('Delivery', { id: deliveryId });
  if (row.status === 'pending' || row.status === 'failed') {
    const due = await trx
      .updateTable('webhookDeliveries')
      .set({ nextAttemptAt: sql`now()` })
      .where('id', '=', deliveryId)
      .returningAll()
      .executeTakeFirstOrThrow();
    return toDeliveryDto(due);
  }
  const copy = await trx
    .insertInto('webhookDeliveries')
    .values({
      webhookId: row.webhookId,
      eventId: row.eventId,
      eventPosition: row.eventPosition,
      type: row.type,
      aggregateType: row.aggregateType,
      aggregateId: row.aggregateId,
      payload: JSON.stringify(row.payload),
      redeliveryOf: row.id,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  return toDeliveryDto(copy);
}
