/**
 * Events are announced after the transaction that wrote them commits, never
 * from inside it (a notifying transaction holds PostgreSQL's notification-queue
 * lock until its commit is flushed, so such transactions commit one at a time),
 * and only when something was written to the outbox. What a listener receives
 * is checked with a marker notification sent once the announcer has settled:
 * notifications arrive in commit order, so whatever came before the marker is
 * everything that was sent.
 */
import { OUTBOX_MARK } from '@stockroom/db';
import { createTestDatabase, type TestDatabase } from '@stockroom/db/testing';
import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Announcer, EVENTS_CHANNEL, startAnnouncer } from '../src/events/announcer.js';

let database: TestDatabase;
let listener: pg.Client;
/** The payloads the listener received, in order. */
const received: string[] = [];
const log = { warn: () => {}, info: () => {}, error: () => {}, debug: () => {} };

beforeAll(async () => {
  database = await createTestDatabase({ max: 30 });
  listener = new pg.Client({ connectionString: database.url });
  await listener.connect();
  listener.on('notification', (message) => {
    if (message.channel === EVENTS_CHANNEL) received.push(message.payload ?? '');
  });
  await listener.query(`listen ${EVENTS_CHANNEL}`);
});

afterAll(async () => {
  await listener?.end();
  await database?.destroy();
});

/** Everything received up to a marker sent now (the marker itself left out). */
async function notificationsSoFar(): Promise<string[]> {
  const marker = `marker-${crypto.randomUUID()}`;
  await sql`select pg_notify(${EVENTS_CHANNEL}, ${marker})`.execute(database.db);
  const until = Date.now() + 10_000;
  while (!received.includes(marker)) {
    if (Date.now() > until) throw new Error('the marker notification never arrived');
    await new Promise((r) => setTimeout(r, 10));
  }
  return received.splice(0, received.length).filter((p) => p !== marker);
}

/** An outbox row, written as core writes every event (the statement carries OUTBOX_MARK). */
const insertEvent = (reason: string) => sql`
  ${sql.raw(OUTBOX_MARK)} insert into events (type, aggregate_type, aggregate_id, payload)
  values ('product.updated', 'product', ${crypto.randomUUID()}, ${JSON.stringify({ reason })}::jsonb)`;

const writeEvent = (reason: string) =>
  database.db.transaction().execute((trx) => insertEvent(reason).execute(trx));

const eventsWith = async (reason: string) =>
  (
    await sql<{
      n: number;
    }>`select count(*)::int as n from events where payload->>'reason' = ${reason}`.execute(database.db)
  ).rows[0]?.n;

describe('announcing committed events', () => {
  it('a transaction that writes events notifies no one itself', async () => {
    await notificationsSoFar();
    await writeEvent('unannounced');
    expect(await notificationsSoFar()).toEqual([]);
    expect(await eventsWith('unannounced')).toBe(1);
  });

  describe('with the announcer', () => {
    let announcer: Announcer;
    beforeAll(() => {
      announcer = startAnnouncer(database.db, log as never);
    });
    afterAll(() => announcer.close());

    it('announces once the transaction that wrote an event has committed: the event is there to read', async () => {
      await notificationsSoFar();
      let visibleWhenAnnounced: number | undefined;
      const seen = new Promise<void>((resolve) => {
        listener.once('notification', () => {
          void eventsWith('one').then((n) => {
            visibleWhenAnnounced = n;
            resolve();
          });
        });
      });
      await writeEvent('one');
      await seen;
      expect(visibleWhenAnnounced).toBe(1);
      await announcer.settled();
      expect(await notificationsSoFar()).toEqual(['']);
      // An outbox statement of its own (no transaction) is announced too.
      await insertEvent('alone').execute(database.db);
      await announcer.settled();
      expect(await notificationsSoFar()).toEqual(['']);
    });

    it('announces nothing after a rollback, a read-only transaction or a write without events', async () => {
      await notificationsSoFar();
      await expect(
        database.db.transaction().execute(async (trx) => {
          await insertEvent('rolled back').execute(trx);
          throw new Error('roll back');
        }),
      ).rejects.toThrow('roll back');
      await database.db
        .transaction()
        .setAccessMode('read only')
        .execute((trx) => sql`select 1`.execute(trx));
      await database.db
        .transaction()
        .execute((trx) => sql`update warehouses set name = name where false`.execute(trx));
      await announcer.settled();
      expect(await notificationsSoFar()).toEqual([]);
      expect(await eventsWith('rolled back')).toBe(0);
    });

    it('announces once for the first request and once more for all made while it was in flight', async () => {
      await notificationsSoFar();
      for (let i = 0; i < 40; i++) announcer.announce();
      await announcer.settled();
      expect(await notificationsSoFar()).toEqual(['', '']);
      // Concurrent commits: each is covered, by fewer announcements than commits, the last after the last commit.
      await Promise.all(Array.from({ length: 20 }, (_, i) => writeEvent(`many-${i}`)));
      await announcer.settled();
      const sent = await notificationsSoFar();
      expect(sent.length).toBeGreaterThanOrEqual(1);
      expect(sent.length).toBeLessThanOrEqual(20);
    });
  });
});
