/**
 * tRPC over HTTP at /trpc (queries, mutations, batches, SSE subscriptions):
 * tRPC's Fastify request handler (a lone query or mutation takes the shorter
 * road of trpc-lone-call.ts), each request's context, Retry-After on 429/503,
 * and live streams dropped at shutdown.
 */
import { type FastifyTRPCPluginOptions, fastifyRequestHandler } from '@trpc/server/adapters/fastify';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { createRequestContext, headerValue } from './context.js';
import { toAppError } from './errors.js';
import { type AppRouter, appRouter } from './router.js';
import type { Services } from './services.js';
import { loneCallHandler } from './trpc-lone-call.js';

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
  const trpcOptions = {
    router: appRouter,
    createContext: ({ req, res, info }) =>
      createRequestContext(services, req, {
        type: info.type,
        connectionParams: info.connectionParams,
        response: res.raw,
      }),
    responseMeta,
    maxBatchSize: 50,
    allowMethodOverride: false,
  } satisfies FastifyTRPCPluginOptions<AppRouter>['trpcOptions'];
  const lone = loneCallHandler(
    appRouter,
    (req: FastifyRequest, type) => createRequestContext(services, req, { type }),
    responseMeta,
  );

  // tRPC's client sends a mutation without input as a POST with an empty body, which
  // @trpc/server 11.19 then fails to parse: treat it as `{}` (no fields given).
  app.addHook('preHandler', async (request) => {
    if (request.method === 'POST' && request.body === '' && /^\/trpc\/[^,?]+(\?|$)/.test(request.url)) {
      request.body = '{}';
    }
  });

  // What fastifyTRPCPlugin registers (bodies as text, one route for every path), with
  // the lone-call road in front of tRPC's request handler.
  await app.register(async (trpc) => {
    trpc.removeContentTypeParser('application/json');
    trpc.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body, done) =>
      done(null, body),
    );
    trpc.removeContentTypeParser('multipart/form-data');
    trpc.addContentTypeParser('multipart/form-data', {}, (_req, body, done) => done(null, body));
    trpc.all<{ Params: { path: string } }>('/trpc/:path', async (req, reply) => {
      const path = req.params.path;
      let decoded: string | undefined;
      try {
        decoded = decodeURIComponent(path);
      } catch {}
      if (decoded !== undefined && (await lone(req, reply, decoded))) return reply;
      await fastifyRequestHandler({ ...trpcOptions, req, res: reply, path });
      return reply;
    });
  });
}
