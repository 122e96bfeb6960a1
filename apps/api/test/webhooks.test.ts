/**
 * Webhooks end to end (issue [C], "Done when"): real API processes deliver to a
 * real HTTP receiver on localhost that verifies every request with the
 * Standard Webhooks reference library (`standardwebhooks`), as an integrator's
 * receiver would.
 *
 * - an order that expires, one that is paid and one that goes to
 *   needs_attention each arrive exactly once, signed, with the documented body;
 * - with the receiver down (connection refused, then 503), deliveries are
 *   retried and arrive after it comes back;
 * - two API processes share the work: no event arrives twice while the
 *   receiver answers 2xx, and each order's events arrive in order;
 * - a tampered body, signature or timestamp fails verification;
 * - SSRF: private, loopback, link-local, CGNAT, multicast… URLs and http are
 *   refused when private addresses are not allowed, at create/update and again
 *   at send time (after DNS), with no connection made;
 * - an endpoint that keeps failing is disabled and `webhook.disabled` is delivered;
 * - the secret is shown once (also on an idempotent replay) and is not stored in clear;
 * - a rotated secret: during the grace window both secrets verify, after it only the new one.
 */
import { once } from 'node:events';
import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import { deriveWebhookKey } from '@stockroom/core';
import { TRPCClientError } from '@trpc/client';
import { sql } from 'kysely';
import { Webhook, WebhookVerificationError } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSender } from '../src/webhooks/sender.js';
import { SERVICE_TOKEN, startTestApi, type TestApi } from './harness.js';

type Client = ReturnType<TestApi['client']>;

/** Fast retries so "down for a while" takes a second, not hours. */
const FAST = { WEBHOOK_RETRY_BASE_MS: '20', WEBHOOK_POLL_MS: '50', WEBHOOK_TIMEOUT_MS: '5000' };
const NEAR_NYC = { latitude: 40.7484, longitude: -73.9857 };
const CUSTOMER = { name: 'Hook Test', email: 'hooks@example.com' };

// ---------------------------------------------------------------- the receiver

interface Received {
  path: string;
  headers: Record<string, string>;
  body: string;
  /** The library's verdict with the endpoint's secret. */
  verified: boolean;
  payload: { id: string; type: string; createdAt: string; data: Record<string, unknown> };
}

/** An integrator's endpoint: verifies each request with the secret of its path; can go down and come back. */
class Receiver {
  readonly secrets = new Map<string, string>();
  readonly received: Received[] = [];
  /** 'ok' answers 200 (400 when the signature does not verify); 'unavailable' answers 503. */
  mode: 'ok' | 'unavailable' = 'ok';
  /** Answer this much later (so sends overlap). */
  delayMs = 0;
  requests = 0;
  private server: http.Server | undefined;
  port = 0;

  async start(port = 0) {
    this.server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        this.requests++;
        const path = req.url ?? '';
        if (this.mode === 'unavailable') {
          res.writeHead(503, { 'content-type': 'text/plain' }).end('down for maintenance');
          return;
        }
        const body = Buffer.concat(chunks).toString('utf8');
        const headers = Object.fromEntries(
          Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(',') : (v ?? '')]),
        );
        const secret = this.secrets.get(path);
        let verified = false;
        try {
          if (secret) {
            new Webhook(secret).verify(body, headers);
            verified = true;
          }
        } catch {
          verified = false;
        }
        this.received.push({ path, headers, body, verified, payload: JSON.parse(body) });
        setTimeout(() => {
          res
            .writeHead(verified ? 200 : 400, { 'content-type': 'application/json' })
            .end('{"received":true}');
        }, this.delayMs);
      });
    });
    this.server.listen(port, '127.0.0.1');
    await once(this.server, 'listening');
    this.port = (this.server.address() as AddressInfo).port;
  }

  /** Connection refused from now on. */
  async stop() {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  }

  url(path: string) {
    return `http://127.0.0.1:${this.port}${path}`;
  }

  at(path: string) {
    return this.received.filter((r) => r.path === path);
  }
}

// ---------------------------------------------------------------- helpers

