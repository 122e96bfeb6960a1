/**
 * Start-up steps for a real install: refuse the demo credentials in production
 * (and say so when they are present), create the first admin from
 * STOCKROOM_ADMIN_* when no admin exists, and say where /metrics is served.
 */
import { ensureFirstAdmin, findDemoCredentials, pruneSessions, refuseDemoCredentials } from '@stockroom/core';
import type { Db } from '@stockroom/db';
import type { FastifyBaseLogger } from 'fastify';
import type { Env } from './env.js';
import { describeMetrics, metricsExposure } from './metrics.js';

export async function bootstrap(db: Db, env: Env, log: FastifyBaseLogger): Promise<void> {
  const production = env.NODE_ENV === 'production';
  refuseDemoCredentials(production);
  // Sessions that ended over a week ago are of no use to anyone.
  await pruneSessions(db).catch((error: unknown) => log.warn({ err: error }, 'pruning old sessions failed'));
  if (production) {
    const found = await findDemoCredentials(db);
    if (found.length > 0) {
      log.warn(
        { demoCredentials: found },
        `demo credentials found in the database and refused (NODE_ENV=production): ${found.join(', ')}`,
      );
    }
  }
  if (env.STOCKROOM_ADMIN_EMAIL && env.STOCKROOM_ADMIN_PASSWORD) {
    const outcome = await ensureFirstAdmin(db, {
      email: env.STOCKROOM_ADMIN_EMAIL,
      password: env.STOCKROOM_ADMIN_PASSWORD,
    });
    if (outcome.created) log.info({ email: outcome.email }, `created first admin ${outcome.email}`);
    else if (outcome.reason === 'admin-exists') log.info('admin exists, STOCKROOM_ADMIN_* ignored');
    else
      log.warn(
        { email: outcome.email },
        `STOCKROOM_ADMIN_EMAIL ${outcome.email} belongs to an existing non-admin account; no admin created (promote it with the CLI or choose another email)`,
      );
  }
  const metrics = metricsExposure(env);
  const where = describeMetrics(metrics);
  if (production && metrics.port === undefined && !metrics.token) log.warn(`/metrics is ${where}`);
  else log.info(`/metrics is served ${where}`);
}
