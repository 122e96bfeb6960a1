/**
 * One webhook attempt over HTTP: signed per Standard Webhooks (the
 * `standardwebhooks` reference library), bounded in time and size, never
 * following redirects, and connecting only to addresses the URL policy approved
 * at that moment (the DNS answer is checked and then used, so a name cannot
 * resolve to a public address for the check and a private one for the send).
 */
import type { LookupAddress, LookupOptions } from 'node:dns';
import {
  type AttemptOutcome,
  type ClaimedDelivery,
  decryptWebhookSecret,
  isIpLiteral,
  parseWebhookUrl,
  resolveAllowed,
  type WebhookUrlPolicy,
} from '@stockroom/core';
import { Webhook } from 'standardwebhooks';
import { Agent, request } from 'undici';

/** Request bodies above this are not sent (the delivery is dead at once). */
const MAX_BODY_BYTES = 256 * 1024;
/** How much of an answer is read and kept. */
const MAX_RESPONSE_BYTES = 1024;

export interface SenderOptions {
  secretKey: Buffer;
  urlPolicy: WebhookUrlPolicy;
  timeoutMs: number;
}

export interface Sender {
  send(delivery: ClaimedDelivery): Promise<AttemptOutcome>;
  close(): Promise<void>;
}

type LookupCallback = (error: Error | null, address: string | LookupAddress[], family?: number) => void;

export function createSender(options: SenderOptions): Sender {
  // net.connect asks this for the addresses of a host name (IP literals are checked before the request).
  const lookup = (hostname: string, lookupOptions: LookupOptions, callback: LookupCallback) => {
    resolveAllowed(hostname, options.urlPolicy).then(
      (addresses) => {
        if (lookupOptions.all) callback(null, addresses);
        else callback(null, (addresses[0] as LookupAddress).address, (addresses[0] as LookupAddress).family);
      },
      (error: Error) => callback(error, []),
    );
  };
  const agent = new Agent({
    connect: { lookup: lookup as never, timeout: options.timeoutMs },
    headersTimeout: options.timeoutMs,
    bodyTimeout: options.timeoutMs,
    connections: 16,
  });

  return {
    async send(delivery) {
      const started = performance.now();
      const elapsed = () => performance.now() - started;
      const body = JSON.stringify(delivery.payload);
      if (Buffer.byteLength(body) > MAX_BODY_BYTES) {
        return { ok: false, latencyMs: 0, error: 'payload larger than 256 KiB; not sent', permanent: true };
      }
      let url: URL;
      try {
        url = parseWebhookUrl(delivery.url, options.urlPolicy);
        // Names are resolved and checked by the connection's lookup; literals never reach it.
        if (isIpLiteral(url.hostname)) await resolveAllowed(url.hostname, options.urlPolicy);
      } catch (error) {
        return { ok: false, latencyMs: 0, error: messageOf(error) };
      }
      const timestamp = new Date();
      // During a rotation's grace window: `v1,<new> v1,<old>` (either secret verifies).
      const signature = [delivery.secretCiphertext, delivery.previousSecretCiphertext]
        .filter((stored): stored is string => stored !== null)
        .map((stored) =>
          new Webhook(decryptWebhookSecret(stored, options.secretKey)).sign(
            delivery.messageId,
            timestamp,
            body,
          ),
        )
        .join(' ');
      try {
        const answer = await request(url, {
          method: 'POST',
          dispatcher: agent,
          body,
          headers: {
            'content-type': 'application/json',
            'user-agent': 'Stockroom-Webhooks/1.0',
            'webhook-id': delivery.messageId,
            'webhook-timestamp': String(Math.floor(timestamp.getTime() / 1000)),
            'webhook-signature': signature,
          },
          signal: AbortSignal.timeout(options.timeoutMs),
        });
        const response = await readBounded(answer.body);
        const ok = answer.statusCode >= 200 && answer.statusCode < 300;
        return {
          ok,
          statusCode: answer.statusCode,
          latencyMs: elapsed(),
          response,
          error: ok ? null : `HTTP ${answer.statusCode}`,
        };
      } catch (error) {
        return { ok: false, latencyMs: elapsed(), error: messageOf(error) };
      }
    },
    close: () => agent.close(),
  };
}

/** The first MAX_RESPONSE_BYTES of a body; the rest is not read. */
async function readBounded(body: AsyncIterable<Buffer> & { destroy(): void }): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of body) {
      chunks.push(chunk);
      size += chunk.length;
      if (size >= MAX_RESPONSE_BYTES) break;
    }
  } catch {
    // A body that breaks off still leaves what was read.
  } finally {
    body.destroy();
  }
  const text = Buffer.concat(chunks).subarray(0, MAX_RESPONSE_BYTES).toString('utf8');
  // A multi-byte character cut at the limit decodes as U+FFFD; drop it (and NULs PostgreSQL cannot store).
  return text.replace(/\uFFFD$/, '').replaceAll('\u0000', '');
}

function messageOf(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as { code?: string }).code;
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    const detail = cause?.code ?? code;
    return (detail ? `${detail}: ${error.message}` : error.message).slice(0, 1024);
  }
  return String(error).slice(0, 1024);
}
