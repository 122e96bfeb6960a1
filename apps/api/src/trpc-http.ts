/**
 * tRPC over HTTP at /trpc (queries, mutations, batches, SSE subscriptions):
 * the Fastify adapter, each request's context, Retry-After on 429/503, and
 * live streams dropped at shutdown.
 */
import {
  type CreateFastifyContextOptions,
  type FastifyTRPCPluginOptions,
  fastifyTRPCPlugin,
} from '@trpc/server/adapters/fastify';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { createRequestContext, headerValue } from './context.js';
import { toAppError } from './errors.js';
import { type AppRouter, appRouter } from './router.js';
import type { Services } from './services.js';

/** A 429/503 answer tells the client when to come back (tRPC and REST alike). */
export const responseMeta = ({ errors }: { errors: readonly unknown[] }) => {
  const waits = errors.map((e) => toAppError(e).retryAfter).filter((s): s is number => s !== undefined);
  return waits.length > 0 ? { headers: { 'retry-after': String(Math.max(...waits)) } } : {};
};

/**
 * Live SSE streams never finish by themselves, so `app.close()` would wait on
 * them forever. At shutdown drop their connections (without tRPC's final
 * "return" event): EventSource clients then reconnect — to another process
 * behind the load balancer — and resume from their last event id.
 */
export function dropEventStreamsOnClose(app: FastifyInstance): void {
  const eventStreams = new Set<FastifyReply['raw']>();
  app.addHook('onRequest', async (request, reply) => {
    const accept = headerValue(request, 'accept') ?? '';
    if (request.method !== 'GET' || !accept.includes('text/event-stream')) return;
    const response = reply.raw;
    eventStreams.add(response);
    response.once('close', () => eventStreams.delete(response));
  });
  app.addHook('preClose', async () => {
    for (const response of eventStreams) response.destroy();
    eventStreams.clear();
  });
}

export async function registerTrpc(app: FastifyInstance, services: Services): Promise<void> {
  const createContext = ({ req, res, info }: CreateFastifyContextOptions) =>
    createRequestContext(services, req, {
      type: info.type,
      connectionParams: info.connectionParams,
      response: res.raw,
    });

  // tRPC's client sends a mutation without input as a POST with an empty body, which
  // @trpc/server 11.19 then fails to parse: treat it as `{}` (no fields given).
  app.addHook('preHandler', async (request) => {
    if (request.method === 'POST' && request.body === '' && /^\/trpc\/[^,?]+(\?|$)/.test(request.url)) {
      request.body = '{}';
    }
  });

  await app.register(fastifyTRPCPlugin, {
    prefix: '/trpc',
    trpcOptions: {
      router: appRouter,
      createContext,
      responseMeta,
      maxBatchSize: 50,
      allowMethodOverride: false,
    } satisfies FastifyTRPCPluginOptions<AppRouter>['trpcOptions'],
  });
}
