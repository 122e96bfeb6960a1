/**
 * Reads that tolerate lag may go to a streaming replica (DATABASE_REPLICA_URL).
 * Which connection a read uses is decided here, from positions in the WAL:
 *
 * - Every `pollMs` the primary's current WAL position is sampled, then the
 *   replica's replay position. The replica is "fresh as of" the start of the
 *   newest primary sample it has replayed: every commit acknowledged before that
 *   moment is visible there.
 * - A read by someone who wrote at `wroteAt` goes to the replica only when the
 *   replica is fresh as of a moment after `wroteAt` (read-your-writes); until then
 *   it reads the primary.
 * - Nobody reads a replica further behind than `maxLagMs`, nor one whose last
 *   poll failed (or whose query just failed: `replicaFailed`): then the primary
 *   answers, and the replica is tried again once a poll succeeds.
 *
 * Writes, and every read that decides a write, never come here: they run on the
 * primary, inside the transaction that writes.
 */
import { sql } from 'kysely';
import type { Db } from './connection.js';

export interface ReadRoutingOptions {
  primary: Db;
  replica: Db;
  /** How often WAL positions are compared (default 100 ms). */
  pollMs?: number;
  /** The replica serves nobody when it is further behind than this (default 10 s). */
  maxLagMs?: number;
  /** Told when the replica stops or starts serving reads. */
  onChange?: (serving: boolean, reason: string) => void;
}

export interface ReadRouting {
  /** The connection for a lag-tolerant read by someone who last wrote at `wroteAt` (ms epoch). */
  reader(wroteAt?: number): Db;
  /** A query on the replica failed as unavailable: read the primary until a poll succeeds. */
  replicaFailed(): void;
  /** Resolves after the next completed poll (tests, and a fresh start). */
  polled(): Promise<void>;
  close(): Promise<void>;
}

/** A pg_lsn ('16/B374D848') as one number. */
export function lsnValue(lsn: string): bigint {
  const [high, low] = lsn.split('/');
  return (BigInt(`0x${high}`) << 32n) | BigInt(`0x${low}`);
}

interface Sample {
  at: number;
  lsn: bigint;
}

export function createReadRouting(options: ReadRoutingOptions): ReadRouting {
  const { primary, replica } = options;
  const pollMs = options.pollMs ?? 100;
  const maxLagMs = options.maxLagMs ?? 10_000;
  let samples: Sample[] = [];
  let freshAsOf = Number.NEGATIVE_INFINITY;
  let healthy = false;
  let closed = false;
  let timer: NodeJS.Timeout | undefined;
  let waiters: (() => void)[] = [];

  const setHealthy = (value: boolean, reason: string) => {
    if (healthy === value) return;
    healthy = value;
    options.onChange?.(value, reason);
  };

  async function poll(): Promise<void> {
    const at = Date.now();
    let primaryLsn: bigint;
    try {
      const row = await sql<{ lsn: string }>`select pg_current_wal_lsn()::text as lsn`.execute(primary);
      primaryLsn = lsnValue(row.rows[0]?.lsn ?? '0/0');
    } catch {
      return; // the primary is away: nothing to compare with (reads fail over the primary's own way)
    }
    samples.push({ at, lsn: primaryLsn });
    try {
      const row = await sql<{ standby: boolean; lsn: string | null }>`
        select pg_is_in_recovery() as standby, pg_last_wal_replay_lsn()::text as lsn`.execute(replica);
      const state = row.rows[0];
      if (!state?.standby) {
        // Not a standby (promoted, or the primary itself): it has everything committed.
        freshAsOf = at;
      } else if (state.lsn) {
        const replayed = lsnValue(state.lsn);
        for (const sample of samples)
          if (sample.lsn <= replayed && sample.at > freshAsOf) freshAsOf = sample.at;
      }
      setHealthy(true, 'replica answers');
    } catch {
      setHealthy(false, 'replica poll failed');
    }
    // Samples the replica has passed, or too old to matter, are dropped.
    samples = samples.filter((s) => s.at > freshAsOf && s.at > at - maxLagMs);
  }

  async function loop(): Promise<void> {
    await poll();
    const done = waiters;
    waiters = [];
    for (const wake of done) wake();
    if (!closed) timer = setTimeout(() => void loop(), pollMs);
  }
  void loop();

  return {
    reader(wroteAt) {
      if (!healthy || freshAsOf < Date.now() - maxLagMs) return primary;
      if (wroteAt !== undefined && freshAsOf <= wroteAt) return primary;
      return replica;
    },
    replicaFailed() {
      setHealthy(false, 'replica query failed');
    },
    polled: () => new Promise<void>((resolve) => waiters.push(resolve)),
    async close() {
      closed = true;
      if (timer) clearTimeout(timer);
      for (const wake of waiters) wake();
      waiters = [];
      await replica.destroy();
    },
  };
}
