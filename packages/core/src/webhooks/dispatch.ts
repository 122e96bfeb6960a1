/**
 * From the outbox to the endpoints, with all state in PostgreSQL.
 *
 * Fan-out: whoever locks the one cursor row (FOR UPDATE SKIP LOCKED; the others
 * skip the round) reads the events after it in commit-safe order and writes one
 * delivery per matching active endpoint, then moves the cursor, in one
 * transaction. A unique (endpoint, event) index makes a second delivery of the
 * same event impossible even so.
 *
 * Sending: a process claims due deliveries with FOR UPDATE SKIP LOCKED and
 * leases them (next attempt pushed past the send timeout) in a short
 * transaction, sends outside any transaction, then records the outcome. Two
 * processes never hold the same delivery; one that dies mid-send leaves a lease
 * that runs out, and the delivery is tried again (at least once).
 *
 * Order: a delivery is not claimed while an earlier delivery (by fan-out order)
 * for the same endpoint and the same aggregate (an order, a hold, a stock
 * level…) is still pending or being retried.
 *
 * Retries: exponential backoff with ±10 % jitter (30 s, 2 m, 8 m, 32 m, 2 h 8 m,
 * then every 6 h by default); after `maxAttempts` the delivery is dead. When a
 * delivery dies and its endpoint has not had a success for `disableAfterMs`,
 * the endpoint is disabled and a `webhook.disabled` event is written.
 */
import type { Database, Db } from '@stockroom/db';
import { type Kysely, sql } from 'kysely';
import { appendEvents, latestPosition, readEventsAfter } from '../events/index.js';

export interface DeliverySchedule {
  /** The first retry's delay; each next one is 4× longer, up to 720× this. */
  retryBaseMs: number;
  /** Attempts before a delivery is dead. */
  maxAttempts: number;
  /** How long a claimed delivery is reserved for its sender (longer than the send timeout). */
  leaseMs: number;
  /** Failing this long without a success, an endpoint whose delivery dies is disabled. */
  disableAfterMs: number;
}

export const DEFAULT_SCHEDULE: DeliverySchedule = {
  retryBaseMs: 30_000,
  maxAttempts: 10,
  leaseMs: 60_000,
  disableAfterMs: 24 * 3600 * 1000,
};

/** Delay before the retry that follows attempt number `attempt` (1 = the first try). */
export function retryDelayMs(attempt: number, baseMs: number, random: () => number = Math.random): number {
  const nominal = Math.min(baseMs * 4 ** Math.max(0, attempt - 1), baseMs * 720);
  return Math.round(nominal * (0.9 + 0.2 * random()));
}

/**
 * Fan out the events after the cursor to delivery rows. Returns how many events
 * were read (0 when another process holds the cursor or nothing is new).
 */
export async function fanOutEvents(db: Db, batchSize = 500): Promise<number> {
  // Nothing new (the common case when idle): no transaction, no lock.
  const peek = await db
    .selectFrom('webhookDispatchCursor')
    .select('position')
    .where('id', '=', 1)
    .executeTakeFirst();
  const newest = await latestPosition(db);
  if (!newest || newest === peek?.position) return 0;
  return db.transaction().execute(async (trx) => {
    const cursor = await trx
      .selectFrom('webhookDispatchCursor')
      .select('position')
      .where('id', '=', 1)
      .forUpdate()
      .skipLocked()
      .executeTakeFirst();
    if (!cursor) return 0;
    // Where the outbox ends, read before the endpoints: with no endpoint now, none
    // existed when any event up to here was written, so they can all be skipped.
    const end = await latestPosition(trx);
    const hooks = await trx
      .selectFrom('webhooks')
      .select(['id', 'events', 'createdAt'])
      .where('active', '=', true)
      .execute();
    if (hooks.length === 0) {
      if (end && end !== cursor.position) await moveCursor(trx, end);
      return 0;
    }
    const events = await readEventsAfter(trx, cursor.position ?? undefined, { limit: batchSize });
    const last = events[events.length - 1];
    if (!last) return 0;
    const rows = events.flatMap((event) =>
      hooks
        .filter((h) => h.events.includes(event.type) && h.createdAt.getTime() <= Date.parse(event.createdAt))
        .map((h) => ({
          webhookId: h.id,
          eventId: event.id,
          eventPosition: event.position,
          type: event.type,
          aggregateType: event.aggregateType,
          aggregateId: event.aggregateId,
          payload: JSON.stringify({
            id: `evt_${event.id}`,
            type: event.type,
            createdAt: event.createdAt,
            data: event.payload,
          }),
        })),
    );
    for (let i = 0; i < rows.length; i += 500) {
      await trx
        .insertInto('webhookDeliveries')
        .values(rows.slice(i, i + 500))
        .onConflict((oc) =>
          oc.columns(['webhookId', 'eventId']).where('redeliveryOf', 'is', null).doNothing(),
        )
        .execute();
    }
    await moveCursor(trx, last.position);
    return events.length;
  });
}

function moveCursor(trx: Kysely<Database>, position: string) {
  return trx
    .updateTable('webhookDispatchCursor')
    .set({ position, updatedAt: sql`now()` })
    .where('id', '=', 1)
    .execute();
}

export interface ClaimedDelivery {
  id: string;
  webhookId: string;
  url: string;
  secretCiphertext: string;
  /** A rotated-out secret still in its grace window: the delivery is signed with it too. */
  previousSecretCiphertext: string | null;
  /** This attempt's number (1 = first). */
  attempt: number;
  messageId: string;
  payload: Record<string, unknown>;
}

