/**
 * Probes for load balancers and orchestrators: /health (the process answers)
 * and /ready (the database answers and its migrations are current; 503 with
 * Retry-After otherwise).
 */
import { migrationsCurrent } from '@stockroom/db';
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import type { Services } from './services.js';

export function registerProbes(app: FastifyInstance, services: Services): void {
  app.get('/health', async () => ({ status: 'ok', now: new Date().toISOString() }));
  app.get('/ready', async (_request, reply) => {
    try {
      await sql`select 1`.execute(services.db);
      if (!(await migrationsCurrent(services.db))) {
        return reply.code(503).send({ status: 'not_ready', database: 'ok', migrations: 'pending' });
      }
      return { status: 'ready', database: 'ok', migrations: 'current' };
    } catch {
      return reply
        .code(503)
        .header('retry-after', '2')
        .send({ status: 'not_ready', database: 'unreachable' });
    }
  });
}
