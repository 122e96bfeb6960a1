/**
 * Rotate an endpoint's signing secret. The new secret is shown once; the one it
 * replaces stays valid for `graceSeconds` (default a day): until then every
 * delivery carries two signatures (`webhook-signature: v1,<new> v1,<old>`,
 * Standard Webhooks' space-separated list), so a receiver verifying with
 * either secret accepts it. After the window only the new secret signs. A
 * rotation inside an earlier window replaces the older secret: at most two sign.
 */
import { sql } from 'kysely';
import { runMutation } from '../idempotency/index.js';
import type { MutationContext } from '../shared/context.js';
import { notFound } from '../shared/errors.js';
import { parseInput } from '../shared/validate.js';
import {
  type CreatedWebhook,
  DEFAULT_SECRET_GRACE_SECONDS,
  type RotateWebhookSecretInput,
  ZRotateWebhookSecretInput,
} from './schemas.js';
import { decryptWebhookSecret, encryptWebhookSecret, generateWebhookSecret } from './secrets.js';
import { assertMayManageWebhooks, toWebhookDto, type WebhookOptions } from './webhooks.js';

export async function rotateWebhookSecret(
  ctx: MutationContext,
  options: Pick<WebhookOptions, 'secretKey'>,
  input: RotateWebhookSecretInput,
): Promise<CreatedWebhook> {
  assertMayManageWebhooks(ctx.actor);
  const data = parseInput(ZRotateWebhookSecretInput, input);
  const grace = data.graceSeconds ?? DEFAULT_SECRET_GRACE_SECONDS;
  // Like create, the stored idempotent answer leaves the secret out; it is read back below.
  const { result } = await runMutation(ctx.db, ctx.idempotency, input, async (trx) => {
    const row = await trx
      .updateTable('webhooks')
      .set({
        secretCiphertext: encryptWebhookSecret(generateWebhookSecret(), options.secretKey),
        previousSecretCiphertext: grace > 0 ? sql<string>`secret_ciphertext` : null,
        previousSecretExpiresAt: grace > 0 ? sql<Date>`now() + make_interval(secs => ${grace})` : null,
        secretRotatedAt: sql`now()`,
        updatedAt: sql`now()`,
      })
      .where('id', '=', data.id)
      .returningAll()
      .executeTakeFirst();
    if (!row) throw notFound('Webhook', { id: data.id });
    return toWebhookDto(row);
  });
  const row = await ctx.db.selectFrom('webhooks').selectAll().where('id', '=', result.id).executeTakeFirst();
  if (!row) throw notFound('Webhook', { id: result.id });
  return { ...toWebhookDto(row), secret: decryptWebhookSecret(row.secretCiphertext, options.secretKey) };
}
