/**
 * Signing secrets: `whsec_` + base64 of 32 random bytes (the Standard Webhooks
 * format). The server signs with them, so they are stored encrypted
 * (AES-256-GCM, key from WEBHOOK_SECRET_KEY or derived from JWT_SECRET), not
 * hashed; they are shown once, on create, and never returned again.
 */
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

export function generateWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString('base64')}`;
}

/** A 32-byte key from any secret string (HKDF-SHA256, fixed context). */
export function deriveWebhookKey(material: string): Buffer {
  return Buffer.from(hkdfSync('sha256', material, 'stockroom', 'webhook signing secrets v1', 32));
}

export function encryptWebhookSecret(secret: string, key: Buffer): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  const body = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final()]);
  return ['v1', iv.toString('base64'), cipher.getAuthTag().toString('base64'), body.toString('base64')].join(
    ':',
  );
}

/** Throws when the key is not the one the secret was stored with. */
export function decryptWebhookSecret(stored: string, key: Buffer): string {
  const [version, iv, tag, body] = stored.split(':');
  if (version !== 'v1' || !iv || !tag || body === undefined) throw new Error('unknown webhook secret format');
  const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64'));
  decipher.setAuthTag(Buffer.from(tag, 'base64'));
  return Buffer.concat([decipher.update(Buffer.from(body, 'base64')), decipher.final()]).toString('utf8');
}
