/**
 * Live events for subscribers, fed from the outbox.
 *
 * One LISTEN connection per API process wakes subscribers when any process
 * commits events (PostgreSQL NOTIFY, sent after the commit: announcer.ts); each
 * subscriber then reads the outbox
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
import { EVENTS_CHANNEL, startAnnouncer } from './announcer.js';

/** Announced by triggers when a user, their warehouses, a session or a service token changes. */
const PRINCIPALS_CHANNEL = 'stockroom_principals';
/** Who just wrote (read-your-writes across processes when reads may go to a replica, see reads.ts). */
export const WRITES_CHANNEL = 'stockroom_writes';
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

export interface BusNotices {
  /**
   * Called with whose access changed (a user's or service token's id, or '*'), and
   * with '*' after (re)connecting (announcements may have been missed).
   */
  principalsChanged?: (subject: string) => void;
  /** Called with the principal label of a mutation a process just answered ('*' after (re)connecting). */
  wrote?: (principal: string) => void;
}

/**
 * The one LISTEN connection of the process. Event notifications wake the
 * streams waiting in `nextChange`; principal announcements call
 * `notices`. Each connection attempt fails at most once (pg may
 * report one failure both as an 'error' event and as a rejected query), so
 * there is never more than one retry pending, and an attempt still connecting
 * when the bus closes ends its own connection.
 */
class Listener {
  private readonly waiters = new Set<() => void>();
  private client: pg.Client | undefined;
  private retry: NodeJS.Timeout | undefined;
  private connecting: Promise<void> | undefined;
  closed = false;
  /** Bumped by every notification, so a reader can tell one arrived while it was reading. */
  generation = 0;

  private readonly connectionString: string;
  private readonly log: FastifyBaseLogger;
  private readonly notices: BusNotices;

  constructor(connectionString: string, log: FastifyBaseLogger, notices: BusNotices) {
    this.connectionString = connectionString;
    this.log = log;
    this.notices = notices;
    this.connecting = this.connect();
  }

  private wakeAll(): void {
    this.generation++;
    for (const wake of this.waiters) wake();
    this.waiters.clear();
  }

  private async connect(): Promise<void> {
    if (this.closed) return;
    const c = new pg.Client({
      connectionString: this.connectionString,
      application_name: 'stockroom-listener',
      connectionTimeoutMillis: 5000,
    });
    let failed = false;
    const fail = (error: unknown, message: string) => {
      if (failed) return;
      failed = true;
      if (this.client === c) this.client = undefined;
      c.end().catch(() => {});
      if (this.closed) return;
      this.log.warn({ err: error }, message);
      this.retry = setTimeout(() => {
        this.connecting = this.connect();
      }, 1000);
    };
    c.on('notification', (message) => {
      if (message.channel === PRINCIPALS_CHANNEL) this.notices.principalsChanged?.(message.payload ?? '*');
      else if (message.channel === WRITES_CHANNEL) this.notices.wrote?.(message.payload ?? '');
      else this.wakeAll();
    });
    c.on('error', (error) => fail(error, 'event listener connection lost; reconnecting'));
    try {
      await c.connect();
      await c.query(`listen ${EVENTS_CHANNEL}; listen ${PRINCIPALS_CHANNEL}; listen ${WRITES_CHANNEL}`);
    } catch (error) {
      fail(error, 'event listener could not connect; retrying');
      return;
    }
    if (failed) return;
    if (this.closed) {
      await c.end().catch(() => {});
      return;
    }
    this.client = c;
    this.wakeAll(); // anything committed while we were away
    this.notices.principalsChanged?.('*'); // and any access changed meanwhile
    this.notices.wrote?.('*'); // and anyone may have written
  }

  /** Wait for a notification (or the slow poll), unless one came after `seen`. */
  nextChange(signal: AbortSignal | undefined, seen: number, timeoutMs = POLL_MS): Promise<void> {
    return new Promise<void>((resolve) => {
      if (this.generation !== seen || this.closed || signal?.aborted) {
        resolve();
        return;
      }
      const done = () => {
        clearTimeout(timer);
        this.waiters.delete(done);
        signal?.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, timeoutMs);
      this.waiters.add(done);
      signal?.addEventListener('abort', done, { once: true });
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.retry) clearTimeout(this.retry);
    this.wakeAll();
    await this.connecting;
    await this.client?.end().catch(() => {});
    this.client = undefined;
  }
}

const unknownPosition = () =>
  new MappedError({
    appCode: 'VALIDATION_FAILED',
    message: 'lastEventId is not an event id this server gave out',
    details: { field: 'lastEventId' },
  });

export function createEventBus(
  db: Db,
  connectionString: string,
  log: FastifyBaseLogger,
  notices: BusNotices = {},
): EventBus {
  const listener = new Listener(connectionString, log, notices);
  // This process's commits, announced to every listener (its own included).
  const announcer = startAnnouncer(db, log);
  return {
    async *stream({ after, types, signal }) {
      // A position that does not parse would read the outbox from its very
      // beginning: refuse it instead of replaying the whole history.
      if (after && !parsePosition(after)) throw unknownPosition();
      let position = after || (await latestPosition(db));
      while (!signal?.aborted && !listener.closed) {
        // Note the generation before reading: a notification that lands while
        // the read is in flight must not be slept through.
        const seen = listener.generation;
        let events: StockroomEvent[];
        try {
          events = await readEventsAfter(db, position, { types, limit: 500 });
        } catch (error) {
          if (listener.closed || signal?.aborted) return;
          // A value the database refuses will be refused again: answer once, do not retry.
          if (isDataException(error)) throw unknownPosition();
          log.warn({ err: error }, 'reading events failed; retrying');
          await listener.nextChange(signal, seen);
          continue;
        }
        for (const event of events) {
          if (signal?.aborted || listener.closed) return;
          yield event;
          position = event.position;
        }
        if (events.length < 500) await listener.nextChange(signal, seen);
      }
    },
    nextChange: (timeoutMs) => listener.nextChange(undefined, listener.generation, timeoutMs),
    async close() {
      await announcer.close();
      await listener.close();
    },
  };
}
