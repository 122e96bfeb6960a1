/**
 * Announces this process's commits to every API process's event listener
 * (`LISTEN stockroom_events`, bus.ts): after each write transaction commits,
 * one `pg_notify` — at most one in flight, and every commit made meanwhile is
 * covered by one more.
 *
 * Not from inside the writing transaction (the outbox's trigger did that until
 * migration 2026-12-05T0010): a transaction that notifies takes PostgreSQL's
 * one notification-queue lock at commit and holds it until its commit record is
 * flushed, so every transaction that wrote an event committed alone, one after
 * another. An announcement is a hint — readers load events from the table and
 * poll every second anyway — so it is sent without waiting for its own flush
 * (`synchronous_commit` off for that statement only).
 */
import { type Db, onWriteCommit } from '@stockroom/db';
import type { FastifyBaseLogger } from 'fastify';
import { sql } from 'kysely';

export const EVENTS_CHANNEL = 'stockroom_events';

export interface Announcer {
  /** Announce now (also called after every write transaction of the process commits). */
  announce(): void;
  /** Stop announcing; waits for the announcement in flight. */
  close(): Promise<void>;
}

export function startAnnouncer(db: Db, log: FastifyBaseLogger): Announcer {
  let wanted = false;
  let closed = false;
  let running: Promise<void> | undefined;
  const send = async () => {
    while (wanted && !closed) {
      wanted = false;
      try {
        await sql`select set_config('synchronous_commit', 'off', true), pg_notify(${EVENTS_CHANNEL}, '')`.execute(
          db,
        );
      } catch (error) {
        // Listeners poll every second: a lost announcement only delays them.
        log.warn({ err: error }, 'announcing committed events failed');
      }
    }
    running = undefined;
  };
  const announce = () => {
    wanted = true;
    running ??= send();
  };
  const stop = onWriteCommit(db, announce);
  return {
    announce,
    async close() {
      closed = true;
      stop();
      await running;
    },
  };
}
