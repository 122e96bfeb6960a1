/**
 * The HTTP server, assembled: Fastify with tRPC at /trpc (trpc-http.ts), REST +
 * OpenAPI at /api/v1 from the same procedures (rest.ts), the console's cookie
 * sign-in, probes (probes.ts), metrics, and the built console (static.ts).
 * Errors that escape the routes are answered by error-handler.ts.
 */
import { randomUUID } from 'node:crypto';
import fastifyCookie from '@fastify/cookie';
import cors from '@fastify/cors';
import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import { cookieSessionRoutes } from './auth/cookie-session.js';
import { CSRF_HEADER } from './context.js';
import type { Env } from './env.js';
import { handleError, handleFrameworkError } from './error-handler.js';
import { registerExports } from './exports.js';
import { metricsExposure, registerMetricsRoute } from './metrics.js';
import { registerProbes } from './probes.js';
import { registerRest } from './rest.js';
import { securityHeaders } from './security-headers.js';
import type { Services } from './services.js';
import { registerConsole } from './static.js';
import { dropEventStreamsOnClose, registerTrpc } from './trpc-http.js';

/** A URL for the logs: the `connectionParams` query value (it holds the token) blanked. */
function redactUrl(url: string): string {
  return url.replace(/([?&]connectionParams=)[^&#]*/gi, '$1[redacted]');
}

function createFastify(env: Env): FastifyInstance {
  return Fastify({
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
    frameworkErrors: handleFrameworkError,
    trustProxy: env.TRUST_PROXY,
    routerOptions: { maxParamLength: 5000 },
  });
}

async function registerSecurity(app: FastifyInstance, env: Env): Promise<void> {
  const headers = securityHeaders({
    // The console is a same-origin SPA; tRPC/SSE need no inline scripts.
    contentSecurityPolicy: {
      directives: {
        'default-src': ["'self'"],
        'img-src': ["'self'", 'data:'],
        'style-src': ["'self'", "'unsafe-inline'"],
      },
    },
  });
  app.addHook('onRequest', (_request, reply, done) => {
    reply.headers(headers);
    done();
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
}

export async function buildServer(services: Services): Promise<FastifyInstance> {
  const { env } = services;
  const app = createFastify(env);
  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });
  dropEventStreamsOnClose(app);
  // Set before any plugin or route: Fastify routes keep the error handler in force when they are declared.
  app.setErrorHandler(handleError);
  await registerSecurity(app, env);
  await registerTrpc(app, services);
  await registerRest(app, services);
  registerExports(app, services);
  await cookieSessionRoutes(app, services);
  registerProbes(app, services);
  registerMetricsRoute(app, services.metrics, metricsExposure(env));
  await registerConsole(app, env);
  return app;
}
