/**
 * `pnpm start`: the API (and the built console) with everything it needs; with
 * WEB_CONCURRENCY > 1 (the default in production: one per core) a cluster of
 * such processes on one port (cluster.ts).
 */
import cluster from 'node:cluster';
import { startApi } from './app.js';
import { startCluster, workerCount } from './cluster.js';
import { type Env, loadEnv } from './env.js';
import { shutdownTelemetry } from './instrumentation.js';

let env: Env;
try {
  env = loadEnv();
} catch (error) {
  console.error((error as Error).message);
  process.exit(1);
}

function printBanner(url: string, embedded: boolean, workers: number): void {
  const base = url.replace('127.0.0.1', 'localhost');
  const seeded = env.SEED_DEMO ?? env.NODE_ENV === 'development';
  console.log(
    [
      '',
      `  Stockroom is running${embedded ? ' (embedded PostgreSQL, data in .data/pg)' : ''} on Node.js ${process.version}, ${workers} worker process${workers === 1 ? '' : 'es'}`,
      `  Console      ${base}/`,
      `  tRPC         ${base}/trpc`,
      `  REST         ${base}/api/v1   (OpenAPI: ${base}/api/v1/openapi.json)`,
      `  Health       ${base}/health   ${base}/ready   ${base}/metrics`,
      ...(seeded
        ? [
            '',
            '  Demo logins (password "stockroom"): admin@example.com, staff@example.com,',
            '  seller@example.com, buyer@example.com — service token: dev-service-token',
          ]
        : []),
      '',
    ].join('\n'),
  );
}

/** At SIGINT/SIGTERM: `stop` once (a second signal changes nothing), then leave with its code. */
function onShutdown(stop: () => Promise<number>): void {
  let stopping = false;
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      if (stopping) return;
      stopping = true;
      const force = setTimeout(() => process.exit(1), 25_000);
      force.unref();
      void stop().then(async (code) => {
        // Spans of the last requests are still buffered: send them before leaving.
        await shutdownTelemetry();
        process.exit(code);
      });
    });
  }
}

const workers = workerCount(env);
if (cluster.isPrimary && workers > 1) {
  try {
    const running = await startCluster(env, workers);
    printBanner(running.url, running.embedded, workers);
    onShutdown(() => running.close());
  } catch (error) {
    console.error(`Stockroom did not start: ${(error as Error).message}`);
    process.exit(1);
  }
} else {
  const api = await startApi(env);
  if (cluster.isPrimary) printBanner(api.url, !env.DATABASE_URL, 1);
  onShutdown(() => {
    api.app.log.info('shutting down');
    return api.close().then(
      () => 0,
      (error) => {
        api.app.log.error({ err: error }, 'shutdown failed');
        return 1;
      },
    );
  });
}
