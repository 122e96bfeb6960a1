/**
 * Events are announced after the writing transaction commits, never from inside
 * it (a notifying transaction holds PostgreSQL's notification-queue lock until
 * its commit is flushed, so such transactions commit one at a time). What a
 * listener receives is checked with a marker notification sent afterwards:
 * notifications arrive in commit order, so whatever came before the marker is
 * everything the writes sent.
 */
import { createTestDatabase, type TestDatabase } from '@stockroom/db/testing';
import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Announcer, EVENTS_CHANNEL, startAnnouncer } from '../src/events/announcer.js';

let database: TestDatabase;
let listener: pg.Client;
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

/** Everything received up to a marker sent now (and the marker is consumed). */
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

/** An outbox row, as every write of the domain appends one. */
const insertEvent = (reason: string) => sql`
  insert into events (type, aggregate_type, aggregate_id, payload)
  values ('product.updated', 'product', ${crypto.randomUUID()}, ${JSON.stringify({ reason })}::jsonb)`;

const writeEvent = (reason: string) =>
  database.db.transaction().execute((trx) => insertEvent(reason).execute(trx));

describe('announcing committed events', () => {
  it('a transaction that writes events notifies no one itself', async () => {
    await notificationsSoFar();
    await writeEvent('unannounced');
    expect(await notificationsSoFar()).toEqual([]);
    const events = await sql<{ n: number }>`select count(*)::int as n from events`.execute(database.db);
    expect(events.rows[0]?.n).toBeGreaterThan(0);
  });

  describe('with the announcer', () => {
    let announcer: Announcer;
    beforeAll(() => {
      announcer = startAnnouncer(database.db, log as never);
    });
    afterAll(() => announcer.close());

    it('announces after a write transaction commits, and not after a rollback or a read-only one', async () => {
      await notificationsSoFar();
      await writeEvent('one');
      // The announcement is sent after the commit, so it may land after the marker: wait for it.
      const until = Date.now() + 10_000;
      while (!received.includes('') && Date.now() < until) await new Promise((r) => setTimeout(r, 10));
      expect(await notificationsSoFar()).toEqual(['']);

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
      expect(await notificationsSoFar()).toEqual([]);
    });

    it('announces once for the first request and once more for all made while it was in flight', async () => {
      await notificationsSoFar();
      for (let i = 0; i < 40; i++) announcer.announce();
      const until = Date.now() + 10_000;
      while (received.length < 2 && Date.now() < until) await new Promise((r) => setTimeout(r, 10));
      expect(await notificationsSoFar()).toEqual(['', '']);
      // And concurrent commits are all covered: the last announcement follows the last commit.
      await Promise.all(Array.from({ length: 20 }, (_, i) => writeEvent(`many-${i}`)));
      while (received.length === 0 && Date.now() < until + 10_000)
        await new Promise((r) => setTimeout(r, 10));
      const sent = await notificationsSoFar();
      expect(sent.length).toBeGreaterThanOrEqual(1);
      expect(sent.length).toBeLessThanOrEqual(20);
    });
  });
});
