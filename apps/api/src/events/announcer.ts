/**
 * Announces this process's events to every API process's event listener
 * (`LISTEN stockroom_events`, bus.ts): after each transaction that wrote to the
 * outbox commits (`onOutboxCommit`, packages/db), one `pg_notify` — at most one
 * in flight and at most one per MIN_GAP_MS; every commit made meanwhile is
 * covered by the next one.
 *
 * Not from inside the writing transaction (the outbox's trigger did that until
 * migration 2026-12-05T0010): a transaction that notifies takes PostgreSQL's
 * one notification-queue lock at commit and holds it until its commit record is
 * flushed, so every transaction that wrote an event committed alone, one after
 * another. An announcement is a hint — readers load events from the table and
 * poll every second anyway — so it is sent without waiting for its own flush
 * (`synchronous_commit` off for that statement only).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { type Db, onOutboxCommit } from '@stockroom/db';
import type { FastifyBaseLogger } from 'fastify';
import { sql } from 'kysely';

export const EVENTS_CHANNEL = 'stockroom_events';
/** Announcements of one process are at least this far apart: a live event waits at most this much longer. */
const MIN_GAP_MS = 5;

export interface Announcer {
  /** Announce (also done after every outbox write of the process commits). */
  announce(): void;
  /** Resolves when no announcement is due or in flight. */
  settled(): Promise<void>;
  /** Stop announcing; waits for the announcement in flight. */
  close(): Promise<void>;
}

export function startAnnouncer(db: Db, log: FastifyBaseLogger): Announcer {
  let wanted = false;
  let closed = false;
  let running: Promise<void> | undefined;
  const send = async () => {
    try {
      while (wanted && !closed) {
        wanted = false;
        const started = Date.now();
        try {
          await sql`select set_config('synchronous_commit', 'off', true), pg_notify(${EVENTS_CHANNEL}, '')`.execute(
            db,
          );
        } catch (error) {
          // Listeners poll every second: a lost announcement only delays them.
          log.warn({ err: error }, 'announcing committed events failed');
        }
        const wait = started + MIN_GAP_MS - Date.now();
        if (wanted && wait > 0) await sleep(wait);
      }
    } finally {
      running = undefined;
    }
  };
  const announce = () => {
    wanted = true;
    running ??= send();
  };
  const stop = onOutboxCommit(db, announce);
  return {
    announce,
    settled: async () => {
      while (running) await running;
    },
    async close() {
      closed = true;
      stop();
      await running;
    },
  };
}