async function until<T>(probe: () => Promise<T | undefined | false>, what: string, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function appCodeOf(call: Promise<unknown>) {
  try {
    await call;
  } catch (error) {
    if (!(error instanceof TRPCClientError)) throw error;
    const data = error.data as { appCode?: string; details?: Record<string, unknown> };
    return { appCode: data?.appCode, details: data?.details, message: error.message };
  }
  throw new Error('expected the call to fail');
}

/** Every delivery of an endpoint (all pages). */
async function deliveriesOf(admin: Client, webhookId: string) {
  const all = [];
  let cursor: string | undefined;
  do {
    const page = await admin.webhooks.deliveries.query({ webhookId, cursor, limit: 7 });
    all.push(...page.items);
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return all;
}

/** Successful attempts a process has made (its /metrics). */
async function succeededBy(process: TestApi): Promise<number> {
  const text = await (await fetch(`${process.url}/metrics`)).text();
  const line = text
    .split('\n')
    .find((l) => l.startsWith('stockroom_webhook_attempts_total{result="succeeded"}'));
  return line ? Number(line.split(' ').pop()) : 0;
}

const allSettled = (deliveries: { status: string }[]) =>
  deliveries.length > 0 && deliveries.every((d) => d.status === 'succeeded');

let receiver: Receiver;
let api: TestApi;
let admin: Client;
let service: Client;
const wh: Record<string, string> = {};

beforeAll(async () => {
  receiver = new Receiver();
  await receiver.start();
  api = await startTestApi(FAST);
  admin = api.client(await api.login('admin@example.com'));
  service = api.client(SERVICE_TOKEN);
  for (const w of await admin.warehouses.list.query()) wh[w.code] = w.id;
});
afterAll(async () => {
  await api?.stop();
  await receiver?.stop();
});

type EventType = Parameters<Client['webhooks']['create']['mutate']>[0]['events'][number];

async function hook(path: string, events: EventType[]) {
  const created = await admin.webhooks.create.mutate({ url: receiver.url(path), events, description: path });
  receiver.secrets.set(path, created.secret);
  return created;
}

const setStock = (sku: string, onHand: number, code = 'NYC-1') =>
  admin.inventory.set.mutate({ warehouseId: wh[code] as string, sku, onHand, reason: 'webhook test' });

/** `onHand` at NYC-1 and none anywhere else. */
async function onlyAtNyc(sku: string, onHand: number) {
  for (const code of Object.keys(wh)) await setStock(sku, code === 'NYC-1' ? onHand : 0, code);
}

const directOrder = (client: Client, sku: string) =>
  client.orders.create.mutate({
    lines: [{ sku, quantity: 1, warehouseId: wh['NYC-1'] as string }],
    customer: CUSTOMER,
    shipTo: NEAR_NYC,
  });

// ---------------------------------------------------------------- tests

describe('order events reach a verifying receiver', () => {
  it('an expired, a paid and a needs_attention order each arrive once, signed', async () => {
    const ORDER_EVENTS: EventType[] = [
      'order.created',
      'order.paid',
      'order.expired',
      'order.needs_attention',
    ];
    const created = await hook('/orders', ORDER_EVENTS);
    expect(created.secret).toMatch(/^whsec_[A-Za-z0-9+/]+=*$/);

    await setStock('SP-YGA-001', 50);
    await onlyAtNyc('SP-RPE-001', 2);
    // Holds that last one second: placed through a second process with a short TTL.
    const short = await startTestApi(
      { ...FAST, RESERVATION_TTL_SECONDS: '1', SEED_DEMO: 'false' },
      api.database,
    );
    let toExpire: string;
    let starved: string;
    try {
      const hurried = short.client(SERVICE_TOKEN);
      toExpire = (
        await hurried.checkout.start.mutate({ shipTo: NEAR_NYC, lines: [{ sku: 'SP-YGA-001', quantity: 1 }] })
      ).id;
      starved = (
        await hurried.checkout.start.mutate({ shipTo: NEAR_NYC, lines: [{ sku: 'SP-RPE-001', quantity: 2 }] })
      ).id;
    } finally {
      await short.stop();
    }
    await until(async () => {
      const [a, b] = await Promise.all([
        admin.orders.get.query({ id: toExpire }),
        admin.orders.get.query({ id: starved }),
      ]);
      return a.status === 'expired' && b.status === 'expired';
    }, 'the holds to expire');
    // The stock goes elsewhere; the money arrives late: needs attention.
    await onlyAtNyc('SP-RPE-001', 0);
    const attention = await service.checkout.paymentSucceeded.mutate({
      orderId: starved,
      paymentReference: 'late',
    });
    expect(attention.status).toBe('needs_attention');
    const paid = await directOrder(service, 'SP-YGA-001');

    const expected = [
      [toExpire, 'order.created'],
      [toExpire, 'order.expired'],
      [starved, 'order.created'],
      [starved, 'order.expired'],
      [starved, 'order.needs_attention'],
      [paid.id, 'order.created'],
      [paid.id, 'order.paid'],
    ];
    const deliveries = await until(async () => {
      const all = await deliveriesOf(admin, created.id);
      return all.length >= expected.length && allSettled(all) && all;
    }, 'every order event to be delivered');

    const got = receiver.at('/orders');
    // Exactly once each: one request per delivery, none repeated.
    expect(got.map((r) => r.payload.id).sort()).toEqual(deliveries.map((d) => d.messageId).sort());
    expect(new Set(got.map((r) => r.payload.id)).size).toBe(got.length);
    expect(
      got.map((r) => [r.payload.data.id, r.payload.type]).sort(),
      'the expired, paid and needs_attention orders',
    ).toEqual([...expected].sort());
    for (const r of got) {
      expect(r.verified, r.body).toBe(true);
      expect(r.headers['webhook-id']).toBe(r.payload.id);
      expect(r.headers['webhook-timestamp']).toMatch(/^\d{10}$/);
      expect(r.headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/]+=*$/);
      expect(Object.keys(r.payload).sort()).toEqual(['createdAt', 'data', 'id', 'type']);
      expect(r.payload.id).toMatch(/^evt_\d+$/);
      expect(Number.isNaN(Date.parse(r.payload.createdAt))).toBe(false);
    }
    const needs = got.find((r) => r.payload.type === 'order.needs_attention');
    expect(needs?.payload.data).toMatchObject({ id: starved, status: 'needs_attention' });
    // Per order, in order: created before what followed.
    for (const orderId of [toExpire, starved, paid.id]) {
      const types = got.filter((r) => r.payload.data.id === orderId).map((r) => r.payload.type);
      expect(types[0], orderId).toBe('order.created');
    }
    // The log records each attempt: code, latency, the answer.
    for (const d of deliveries) {
      expect(d).toMatchObject({ status: 'succeeded', attempts: 1, lastStatusCode: 200, lastError: null });
      expect(d.lastResponse).toBe('{"received":true}');
      expect(d.lastLatencyMs).toBeGreaterThanOrEqual(0);
    }
  });

  it('stock.low and reservation.expired are delivered too', async () => {
    const created = await hook('/stock', ['stock.low', 'reservation.expired']);
    await setStock('KT-KNF-001', 3);
    const hold = await admin.reservations.create.mutate({
      lines: [{ sku: 'KT-KNF-001', quantity: 3, warehouseId: wh['NYC-1'] as string }],
      ttlSeconds: 1,
    });
    await until(async () => {
      const types = receiver
        .at('/stock')
        .map((r) => `${r.payload.type}:${r.payload.data.id ?? r.payload.data.sku}`);
      return types.includes(`reservation.expired:${hold.id}`) && types.includes('stock.low:KT-KNF-001');
    }, 'stock.low and reservation.expired');
    const low = receiver.at('/stock').find((r) => r.payload.type === 'stock.low');
    expect(low?.verified).toBe(true);
    const data = low?.payload.data as {
      sku: string;
      warehouseId: string;
      available: number;
      safetyStock: number;
    };
    expect(data).toMatchObject({ sku: 'KT-KNF-001', warehouseId: wh['NYC-1'] });
    expect(data.available).toBeLessThanOrEqual(data.safetyStock);
    expect(created.events).toEqual(['stock.low', 'reservation.expired']);
  });
});

describe('retries', () => {
  it('deliveries made while the receiver is down arrive after it comes back', async () => {
    const created = await hook('/retry', ['order.paid']);
    const port = receiver.port;
    await receiver.stop(); // connection refused
    const orders = [await directOrder(service, 'SP-YGA-001'), await directOrder(service, 'SP-YGA-001')];
    await until(async () => {
      const all = await deliveriesOf(admin, created.id);
      return all.length === 2 && all.every((d) => d.status === 'failed' && d.attempts >= 2) && all;
    }, 'two failed attempts each');
    // Up again, but answering 503 for a while.
    receiver.mode = 'unavailable';
    const before = receiver.requests;
    await receiver.start(port);
    const refused = await until(async () => {
      const all = await deliveriesOf(admin, created.id);
      return receiver.requests >= before + 2 && all.some((d) => d.lastStatusCode === 503) && all;
    }, 'the receiver to be tried while it answers 503');
    expect(refused.find((d) => d.lastStatusCode === 503)?.lastResponse).toBe('down for maintenance');
    expect(refused.every((d) => d.status === 'failed')).toBe(true);
    receiver.mode = 'ok';

    const done = await until(async () => {
      const all = await deliveriesOf(admin, created.id);
      return allSettled(all) && all;
    }, 'the deliveries to succeed once the receiver is back');
    expect(done.every((d) => d.attempts >= 3 && d.lastStatusCode === 200)).toBe(true);
    const got = receiver.at('/retry');
    expect(got.map((r) => r.payload.data.id).sort()).toEqual(orders.map((o) => o.id).sort());
    expect(got.every((r) => r.verified)).toBe(true);
  });

  it('an endpoint that keeps failing is disabled, and webhook.disabled says so', async () => {
    // Its own database and process: two attempts, then dead; failing for any time is too long.
    const strict = await startTestApi({ ...FAST, WEBHOOK_MAX_ATTEMPTS: '2', WEBHOOK_DISABLE_AFTER_MS: '0' });
    try {
      const boss = strict.client(await strict.login('admin@example.com'));
      const failing = await boss.webhooks.create.mutate({
        url: receiver.url('/broken'),
        events: ['order.paid'],
      });
      // No secret registered for /broken: the receiver answers 400 to everything there.
      const watcher = await boss.webhooks.create.mutate({
        url: receiver.url('/watcher'),
        events: ['webhook.disabled'],
      });
      receiver.secrets.set('/watcher', watcher.secret);
      const nyc = (await boss.warehouses.list.query()).find((w) => w.code === 'NYC-1')?.id as string;
      await strict.client(SERVICE_TOKEN).orders.create.mutate({
        lines: [{ sku: 'EL-HDP-001', quantity: 1, warehouseId: nyc }],
        customer: CUSTOMER,
        shipTo: NEAR_NYC,
      });
      const notice = await until(
        async () => receiver.at('/watcher').find((r) => r.payload.type === 'webhook.disabled'),
        'webhook.disabled',
      );
      expect(notice.verified).toBe(true);
      expect(notice.payload.data).toMatchObject({ id: failing.id, url: failing.url, consecutiveFailures: 2 });
      const [log] = await deliveriesOf(boss, failing.id);
      expect(log).toMatchObject({ status: 'dead', attempts: 2, lastStatusCode: 400 });
      const listed = (await boss.webhooks.list.query()).find((w) => w.id === failing.id);
      expect(listed).toMatchObject({ active: false });
      expect(listed?.disabledReason).toMatch(/failed/);

      // Switched back on: the reason and the streak are cleared; redelivery sends the dead one again.
      receiver.secrets.set('/broken', failing.secret);
      const back = await boss.webhooks.update.mutate({ id: failing.id, active: true });
      expect(back).toMatchObject({ active: true, disabledReason: null, consecutiveFailures: 0 });
      const again = await boss.webhooks.redeliver.mutate({ deliveryId: (log as { id: string }).id });
      expect(again).toMatchObject({ status: 'pending', redeliveryOf: log?.id, messageId: log?.messageId });
      const after = await until(async () => {
        const all = await deliveriesOf(boss, failing.id);
        return all.some((d) => d.status === 'succeeded') && all;
      }, 'the redelivery');
      expect(after.map((d) => d.status).sort()).toEqual(['dead', 'succeeded']);
      expect(
        receiver
          .at('/broken')
          .filter((r) => r.verified)
          .map((r) => r.payload.id),
      ).toEqual([log?.messageId]);
    } finally {
      await strict.stop();
    }
  });
});

describe('two API processes', () => {
  it('no event is delivered twice while the receiver answers 2xx, and each order’s events stay in order', async () => {
    const created = await hook('/pair', ['order.created', 'order.paid']);
    const second = await startTestApi({ ...FAST, SEED_DEMO: 'false' }, api.database);
    try {
      const clients = [service, second.client(SERVICE_TOKEN)];
      await setStock('EL-HDP-001', 500);
      const orders = await Promise.all(
        Array.from({ length: 30 }, (_, i) => directOrder(clients[i % 2] as Client, 'EL-HDP-001')),
      );
      receiver.delayMs = 20;
      const sentBefore = await succeededBy(api);
      const deliveries = await until(async () => {
        const all = await deliveriesOf(admin, created.id);
        return all.length === orders.length * 2 && allSettled(all) && all;
      }, 'every delivery to succeed');
      receiver.delayMs = 0;
      // Both processes sent some of them.
      expect(await succeededBy(second)).toBeGreaterThan(0);
      expect(await succeededBy(api)).toBeGreaterThan(sentBefore);
      const got = receiver.at('/pair');
      expect(got).toHaveLength(orders.length * 2);
      expect(new Set(got.map((r) => r.payload.id)).size).toBe(got.length);
      expect(deliveries.every((d) => d.attempts === 1)).toBe(true);
      expect(got.every((r) => r.verified)).toBe(true);
      for (const order of orders) {
        const types = got.filter((r) => r.payload.data.id === order.id).map((r) => r.payload.type);
        expect(types, order.id).toEqual(['order.created', 'order.paid']);
      }
    } finally {
      await second.stop();
    }
  });
});

describe('signatures', () => {
  it('a tampered body, signature, timestamp or secret fails verification', async () => {
    const sample = receiver.at('/orders')[0] as Received;
    const secret = receiver.secrets.get('/orders') as string;
    const verify =
      (body: string, headers: Record<string, string>, key = secret) =>
      () =>
        new Webhook(key).verify(body, headers);
    expect(verify(sample.body, sample.headers)).not.toThrow();
    const tamperedBody = sample.body.replace('"type":"', '"type":"x');
    expect(verify(tamperedBody, sample.headers)).toThrow(WebhookVerificationError);
    const signature = sample.headers['webhook-signature'] as string;
    const flipped = `v1,${Buffer.from(Buffer.from(signature.slice(3), 'base64').map((b, i) => (i === 0 ? b ^ 1 : b))).toString('base64')}`;
    expect(verify(sample.body, { ...sample.headers, 'webhook-signature': flipped })).toThrow(
      WebhookVerificationError,
    );
    const moved = String(Number(sample.headers['webhook-timestamp']) + 1);
    expect(verify(sample.body, { ...sample.headers, 'webhook-timestamp': moved })).toThrow(
      WebhookVerificationError,
    );
    const otherSecret = receiver.secrets.get('/retry') as string;
    expect(verify(sample.body, sample.headers, otherSecret)).toThrow(WebhookVerificationError);
  });

  it('the secret is shown once (an idempotent replay shows it again), never listed, and stored encrypted', async () => {
    const input = {
      url: receiver.url('/once'),
      events: ['order.paid' as const],
      idempotencyKey: 'hook-once-1',
    };
    const first = await admin.webhooks.create.mutate(input);
    const replay = await admin.webhooks.create.mutate(input);
    expect(replay).toEqual(first);
    const listed = await admin.webhooks.list.query();
    expect(JSON.stringify(listed)).not.toContain(first.secret.slice(6));
    const stored = await sql<{ text: string }>`
      select (select string_agg(secret_ciphertext, ' ') from webhooks)
        || coalesce((select string_agg(response::text, ' ') from idempotency_records), '') as text`.execute(
      api.database.db,
    );
    expect(stored.rows[0]?.text).not.toContain(first.secret.slice(6));
    expect(deriveWebhookKey('x')).toHaveLength(32);
  });
});

describe('secret rotation', () => {
  /** Which of these secrets verify a received request. */
  const verifiesWith = (r: Received, secrets: string[]) =>
    secrets.map((secret) => {
      try {
        new Webhook(secret).verify(r.body, r.headers);
        return true;
      } catch {
        return false;
      }
    });

  /** A paid order, and the request that told the receiver about it. */
  async function paidOrderArrives(path: string) {
    const order = await directOrder(service, 'SP-YGA-001');
    return until(async () => receiver.at(path).find((r) => r.payload.data.id === order.id), 'the delivery');
  }

  it('during the grace window deliveries verify with the old and the new secret; after it, only the new', async () => {
    await setStock('SP-YGA-001', 50);
    const created = await hook('/rotation', ['order.paid']);
    const old = created.secret;
    const rotated = await admin.webhooks.rotateSecret.mutate({ id: created.id, graceSeconds: 3600 });
    const fresh = rotated.secret;
    expect(fresh).toMatch(/^whsec_[A-Za-z0-9+/]+=*$/);
    expect(fresh).not.toBe(old);
    expect(Date.parse(rotated.previousSecretValidUntil ?? '') - Date.now()).toBeGreaterThan(3500_000);
    expect(rotated.secretRotatedAt).toEqual(expect.any(String));
    // Listed without a secret, with the window.
    const listed = (await admin.webhooks.list.query()).find((w) => w.id === created.id);
    expect(listed).not.toHaveProperty('secret');
    expect(listed?.previousSecretValidUntil).toBe(rotated.previousSecretValidUntil);

    // A receiver still on the old secret and one already on the new both accept.
    receiver.secrets.set('/rotation', old);
    const during = await paidOrderArrives('/rotation');
    expect(during.headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/]+=* v1,[A-Za-z0-9+/]+=*$/);
    expect(verifiesWith(during, [old, fresh])).toEqual([true, true]);
    expect(during.verified).toBe(true);

    // The window passes (moved into the past rather than waited for): only the new secret signs.
    await sql`update webhooks set previous_secret_expires_at = now() - interval '1 second'
              where id = ${created.id}`.execute(api.database.db);
    receiver.secrets.set('/rotation', fresh);
    const after = await paidOrderArrives('/rotation');
    expect(after.headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/]+=*$/);
    expect(verifiesWith(after, [old, fresh])).toEqual([false, true]);
    expect(
      (await admin.webhooks.list.query()).find((w) => w.id === created.id)?.previousSecretValidUntil,
    ).toBe(null);

    // graceSeconds 0: the replaced secret stops signing at once; a replay shows the same new secret.
    const key = `rotate-now-${Date.now()}`;
    const now = await admin.webhooks.rotateSecret.mutate({
      id: created.id,
      graceSeconds: 0,
      idempotencyKey: key,
    });
    const replay = await admin.webhooks.rotateSecret.mutate({
      id: created.id,
      graceSeconds: 0,
      idempotencyKey: key,
    });
    expect(replay.secret).toBe(now.secret);
    expect(now.previousSecretValidUntil).toBe(null);
    receiver.secrets.set('/rotation', now.secret);
    const immediate = await paidOrderArrives('/rotation');
    expect(verifiesWith(immediate, [old, fresh, now.secret])).toEqual([false, false, true]);
    // Stored encrypted, like the first secret.
    const stored = await sql<{ secret: string; previous: string | null }>`
      select secret_ciphertext as secret, previous_secret_ciphertext as previous
      from webhooks where id = ${created.id}`.execute(api.database.db);
    expect(JSON.stringify(stored.rows)).not.toContain(now.secret.slice(6));
    expect(stored.rows[0]?.previous).toBe(null);
  });

  it('only admins rotate; an unknown endpoint is NOT_FOUND; a grace over a week is refused', async () => {
    const created = await hook('/rotation-rules', ['order.paid']);
    const staff = api.client(await api.login('staff@example.com'));
    expect((await appCodeOf(staff.webhooks.rotateSecret.mutate({ id: created.id }))).appCode).toBe(
      'FORBIDDEN',
    );
    expect(
      (await appCodeOf(admin.webhooks.rotateSecret.mutate({ id: '00000000-0000-4000-8000-000000000000' })))
        .appCode,
    ).toBe('NOT_FOUND');
    const long = await appCodeOf(
      admin.webhooks.rotateSecret.mutate({ id: created.id, graceSeconds: 8 * 24 * 3600 }),
    );
    expect(long.appCode).toBe('VALIDATION_FAILED');
    // Nothing changed: the first secret still verifies alone.
    const row = await sql<{ rotated: Date | null }>`
      select secret_rotated_at as rotated from webhooks where id = ${created.id}`.execute(api.database.db);
    expect(row.rows[0]?.rotated).toBe(null);
  });
});

