/**
 * Where lag-tolerant reads go (DATABASE_REPLICA_URL; see @stockroom/db's
 * replica.ts for the WAL comparison). Read-your-writes is kept per principal:
 * after a principal's mutation is answered, its reads go to the primary until
 * the replica has replayed a WAL position sampled after that answer. The
 * processes of a deployment tell each other who wrote (NOTIFY on
 * `stockroom_writes`, sent before the answer leaves), so the next request may
 * land on any of them.
 *
 * Only the procedures that call `lagTolerant` read a replica: search, lists,
 * movements, event history, dashboard figures. Everything that decides a write
 * reads the primary inside the writing transaction.
 */
import { type Actor, actorLabel } from '@stockroom/core';
import { createReadRouting, type Db, databaseTrouble, type ReadRouting } from '@stockroom/db';
import type { FastifyBaseLogger } from 'fastify';
import { sql } from 'kysely';
import { WRITES_CHANNEL } from './events/bus.js';

export interface Reads {
  /** The connection for a lag-tolerant read by this principal. */
  reader(actor: Actor | null): Db;
  /** A principal's mutation was answered: its next reads see it (every process is told). */
  wrote(actor: Actor): Promise<void>;
  /** Another process announced a write by this principal label ('*': anyone, announcements may be lost). */
  wroteElsewhere(label: string): void;
  /** Run `read` on the replica; on the primary when the replica fails under it. */
  run<T>(db: Db, read: (db: Db) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/**
 * The replica has not replayed a migration yet (a table, column or function the
 * code already uses): that read is answered by the primary.
 */
const SCHEMA_BEHIND = new Set(['42P01', '42703', '42883']);

/** Writers remembered at most this many (the oldest forgotten first; they read the primary meanwhile). */
const MAX_WRITERS = 100_000;

export function createReads(
  primary: Db,
  replica: Db | undefined,
  maxLagMs: number,
  log: () => FastifyBaseLogger | undefined,
): Reads {
  if (!replica) {
    return {
      reader: () => primary,
      wrote: async () => {},
      wroteElsewhere: () => {},
      run: (db, read) => read(db),
      close: async () => {},
    };
  }
  const routing: ReadRouting = createReadRouting({
    primary,
    replica,
    maxLagMs,
    onChange: (serving, reason) =>
      log()?.warn(
        { serving, reason },
        serving ? 'replica serves reads' : 'replica skipped: reads go to the primary',
      ),
  });
  // By principal label: when its last mutation was answered (Map order = oldest first).
  const writers = new Map<string, number>();
  // Anyone may have written by then: a principal forgotten to make room, or writes
  // announced while this process's listener was reconnecting.
  let everyoneWroteAt: number | undefined;
  const note = (label: string) => {
    writers.delete(label);
    writers.set(label, Date.now());
    if (writers.size <= MAX_WRITERS) return;
    const [oldest, at] = writers.entries().next().value as [string, number];
    writers.delete(oldest);
    everyoneWroteAt = Math.max(everyoneWroteAt ?? at, at);
  };
  return {
    reader(actor) {
      const own = actor ? writers.get(actorLabel(actor)) : undefined;
      const wroteAt = own === undefined ? everyoneWroteAt : Math.max(own, everyoneWroteAt ?? own);
      return routing.reader(wroteAt);
    },
    async wrote(actor) {
      const label = actorLabel(actor);
      note(label);
      // A hint, like the events announcer's: not worth waiting for its commit to be flushed.
      await sql`select set_config('synchronous_commit', 'off', true), pg_notify(${WRITES_CHANNEL}, ${label})`.execute(
        primary,
      );
    },
    wroteElsewhere(label) {
      if (label === '*') everyoneWroteAt = Date.now();
      else note(label);
    },
    async run(db, read) {
      if (db === primary) return read(primary);
      try {
        return await read(db);
      } catch (error) {
        if (databaseTrouble(error) === 'unavailable') routing.replicaFailed();
        else if (!SCHEMA_BEHIND.has((error as { code?: string }).code ?? '')) throw error;
        return read(primary);
      }
    },
    close: () => routing.close(),
  };
}

/** A read that may be answered from the replica: who is asking decides where (read-your-writes). */
export function lagTolerant<T>(
  ctx: { services: { reads: Reads }; actor: Actor | null },
  read: (db: Db) => Promise<T>,
): Promise<T> {
  const { reads } = ctx.services;
  return reads.run(reads.reader(ctx.actor), read);
}
