/**
 * The tRPC root: the context every procedure sees, the meta a procedure may
 * declare, and the error formatter that puts the contract's `appCode`,
 * `details` and HTTP status into every error. No data transformer: the wire
 * format is plain JSON.
 */
import type { ServerResponse } from 'node:http';
import type { Actor } from '@stockroom/core';
import type { Db, ServiceScope } from '@stockroom/db';
import { initTRPC } from '@trpc/server';
import type { FastifyBaseLogger } from 'fastify';
import type { OpenApiMeta } from 'trpc-to-openapi';
import { ERROR_TABLE, toAppError } from '../errors.js';
import type { Services } from '../services.js';

export interface Context {
  db: Db;
  services: Services;
  actor: Actor | null;
  /** The credential the actor came from (a bearer token, the session cookie, or a subscription's connection param). */
  token: string | undefined;
  /** Why the credential sent was not honoured before any procedure ran (a cookie without its CSRF token). */
  refusal: string | undefined;
  /** The HTTP response, for live streams that must be closed when their principal loses access. */
  response: ServerResponse | undefined;
  requestId: string;
  ip: string;
  userAgent: string | undefined;
  /** The Idempotency-Key header, if the request had one. */
  idempotencyHeader: string | undefined;
  log: FastifyBaseLogger;
}

/**
 * `scope`: what a service token needs to call the procedure (`any`: every
 * token may). A procedure that admits services must declare one, else
 * services are refused (fail closed).
 */
export type Meta = OpenApiMeta & { scope?: ServiceScope | 'any' };

export const t = initTRPC
  .context<Context>()
  .meta<Meta>()
  .create({
    sse: {
      ping: { enabled: true, intervalMs: 15_000 },
      client: { reconnectAfterInactivityMs: 30_000 },
    },
    errorFormatter({ shape, error, ctx }) {
      const info = toAppError(error);
      return {
        message: info.message,
        code: shape.code,
        data: {
          code: shape.data.code,
          httpStatus: ERROR_TABLE[info.appCode].http,
          path: shape.data.path,
          appCode: info.appCode,
          details: info.details,
          requestId: ctx?.requestId,
          ...(info.retryAfter ? { retryAfter: info.retryAfter } : {}),
        },
      };
    },
  });
