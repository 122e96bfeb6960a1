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
import { latestPosition, parsePosition, readEventsAfter, type StockroomEvent } from '@stockroom/core';
import type { Db } from '@stockroom/db';
import type { FastifyBaseLogger } from 'fastify';
import pg from 'pg';
import { isDataException, MappedError } from '../errors.js';

const CHANNEL = 'stockroom_events';
/** Announced by triggers when a user, their warehouses, a session or a service token changes. */
const PRINCIPALS_CHANNEL = 'stockroom_principals';
const POLL_MS = 1000;

export interface EventBus {
  /** Events after `after` (or from now), filtered by type, until `signal` aborts. */
  stream(options: {
    after?: string | null;
    types?: string[];
    signal?: AbortSignal;
  }): AsyncGenerator<StockroomEvent>;
  /** Resolves when any process commits events (a NOTIFY arrives), or after `timeoutMs`. */
  nextChange(timeoutMs: number): Promise<void>;
  close(): Promise<void>;
}

export function createEventBus(
  db: Db,
  connectionString: string,
  log: FastifyBaseLogger,
  /**
   * Called with whose access changed (a user's or service token's id, or '*'), and
   * with '*' after (re)connecting (announcements may have been missed).
   */
  onPrincipalsChanged: (subject: string) => void = () => {},
): EventBus {
  const waiters = new Set<() => void>();
  let client: pg.Client | undefined;
  let closed = false;
  let retry: NodeJS.Timeout | undefined;
  /** Bumped by every notification, so a reader can tell one arrived while it was reading. */
  let generation = 0;

  const wakeAll = () => {
    generation++;
    for (const wake of waiters) wake();
    waiters.clear();
  };

  // The one LISTEN connection. Each attempt fails at most once (pg may report one
  // failure both as an 'error' event and as a rejected query), so there is never
  // more than one retry pending, and an attempt still connecting when the bus
  // closes ends its own connection.
  let connecting: Promise<void> | undefined;
  const connect = async () => {
    if (closed) return;
    const c = new pg.Client({
      connectionString,
      application_name: 'stockroom-listener',
      connectionTimeoutMillis: 5000,
    });
    let failed = false;
    const fail = (error: unknown, message: string) => {
      if (failed) return;
      failed = true;
      if (client === c) client = undefined;
      c.end().catch(() => {});
      if (closed) return;
      log.warn({ err: error }, message);
      retry = setTimeout(() => {
        connecting = connect();
      }, 1000);
    };
    c.on('notification', (message) => {
      if (message.channel === PRINCIPALS_CHANNEL) onPrincipalsChanged(message.payload ?? '*');
      else wakeAll();
    });
    c.on('error', (error) => fail(error, 'event listener connection lost; reconnecting'));
    try {
      await c.connect();
      await c.query(`listen ${CHANNEL}; listen ${PRINCIPALS_CHANNEL}`);
    } catch (error) {
      fail(error, 'event listener could not connect; retrying');
      return;
    }
    if (failed) return;
    if (closed) {
      await c.end().catch(() => {});
      return;
    }
    client = c;
    wakeAll(); // anything committed while we were away
    onPrincipalsChanged('*'); // and any access changed meanwhile
  };
  connecting = connect();

  /** Wait for a notification (or the slow poll), unless one came after `seen`. */
  const nextChange = (signal: AbortSignal | undefined, seen: number) =>
    new Promise<void>((resolve) => {
      if (generation !== seen || closed || signal?.aborted) {
        resolve();
        return;
      }
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
      // A position that does not parse would read the outbox from its very
      // beginning: refuse it instead of replaying the whole history.
      if (after && !parsePosition(after)) {
        throw new MappedError({
          appCode: 'VALIDATION_FAILED',
          message: 'lastEventId is not an event id this server gave out',
          details: { field: 'lastEventId' },
        });
      }
      let position = after || (await latestPosition(db));
      while (!signal?.aborted && !closed) {
        // Note the generation before reading: a notification that lands while
        // the read is in flight must not be slept through.
        const seen = generation;
        let events: StockroomEvent[];
        try {
          events = await readEventsAfter(db, position, { types, limit: 500 });
        } catch (error) {
          if (closed || signal?.aborted) return;
          // A value the database refuses will be refused again: answer once, do not retry.
          if (isDataException(error)) {
            throw new MappedError({
              appCode: 'VALIDATION_FAILED',
              message: 'lastEventId is not an event id this server gave out',
              details: { field: 'lastEventId' },
            });
          }
          log.warn({ err: error }, 'reading events failed; retrying');
          await nextChange(signal, seen);
          continue;
        }
        for (const event of events) {
          if (signal?.aborted || closed) return;
          yield event;
          position = event.position;
        }
        if (events.length < 500) await nextChange(signal, seen);
      }
    },
    nextChange(timeoutMs) {
      return new Promise<void>((resolve) => {
        if (closed) {
          resolve();
          return;
        }
        const done = () => {
          clearTimeout(timer);
          waiters.delete(done);
          resolve();
        };
        const timer = setTimeout(done, timeoutMs);
        waiters.add(done);
      });
    },
    async close() {
      closed = true;
      if (retry) clearTimeout(retry);
      wakeAll();
      await connecting;
      await client?.end().catch(() => {});
      client = undefined;
    },
  };
}
