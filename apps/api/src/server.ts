/**
 * The HTTP server: Fastify with tRPC at /trpc, REST + OpenAPI at /api/v1 (same
 * procedures), health/readiness/metrics, and the built console.
 */
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import cors from '@fastify/cors';
import helmet from '@fastify/helmet';
import fastifyStatic from '@fastify/static';
import { migrationsCurrent } from '@stockroom/db';
import {
  type CreateFastifyContextOptions,
  type FastifyTRPCPluginOptions,
  fastifyTRPCPlugin,
} from '@trpc/server/adapters/fastify';
import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import { sql } from 'kysely';
import { fastifyTRPCOpenApiPlugin, generateOpenApiDocument } from 'trpc-to-openapi';
import { ERROR_TABLE, toAppError } from './errors.js';
import { type AppRouter, appRouter } from './router.js';
import type { Services } from './services.js';
import type { Context } from './trpc.js';

function bearer(value: string | undefined): string | undefined {
  if (!value) return undefined;
  const match = /^Bearer\s+(\S+)$/i.exec(value.trim());
  return match?.[1];
}

function headerValue(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

export async function buildServer(services: Services): Promise<FastifyInstance> {
  const { env } = services;
  const app = Fastify({
    logger: { level: env.LOG_LEVEL, redact: ['req.headers.authorization'] },
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && /^[\w-]{1,64}$/.test(given) ? given : randomUUID();
    },
    requestIdHeader: false,
    bodyLimit: env.BODY_LIMIT_BYTES,
    trustProxy: env.TRUST_PROXY,
    routerOptions: { maxParamLength: 5000 },
  });

  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });

  await app.register(helmet, {
    // The console is a same-origin SPA; tRPC/SSE need no inline scripts.
    contentSecurityPolicy: {
      directives: {
        'default-src': ["'self'"],
        'img-src': ["'self'", 'data:'],
        'style-src': ["'self'", "'unsafe-inline'"],
      },
    },
  });
  await app.register(cors, {
    origin: env.CORS_ORIGINS ? env.CORS_ORIGINS.split(',').map((o) => o.trim()) : false,
    allowedHeaders: [
      'authorization',
      'content-type',
      'idempotency-key',
      'x-request-id',
      'last-event-id',
      'trpc-accept',
    ],
    exposedHeaders: ['x-request-id', 'retry-after'],
  });

  const createContext = async ({
    req,
    info,
  }: Pick<CreateFastifyContextOptions, 'req'> &
    Partial<Pick<CreateFastifyContextOptions, 'info'>>): Promise<Context> => {
    // Browsers cannot set headers on EventSource: subscriptions may send the token as a connection param.
    const token = bearer(headerValue(req, 'authorization')) ?? info?.connectionParams?.token;
    return {
      db: services.db,
      services,
      actor: token ? await services.sessions.resolve(token) : null,
      requestId: String(req.id),
      ip: req.ip,
      idempotencyHeader: headerValue(req, 'idempotency-key'),
      log: req.log,
    };
  };

  // A 429/503 answer tells the client when to come back.
  const responseMeta = ({ errors }: { errors: readonly unknown[] }) => {
    const waits = errors.map((e) => toAppError(e).retryAfter).filter((s): s is number => s !== undefined);
    return waits.length > 0 ? { headers: { 'retry-after': String(Math.max(...waits)) } } : {};
  };

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

  // REST + OpenAPI from the same procedures; errors in API.md's REST shape.
  const openApiDocument = generateOpenApiDocument(appRouter, {
    title: 'Stockroom API',
    version: '1.0.0',
    baseUrl: '/api/v1',
    description:
      'Multi-warehouse inventory and reservations. Authenticate with `Authorization: Bearer <token>` (a JWT from auth.login, or a service token). Every mutation honours `Idempotency-Key`.',
  });
  await app.register(
    async (rest) => {
      rest.get('/openapi.json', async () => openApiDocument);
      rest.addHook('onSend', async (_request, reply, payload) => {
        if (reply.statusCode < 400 || typeof payload !== 'string') return payload;
        try {
          const body = JSON.parse(payload) as {
            message?: string;
            data?: { appCode?: string; details?: unknown };
          };
          if (!body.data?.appCode) return payload;
          reply.header('content-type', 'application/json; charset=utf-8');
          return JSON.stringify({
            error: { code: body.data.appCode, message: body.message, details: body.data.details ?? {} },
          });
        } catch {
          return payload;
        }
      });
      await rest.register(fastifyTRPCOpenApiPlugin, {
        basePath: '/',
        router: appRouter,
        createContext: ({ req }: { req: FastifyRequest }) => createContext({ req }),
        responseMeta,
      } as never);
    },
    { prefix: '/api/v1' },
  );

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
  app.get('/metrics', async (_request, reply) => {
    reply.header('content-type', services.metrics.registry.contentType);
    return services.metrics.registry.metrics();
  });

  // Anything that escapes the routes above (malformed JSON, body too large…):
  // a clear 4xx/5xx in the REST error shape, never a stack.
  app.setErrorHandler((error: { statusCode?: unknown }, request, reply) => {
    const status = typeof error.statusCode === 'number' && error.statusCode >= 400 ? error.statusCode : 500;
    if (status >= 500) request.log.error({ err: error }, 'request failed');
    const info = toAppError(error);
    const code = status === 413 || (status >= 400 && status < 500) ? 'VALIDATION_FAILED' : info.appCode;
    const message =
      status === 413
        ? 'The request body is too large'
        : status < 500
          ? 'The request is not valid'
          : info.message;
    reply
      .code(status >= 500 ? ERROR_TABLE[info.appCode].http : status)
      .send({ error: { code, message, details: {}, requestId: request.id } });
  });

  if (existsSync(env.CONSOLE_DIST)) {
    await app.register(fastifyStatic, { root: env.CONSOLE_DIST, prefix: '/', wildcard: false });
    // Client-side routes fall back to the SPA's index.html.
    app.setNotFoundHandler((request, reply) => {
      const apiPath = /^\/(trpc|api|health|ready|metrics)(\/|$)/.test(request.url);
      if (request.method === 'GET' && !apiPath) return reply.sendFile('index.html');
      return reply.code(404).send({ error: { code: 'NOT_FOUND', message: 'No such route', details: {} } });
    });
  } else {
    app.setNotFoundHandler((_request, reply) =>
      reply.code(404).send({ error: { code: 'NOT_FOUND', message: 'No such route', details: {} } }),
    );
  }

  return app;
}