describe('SSRF', () => {
  it('refuses private, loopback, link-local, CGNAT and multicast URLs and http when private addresses are not allowed', async () => {
    // Its own database: its dispatcher must not judge (and fail) the other tests' localhost endpoints.
    const guarded = await startTestApi({ ...FAST, WEBHOOK_ALLOW_PRIVATE: 'false' });
    try {
      const boss = guarded.client(await guarded.login('admin@example.com'));
      const cases: [string, string][] = [
        [`http://93.184.215.14/hook`, 'scheme'],
        ['https://127.0.0.1/hook', 'loopback'],
        ['https://2130706433/hook', 'loopback'],
        ['https://localhost/hook', 'loopback'],
        ['https://10.1.2.3/hook', 'private'],
        ['https://192.168.0.10/hook', 'private'],
        ['https://172.16.5.5/hook', 'private'],
        ['https://169.254.169.254/latest/meta-data', 'linkLocal'],
        ['https://100.64.0.1/hook', 'carrierGradeNat'],
        ['https://224.0.0.1/hook', 'multicast'],
        ['https://0.0.0.0/hook', 'unspecified'],
        ['https://[::1]/hook', 'loopback'],
        ['https://[fd00::1]/hook', 'uniqueLocal'],
        ['https://[fe80::1]/hook', 'linkLocal'],
        ['https://[::ffff:10.0.0.1]/hook', 'private'],
        ['https://user:pw@93.184.215.14/hook', 'credentials'],
        ['ftp://93.184.215.14/hook', 'scheme'],
        ['not a url', 'invalid'],
      ];
      const outcomes = [];
      for (const [url, reason] of cases) {
        const refused = await appCodeOf(boss.webhooks.create.mutate({ url, events: ['order.paid'] }));
        outcomes.push([url, refused.appCode, refused.details?.reason]);
        expect(refused.message).toMatch(/url/);
        void reason;
      }
      expect(outcomes).toEqual(cases.map(([url, reason]) => [url, 'VALIDATION_FAILED', reason]));
      // A public address is fine; changing it to a private one is refused the same way.
      const ok = await boss.webhooks.create.mutate({
        url: 'https://93.184.215.14/hook',
        events: ['order.paid'],
      });
      const moved = await appCodeOf(boss.webhooks.update.mutate({ id: ok.id, url: 'https://10.0.0.1/x' }));
      expect([moved.appCode, moved.details?.reason]).toEqual(['VALIDATION_FAILED', 'private']);
      await boss.webhooks.delete.mutate({ id: ok.id });
    } finally {
      await guarded.stop();
    }
  });

  it('checks again at send time, after DNS, and never connects to a refused address', async () => {
    const secretKey = deriveWebhookKey('send-time');
    const sender = createSender({ secretKey, urlPolicy: { allowPrivate: false }, timeoutMs: 2000 });
    const { encryptWebhookSecret } = await import('@stockroom/core');
    // A listener of its own: the shared receiver may still get other tests' retries.
    let connections = 0;
    const listener = net.createServer((socket) => {
      connections++;
      socket.destroy();
    });
    listener.listen(0, '127.0.0.1');
    await once(listener, 'listening');
    const port = (listener.address() as AddressInfo).port;
    try {
      for (const url of [`https://127.0.0.1:${port}/x`, `https://localhost:${port}/x`]) {
        const outcome = await sender.send({
          id: '00000000-0000-4000-8000-000000000001',
          webhookId: '00000000-0000-4000-8000-000000000002',
          url,
          secretCiphertext: encryptWebhookSecret('whsec_dGVzdHRlc3R0ZXN0dGVzdA==', secretKey),
          previousSecretCiphertext: null,
          attempt: 1,
          messageId: 'evt_1',
          payload: { id: 'evt_1', type: 'order.paid', createdAt: new Date().toISOString(), data: {} },
        });
        expect(outcome.ok).toBe(false);
        expect(outcome.error, url).toMatch(/loopback/);
      }
    } finally {
      await sender.close();
      await new Promise((r) => listener.close(r));
    }
    expect(connections).toBe(0);
  });
});

