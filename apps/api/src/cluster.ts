/**
 * Several API processes on one host (WEB_CONCURRENCY, node:cluster). The
 * primary serves nothing itself: it starts the embedded PostgreSQL when there
 * is no DATABASE_URL (one server for every worker), forks the workers with one
 * JWT secret and one database, restarts a worker that dies, and at SIGTERM /
 * SIGINT stops them all (each finishes its requests) before it leaves.
 *
 * Every worker is a whole API process, as the multi-process tests and the
 * docker compose replicas already run: migrations and the demo seed under
 * advisory locks, the sweeper and the webhook dispatcher claiming rows with
 * SKIP LOCKED, session invalidation and live events over LISTEN/NOTIFY.
 * Connections are spread by the primary (node's round-robin on Linux); the
 * database pool (DB_POOL_MAX) is per worker. /metrics answers for the whole
 * cluster (metrics.ts asks the primary, which gathers every worker's registry).
 */
import cluster, { type Worker } from 'node:cluster';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { type EmbeddedServer, startEmbeddedPostgres } from '@stockroom/db';
import { AggregatorRegistry } from 'prom-client';
import type { Env } from './env.js';
import { METRICS_REPLY, METRICS_REQUEST } from './metrics.js';

/** WEB_CONCURRENCY, else one worker per core in production and a single process otherwise. */
export function workerCount(env: Env): number {
  return env.WEB_CONCURRENCY ?? (env.NODE_ENV === 'production' ? availableParallelism() : 1);
}

const log = (message: string) =>
  console.log(JSON.stringify({ level: 'info', role: 'primary', msg: message }));

/** A worker's /metrics: every worker's registry, gathered here (prom-client's cluster aggregation). */
function answerMetricsRequests(): void {
  const aggregator = new AggregatorRegistry();
  cluster.on('message', (worker: Worker, message: unknown) => {
    const request = message as { type?: string; id?: number };
    if (request?.type !== METRICS_REQUEST) return;
    aggregator.clusterMetrics().then(
      (text) => worker.send({ type: METRICS_REPLY, id: request.id, text }),
      (error: unknown) => worker.send({ type: METRICS_REPLY, id: request.id, error: String(error) }),
    );
  });
}

export interface Cluster {
  /** Where the API answers (every worker listens on it). */
  url: string;
  /** Whether the database is the embedded one started here. */
  embedded: boolean;
  /** Stop every worker (they finish their requests), then PostgreSQL; resolves to the exit code. */
  close(): Promise<number>;
}

/** Fork `count` workers and resolve once all of them listen; a worker that dies before that fails the start. */
export async function startCluster(env: Env, count: number): Promise<Cluster> {
  let embedded: EmbeddedServer | undefined;
  let databaseUrl = env.DATABASE_URL;
  if (!databaseUrl) {
    embedded = await startEmbeddedPostgres({
      dataDir: path.join(env.DATA_DIR, 'pg'),
      port: env.EMBEDDED_PG_PORT,
    });
    databaseUrl = embedded.localUrl;
  }
  const workerEnv = { DATABASE_URL: databaseUrl, JWT_SECRET: env.JWT_SECRET, WEB_CONCURRENCY: String(count) };
  answerMetricsRequests();

  let stopping = false;
  let failedStart = false;
  let listening = 0;
  const fork = () => cluster.fork(workerEnv);
  const ready = new Promise<string>((resolve, reject) => {
    cluster.on('listening', (_worker, address) => {
      if (address.port === env.METRICS_PORT) return;
      listening += 1;
      if (listening === count) resolve(`http://127.0.0.1:${address.port}`);
    });
    cluster.on('exit', (worker, code, signal) => {
      if (stopping) return;
      if (listening < count) {
        failedStart = true;
        reject(new Error(`worker ${worker.process.pid} exited (${signal ?? code}) before the API was ready`));
        return;
      }
      log(`worker ${worker.process.pid} exited (${signal ?? code}); starting another`);
      setTimeout(() => {
        if (!stopping) fork();
      }, 1000).unref();
    });
  });
  for (let i = 0; i < count; i += 1) fork();

  let closing: Promise<number> | undefined;
  const close = () => {
    closing ??= (async () => {
      stopping = true;
      const workers = Object.values(cluster.workers ?? {}).filter((w): w is Worker => w !== undefined);
      const codes = await Promise.all(
        workers.map(
          (worker) =>
            new Promise<number>((resolve) => {
              if (worker.isDead()) return resolve(worker.process.exitCode ?? 0);
              worker.once('exit', (code) => resolve(code ?? 0));
              worker.process.kill('SIGTERM');
            }),
        ),
      );
      await embedded?.stop().catch(() => {});
      return failedStart || codes.some((c) => c !== 0) ? 1 : 0;
    })();
    return closing;
  };
  try {
    return { url: await ready, embedded: embedded !== undefined, close };
  } catch (error) {
    await close();
    throw error;
  }
}