/** Claim and lease up to `limit` due deliveries (see the order rule above). */
export async function claimDueDeliveries(db: Db, limit: number, leaseMs: number): Promise<ClaimedDelivery[]> {
  if (limit <= 0) return [];
  const result = await sql<{
    id: string;
    webhookId: string;
    attempts: number;
    payload: Record<string, unknown>;
    url: string;
    secretCiphertext: string;
    previousSecretCiphertext: string | null;
  }>`
    with due as (
      select d.id
      from webhook_deliveries d
      join webhooks w on w.id = d.webhook_id
      where d.status in ('pending', 'failed')
        and d.next_attempt_at <= now()
        and w.active
        and not exists (
          select 1 from webhook_deliveries e
          where e.webhook_id = d.webhook_id
            and e.aggregate_type = d.aggregate_type
            and e.aggregate_id = d.aggregate_id
            and e.status in ('pending', 'failed')
            and e.seq < d.seq)
      order by d.next_attempt_at, d.seq
      limit ${limit}
      for update of d skip locked
    )
    update webhook_deliveries d
    set attempts = d.attempts + 1,
        last_attempt_at = now(),
        next_attempt_at = now() + make_interval(secs => ${leaseMs / 1000})
    from due, webhooks w
    where d.id = due.id and w.id = d.webhook_id
    returning d.id, d.webhook_id, d.attempts, d.payload, w.url, w.secret_ciphertext,
      case when w.previous_secret_expires_at > now() then w.previous_secret_ciphertext end
        as previous_secret_ciphertext`.execute(db);
  return result.rows.map((r) => ({
    id: r.id,
    webhookId: r.webhookId,
    url: r.url,
    secretCiphertext: r.secretCiphertext,
    previousSecretCiphertext: r.previousSecretCiphertext,
    attempt: r.attempts,
    messageId: String(r.payload.id),
    payload: r.payload,
  }));
}

export interface AttemptOutcome {
  /** The endpoint answered 2xx. */
  ok: boolean;
  statusCode?: number | null;
  latencyMs: number;
  /** The first 1 KiB of the answer. */
  response?: string | null;
  error?: string | null;
  /** Retrying cannot help (e.g. the payload is too large): dead at once. */
  permanent?: boolean;
}

/** Record an attempt's outcome, schedule the retry or give up, and disable an endpoint that keeps failing. */
export async function recordAttempt(
  db: Db,
  claimed: ClaimedDelivery,
  outcome: AttemptOutcome,
  schedule: DeliverySchedule,
): Promise<'succeeded' | 'failed' | 'dead' | 'stale'> {
  const clip = (text: string | null | undefined) => (text == null ? null : text.slice(0, 1024));
  const last = {
    lastStatusCode: outcome.statusCode ?? null,
    lastLatencyMs: Math.max(0, Math.round(outcome.latencyMs)),
    lastResponse: clip(outcome.response),
    lastError: outcome.ok ? null : clip(outcome.error ?? `HTTP ${outcome.statusCode}`),
  };
  return db.transaction().execute(async (trx) => {
    const dead = !outcome.ok && (outcome.permanent || claimed.attempt >= schedule.maxAttempts);
    const status = outcome.ok ? 'succeeded' : dead ? 'dead' : 'failed';
    const delay = retryDelayMs(claimed.attempt, schedule.retryBaseMs);
    // Only the holder of this attempt records it (a sender whose lease ran out and
    // was overtaken by another attempt leaves the newer one alone).
    const updated = await trx
      .updateTable('webhookDeliveries')
      .set({
        ...last,
        status,
        deliveredAt: outcome.ok ? sql`now()` : null,
        nextAttemptAt: status === 'failed' ? sql`now() + make_interval(secs => ${delay / 1000})` : sql`now()`,
      })
      .where('id', '=', claimed.id)
      .where('attempts', '=', claimed.attempt)
      .where('status', 'in', ['pending', 'failed'])
      .returning('id')
      .executeTakeFirst();
    if (!updated) return 'stale';
    if (outcome.ok) {
      await trx
        .updateTable('webhooks')
        .set({ consecutiveFailures: 0, failingSince: null, lastSuccessAt: sql`now()` })
        .where('id', '=', claimed.webhookId)
        .execute();
      return status;
    }
    const hook = await trx
      .updateTable('webhooks')
      .set({
        consecutiveFailures: sql`consecutive_failures + 1`,
        failingSince: sql`coalesce(failing_since, now())`,
      })
      .where('id', '=', claimed.webhookId)
      .returning([
        'id',
        'url',
        'active',
        sql<boolean>`failing_since <= now() - make_interval(secs => ${schedule.disableAfterMs / 1000})`.as(
          'failingLongEnough',
        ),
      ])
      .executeTakeFirst();
    if (dead && hook?.active && hook.failingLongEnough) await disableWebhook(trx, hook.id, hook.url);
    return status;
  });
}

async function disableWebhook(trx: Kysely<Database>, id: string, url: string) {
  const reason = 'every delivery failed for too long; fix the endpoint, then switch it back on';
  const row = await trx
    .updateTable('webhooks')
    .set({ active: false, disabledReason: reason, disabledAt: sql`now()`, updatedAt: sql`now()` })
    .where('id', '=', id)
    .returning(['disabledAt', 'failingSince', 'consecutiveFailures'])
    .executeTakeFirstOrThrow();
  await appendEvents(trx, [
    {
      type: 'webhook.disabled',
      aggregateType: 'webhook',
      aggregateId: id,
      payload: {
        id,
        url,
        reason,
        failingSince: row.failingSince?.toISOString() ?? null,
        consecutiveFailures: row.consecutiveFailures,
        disabledAt: row.disabledAt?.toISOString() ?? null,
      },
    },
  ]);
}