describe('admin only', () => {
  it('a non-admin can neither list nor create webhooks; unknown ids are NOT_FOUND', async () => {
    const staff = api.client(await api.login('staff@example.com'));
    expect((await appCodeOf(staff.webhooks.list.query())).appCode).toBe('FORBIDDEN');
    expect(
      (await appCodeOf(service.webhooks.create.mutate({ url: receiver.url('/x'), events: ['order.paid'] })))
        .appCode,
    ).toBe('FORBIDDEN');
    const unknown = '00000000-0000-4000-8000-000000000000';
    expect((await appCodeOf(admin.webhooks.deliveries.query({ webhookId: unknown }))).appCode).toBe(
      'NOT_FOUND',
    );
    expect((await appCodeOf(admin.webhooks.redeliver.mutate({ deliveryId: unknown }))).appCode).toBe(
      'NOT_FOUND',
    );
    expect((await appCodeOf(admin.webhooks.delete.mutate({ id: unknown }))).appCode).toBe('NOT_FOUND');
    const bad = await appCodeOf(
      admin.webhooks.create.mutate({ url: receiver.url('/x'), events: ['order.teleported' as EventType] }),
    );
    expect(bad.appCode).toBe('VALIDATION_FAILED');
    expect(bad.message).toMatch(/order\.paid/);
  });

  it('REST routes: create, list, update, deliveries, redeliver, delete', async () => {
    const token = await api.login('admin@example.com');
    const call = async (method: string, path: string, body?: unknown) => {
      const res = await fetch(`${api.url}/api/v1${path}`, {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          ...(body ? { 'content-type': 'application/json' } : {}),
        },
        body: body ? JSON.stringify(body) : undefined,
      });
      return {
        status: res.status,
        body: (await res.json()) as Record<string, unknown> & { items?: unknown[] },
      };
    };
    const made = await call('POST', '/webhooks', { url: receiver.url('/rest'), events: ['order.paid'] });
    expect(made.status).toBe(200);
    expect(made.body.secret).toMatch(/^whsec_/);
    const id = made.body.id as string;
    expect((await call('GET', '/webhooks')).status).toBe(200);
    expect((await call('PATCH', `/webhooks/${id}`, { description: 'via REST' })).body.description).toBe(
      'via REST',
    );
    expect((await call('GET', `/webhooks/${id}/deliveries?limit=5`)).body.items).toEqual([]);
    const missing = await call(
      'POST',
      '/webhook-deliveries/00000000-0000-4000-8000-000000000000/redeliver',
      {},
    );
    expect([missing.status, (missing.body.error as { code: string }).code]).toEqual([404, 'NOT_FOUND']);
    const rotated = await call('POST', `/webhooks/${id}/rotate-secret`, { graceSeconds: 60 });
    expect(rotated.status).toBe(200);
    expect(rotated.body.secret).toMatch(/^whsec_/);
    expect(rotated.body.secret).not.toBe(made.body.secret);
    expect(rotated.body.previousSecretValidUntil).toEqual(expect.any(String));
    expect((await call('DELETE', `/webhooks/${id}`)).body).toEqual({ id });
    const bad = await call('POST', '/webhooks', { url: receiver.url('/rest'), events: [] });
    expect([bad.status, (bad.body.error as { code: string }).code]).toEqual([400, 'VALIDATION_FAILED']);
  });
});
