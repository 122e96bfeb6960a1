/**
 * The HTTP server: Fastify with tRPC at /trpc, REST + OpenAPI at /api/v1 (same
 * procedures), health/readiness/metrics, and the built console.
 */
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import fastifyCookie from '@fastify/cookie';
import cors from '@fastify/cors';
import helmet from '@fastify/helmet';
import fastifyStatic from '@fastify/static';
import { migrationsCurrent } from '@stockroom/db';
import {
  type CreateFastifyContextOptions,
  type FastifyTRPCPluginOptions,
  fastifyTRPCPlugin,
} from '@trpc/server/adapters/fastify';
import { type TRPC_ERROR_CODE_KEY, TRPC_ERROR_CODES_BY_KEY } from '@trpc/server/rpc';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { sql } from 'kysely';
import { fastifyTRPCOpenApiPlugin, generateOpenApiDocument } from 'trpc-to-openapi';
import { cookieSessionRoutes } from './auth/cookie-session.js';
import { CSRF_HEADER, createRequestContext, headerValue } from './context.js';
import { ERROR_TABLE, toAppError } from './errors.js';
import { metricsExposure, registerMetricsRoute } from './metrics.js';
import { type AppRouter, appRouter } from './router.js';
import type { Services } from './services.js';

/** A URL for the logs: the `connectionParams` query value (it holds the token) blanked. */
export function redactUrl(url: string): string {
  return url.replace(/([?&]connectionParams=)[^&#]*/gi, '$1[redacted]');
}

type JsonObject = Record<string, unknown>;

const TRPC_TO_APP_CODE = new Map<string, string>();
for (const [appCode, { trpc }] of Object.entries(ERROR_TABLE)) {
  if (!TRPC_TO_APP_CODE.has(trpc)) TRPC_TO_APP_CODE.set(trpc, appCode);
}

/**
 * The generated document describes trpc-to-openapi's own error body; ours is
 * API.md's `{ error: { code, message, details } }` (reshaped in `onSend`). Make
 * the document say what the wire carries: that error shape for every failure,
 * and the Idempotency-Key header on every write.
 */
export function describeRestContract<T>(generated: T): T {
  const doc = structuredClone(generated) as JsonObject & {
    paths?: Record<string, Record<string, JsonObject>>;
    components?: { schemas?: Record<string, JsonObject> };
  };
  const errorBody = (code: string | undefined, message: string | undefined): JsonObject => ({
    type: 'object',
    required: ['error'],
    properties: {
      error: {
        type: 'object',
        required: ['code', 'message', 'details'],
        properties: {
          code: {
            type: 'string',
            enum: Object.keys(ERROR_TABLE),
            description: 'Stable error code (appCode)',
          },
          message: { type: 'string', description: 'For people' },
          details: { type: 'object', additionalProperties: true, description: 'Depends on the code' },
          requestId: { type: 'string' },
        },
      },
    },
    ...(code ? { example: { error: { code, message: message ?? code, details: {} } } } : {}),
  });
  doc.components ??= {};
  const schemas = doc.components.schemas ?? {};
  doc.components.schemas = schemas;
  for (const [name, schema] of Object.entries(schemas)) {
    if (!name.startsWith('error.')) continue;
    const example = schema.example as { code?: string; message?: string } | undefined;
    schemas[name] = {
      ...errorBody(TRPC_TO_APP_CODE.get(example?.code ?? ''), example?.message),
      title: schema.title,
      description: 'The error, as `{ error: { code, message, details } }`',
    };
  }
  schemas.Error = { ...errorBody(undefined, undefined), title: 'Error' };
  for (const item of Object.values(doc.paths ?? {})) {
    for (const [method, operation] of Object.entries(item)) {
      if (!['get', 'put', 'post', 'patch', 'delete'].includes(method)) continue;
      operation.responses ??= {};
      const responses = operation.responses as JsonObject;
      responses.default ??= {
        description: 'Any other error (409 conflicts, 412, 422, 429 with Retry-After…); `code` tells which',
        content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
      };
      if (method === 'get') continue;
      operation.parameters ??= [];
      const parameters = operation.parameters as JsonObject[];
      parameters.push({
        in: 'header',
        name: 'Idempotency-Key',
        required: false,
        description:
          'Makes a retry safe: the same key again returns the first answer without a second effect; the same key with another body fails with 422 IDEMPOTENCY_KEY_REUSED. Kept 24 h.',
        schema: { type: 'string', minLength: 1, maxLength: 200, pattern: '^[\\x21-\\x7e]+$' },
      });
      // A body is optional where every input field is (confirm, release).
      const body = operation.requestBody as { required?: boolean; content?: JsonObject } | undefined;
      const schema = (
        body?.content?.['application/json'] as { schema?: { required?: unknown[] } } | undefined
      )?.schema;
      if (body && !schema?.required?.length) body.required = false;
    }
  }
  return doc as T;
}

const MAX_BODY_DEPTH = 32;

/** Why a parsed REST body is not acceptable, or undefined when it is. */
function restBodyProblem(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return 'The request body must be a JSON object';
  }
  const stack: [unknown, number][] = [[value, 1]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop() as [unknown, number];
    if (depth > MAX_BODY_DEPTH) return `The request body nests deeper than ${MAX_BODY_DEPTH} levels`;
    if (typeof node === 'object' && node !== null) {
      for (const child of Object.values(node)) stack.push([child, depth + 1]);
    }
  }
  return undefined;
}

export async function buildServer(services: Services): Promise<FastifyInstance> {
  const { env } = services;
  const app = Fastify({
    logger: {
      level: env.LOG_LEVEL,
      redact: ['req.headers.authorization'],
      // SSE subscriptions carry the bearer token in the URL (EventSource cannot
      // set headers): never write it to the logs.
      serializers: {
        req: (request: FastifyRequest) => ({
          method: request.method,
          url: redactUrl(request.url),
          host: request.host,
          remoteAddress: request.ip,
          remotePort: request.socket?.remotePort,
        }),
      },
    },
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && /^[\w-]{1,64}$/.test(given) ? given : randomUUID();
    },
    requestIdHeader: false,
    bodyLimit: env.BODY_LIMIT_BYTES,
    // Errors Fastify raises before routing (a malformed URL): the same error shape as everything else.
    frameworkErrors: (_error, request, reply: FastifyReply) => {
      reply.code(400).send({
        error: {
          code: 'VALIDATION_FAILED',
          message: 'The URL is not valid',
          details: {},
          requestId: request.id,
        },
      });
    },
    trustProxy: env.TRUST_PROXY,
    routerOptions: { maxParamLength: 5000 },
  });

  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });

  // Live SSE streams never finish by themselves, so `app.close()` would wait on
  // them forever. At shutdown drop their connections (without tRPC's final
  // "return" event): EventSource clients then reconnect — to another process
  // behind the load balancer — and resume from their last event id.
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

  // Anything that escapes the routes (malformed JSON, body too large…): a clear
  // 4xx/5xx in the REST error shape, never a stack. Set before any plugin or
  // route: Fastify routes keep the error handler in force when they are declared.
  app.setErrorHandler(
    (error: { statusCode?: unknown; code?: unknown; message?: unknown }, request, reply) => {
      const status = typeof error.statusCode === 'number' && error.statusCode >= 400 ? error.statusCode : 500;
      if (status >= 500) request.log.error({ err: error }, 'request failed');
      const info = toAppError(error);
      const code = status === 413 || (status >= 400 && status < 500) ? 'VALIDATION_FAILED' : info.appCode;
      // Fastify's own 4xx messages ("Body is not valid JSON…") are safe and useful to show.
      const fastifyMessage =
        typeof error.code === 'string' &&
        error.code.startsWith('FST_') &&
        typeof error.message === 'string' &&
        error.message.length < 200
          ? error.message
          : undefined;
      const message =
        status === 413
          ? 'The request body is too large'
          : status < 500
            ? (fastifyMessage ?? 'The request is not valid')
            : info.message;
      const httpStatus = status >= 500 ? ERROR_TABLE[info.appCode].http : status;
      if (/^\/trpc(\/|$)/.test(request.url)) {
        // A tRPC client gets a tRPC error envelope (a batch link hands it to every call).
        const trpcCode: TRPC_ERROR_CODE_KEY =
          status === 413
            ? 'PAYLOAD_TOO_LARGE'
            : status < 500
              ? 'BAD_REQUEST'
              : ERROR_TABLE[info.appCode].trpc;
        return reply.code(httpStatus).send({
          error: {
            message,
            code: TRPC_ERROR_CODES_BY_KEY[trpcCode],
            data: { code: trpcCode, httpStatus, appCode: code, details: {}, requestId: request.id },
          },
        });
      }
      return reply.code(httpStatus).send({ error: { code, message, details: {}, requestId: request.id } });
    },
  );

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
  await app.register(fastifyCookie);
  await app.register(cors, {
    origin: env.CORS_ORIGINS ? env.CORS_ORIGINS.split(',').map((o) => o.trim()) : false,
    allowedHeaders: [
      'authorization',
      'content-type',
      'idempotency-key',
      'x-request-id',
      'last-event-id',
      'trpc-accept',
      CSRF_HEADER,
    ],
    exposedHeaders: ['x-request-id', 'retry-after'],
  });

  const createContext = ({ req, res, info }: CreateFastifyContextOptions) =>
    createRequestContext(services, req, {
      type: info.type,
      connectionParams: info.connectionParams,
      response: res.raw,
    });

  // A 429/503 answer tells the client when to come back.
  const responseMeta = ({ errors }: { errors: readonly unknown[] }) => {
    const waits = errors.map((e) => toAppError(e).retryAfter).filter((s): s is number => s !== undefined);
    return waits.length > 0 ? { headers: { 'retry-after': String(Math.max(...waits)) } } : {};
  };

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

  // REST + OpenAPI from the same procedures; errors in API.md's REST shape.
  const openApiDocument = describeRestContract(
    generateOpenApiDocument(appRouter, {
      title: 'Stockroom API',
      version: '1.0.0',
      baseUrl: '/api/v1',
      description:
        'Multi-warehouse inventory and reservations. Authenticate with `Authorization: Bearer <token>` (a JWT from auth.login, or a service token). Every mutation honours `Idempotency-Key`. Errors answer `{ "error": { "code", "message", "details" } }` with the HTTP status of their code.',
    }),
  );
  await app.register(
    async (rest) => {
      rest.get('/openapi.json', async () => openApiDocument);
      // A POST with no body (`…/confirm`, `…/release`) needs no content-type, and
      // an empty JSON body means "no input" rather than a parse error.
      const parseJson = rest.getDefaultJsonParser('error', 'error');
      rest.removeContentTypeParser('application/json');
      rest.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
        if (typeof body === 'string' && body.trim() === '') return done(null, undefined);
        return parseJson(request, String(body), (error, value) => {
          if (error) return done(error);
          // REST bodies are JSON objects of bounded depth: anything else would be
          // dropped silently by the adapter, or overflow its stack re-serialising it.
          const problem = restBodyProblem(value);
          if (problem) return done(Object.assign(new Error(problem), { statusCode: 400 }));
          return done(null, value);
        });
      });
      rest.addHook('preValidation', async (request) => {
        if (request.body === undefined && request.headers['content-type'] === undefined) {
          request.headers['content-type'] = 'application/json';
        }
      });
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
        createContext: ({ req }: { req: FastifyRequest }) => createRequestContext(services, req),
        responseMeta,
      } as never);
    },
    { prefix: '/api/v1' },
  );

  await cookieSessionRoutes(app, services);

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
  registerMetricsRoute(app, services.metrics, metricsExposure(env));

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
