/** `pnpm start`: the API (and the built console) with everything it needs. */
import { startApi } from './app.js';
import { loadEnv } from './env.js';
import { shutdownTelemetry } from './instrumentation.js';

let env: ReturnType<typeof loadEnv>;
try {
  env = loadEnv();
} catch (error) {
  console.error((error as Error).message);
  process.exit(1);
}

const api = await startApi(env);
const base = api.url.replace('127.0.0.1', 'localhost');
const seeded = env.SEED_DEMO ?? env.NODE_ENV === 'development';
console.log(
  [
    '',
    `  Stockroom is running${env.DATABASE_URL ? '' : ' (embedded PostgreSQL, data in .data/pg)'}`,
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

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    api.app.log.info({ signal }, 'shutting down');
    const force = setTimeout(() => process.exit(1), 25_000);
    force.unref();
    api
      .close()
      .then(
        () => 0,
        (error) => {
          api.app.log.error({ err: error }, 'shutdown failed');
          return 1;
        },
      )
      // Spans of the last requests are still buffered: send them before leaving.
      .then(async (code) => {
        await shutdownTelemetry();
        process.exit(code);
      });
  });
}
