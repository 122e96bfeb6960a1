/**
 * Live events for subscribers, fed from the outbox.
 *
 * One LISTEN connection per API process wakes subscribers when any process
 * commits events (PostgreSQL NOTIFY); each subscriber then reads the outbox
 * after its own position, in commit-safe order (see core's events.ts), so a
 * reconnecting client resumes from the last event id it saw with no gaps.
 * A slow poll covers anything a notification cannot (a lost connection, events
 * held back until an older transaction finishes).
 */
import { latestPosition, readEventsAfter, type StockroomEvent } from '@stockroom/core';
import type { Db } from '@stockroom/db';
import type { FastifyBaseLogger } from 'fastify';
import pg from 'pg';

const CHANNEL = 'stockroom_events';
const POLL_MS = 1000;

export interface EventBus {
  /** Events after `after` (or from now), filtered by type, until `signal` aborts. */
  stream(options: {
    after?: string | null;
    types?: string[];
    signal?: AbortSignal;
  }): AsyncGenerator<StockroomEvent>;
  close(): Promise<void>;
}

export function createEventBus(db: Db, connectionString: string, log: FastifyBaseLogger): EventBus {
  const waiters = new Set<() => void>();
  let client: pg.Client | undefined;
  let closed = false;
  let retry: NodeJS.Timeout | undefined;

  const wakeAll = () => {
    for (const wake of waiters) wake();
    waiters.clear();
  };

  const connect = async () => {
    if (closed) return;
    const c = new pg.Client({ connectionString, application_name: 'stockroom-listener' });
    c.on('notification', wakeAll);
    c.on('error', (error) => {
      log.warn({ err: error }, 'event listener connection lost; reconnecting');
      c.end().catch(() => {});
      if (client === c) client = undefined;
      retry = setTimeout(connect, 1000);
    });
    try {
      await c.connect();
      await c.query(`listen ${CHANNEL}`);
      client = c;
      wakeAll(); // anything committed while we were away
    } catch (error) {
      log.warn({ err: error }, 'event listener could not connect; retrying');
      c.end().catch(() => {});
      retry = setTimeout(connect, 1000);
    }
  };
  void connect();

  const nextChange = (signal: AbortSignal | undefined) =>
    new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        waiters.delete(done);
        signal?.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, POLL_MS);
      waiters.add(done);
      signal?.addEventListener('abort', done, { once: true });
    });

  return {
    async *stream({ after, types, signal }) {
      let position = after ?? (await latestPosition(db));
      while (!signal?.aborted && !closed) {
        let events: StockroomEvent[];
        try {
          events = await readEventsAfter(db, position, { types, limit: 500 });
        } catch (error) {
          log.warn({ err: error }, 'reading events failed; retrying');
          await nextChange(signal);
          continue;
        }
        for (const event of events) {
          if (signal?.aborted) return;
          yield event;
          position = event.position;
        }
        if (events.length < 500) await nextChange(signal);
      }
    },
    async close() {
      closed = true;
      if (retry) clearTimeout(retry);
      wakeAll();
      await client?.end().catch(() => {});
    },
  };
}
