/**
 * tRPC building blocks: the context, the error formatter, and the procedure
 * kinds every router uses (public, signed in, by role, mutation with
 * idempotency). No data transformer: the wire format is plain JSON.
 */
import { type Actor, actorLabel, type MutationContext } from '@stockroom/core';
import type { Db } from '@stockroom/db';
import { initTRPC, TRPCError } from '@trpc/server';
import type { FastifyBaseLogger } from 'fastify';
import type { OpenApiMeta } from 'trpc-to-openapi';
import { z } from 'zod';
import { domainToTRPC, ERROR_TABLE, MappedError, toAppError } from './errors.js';
import type { Services } from './services.js';

export interface Context {
  db: Db;
  services: Services;
  actor: Actor | null;
  requestId: string;
  ip: string;
  /** The Idempotency-Key header, if the request had one. */
  idempotencyHeader: string | undefined;
  log: FastifyBaseLogger;
}

export type Meta = OpenApiMeta;

const t = initTRPC
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

export const router = t.router;
export const createCallerFactory = t.createCallerFactory;

/** Every call: map errors to the contract, log internal ones, count and time it. */
const observed = t.middleware(async ({ ctx, path, type, next }) => {
  const started = performance.now();
  const result = await next();
  const seconds = (performance.now() - started) / 1000;
  let appCode = 'OK';
  if (!result.ok) {
    const mapped = result.error instanceof MappedError ? result.error : domainToTRPC(result.error);
    appCode = mapped.info.appCode;
    if (appCode === 'INTERNAL' || appCode === 'UNAVAILABLE') {
      ctx.log.error(
        { err: result.error.cause ?? result.error, path, requestId: ctx.requestId },
        'procedure failed',
      );
    }
    ctx.services.metrics.observeCall(path, type, appCode, seconds);
    throw mapped;
  }
  ctx.services.metrics.observeCall(path, type, appCode, seconds);
  return result;
});

/** Per-principal request budget (user, service token, or client IP when anonymous). */
const rateLimited = t.middleware(async ({ ctx, next }) => {
  const key = ctx.actor ? actorLabel(ctx.actor) : `ip:${ctx.ip}`;
  const wait = await ctx.services.limits.consumeRequest(key);
  if (wait !== undefined) {
    throw new MappedError({
      appCode: 'RATE_LIMITED',
      message: `Too many requests; retry in ${wait} s`,
      details: { retryAfterSeconds: wait },
      retryAfter: wait,
    });
  }
  return next();
});

export const publicProcedure = t.procedure.use(observed).use(rateLimited);

export const authedProcedure = publicProcedure.use(({ ctx, next }) => {
  if (!ctx.actor) {
    throw new MappedError({
      appCode: 'UNAUTHENTICATED',
      message: 'Sign in first (Authorization: Bearer <token>)',
      details: {},
    });
  }
  return next({ ctx: { actor: ctx.actor } });
});

export type Principal = 'admin' | 'staff' | 'seller' | 'buyer' | 'service';

export function principalOf(actor: Actor): Principal | 'system' {
  return actor.kind === 'user' ? actor.role : actor.kind;
}

/** Only these kinds of principal may call the procedure (SPEC §5). */
export function allow(...principals: Principal[]) {
  return authedProcedure.use(({ ctx, next }) => {
    if (!principals.includes(principalOf(ctx.actor) as Principal)) {
      throw new MappedError({
        appCode: 'FORBIDDEN',
        message: `This needs one of: ${principals.join(', ')}`,
        details: { allowed: principals },
      });
    }
    return next();
  });
}

/** The optional idempotency key field every mutation input accepts. */
export const ZIdempotencyKey = z
  .string()
  .trim()
  .min(1)
  .max(200)
  .regex(/^[\x21-\x7e]+$/, 'printable ASCII without spaces');

export function withIdempotencyKey<Shape extends z.core.$ZodShape, Config extends z.core.$ZodObjectConfig>(
  schema: z.ZodObject<Shape, Config>,
) {
  return schema.extend({ idempotencyKey: ZIdempotencyKey.optional() });
}

/** Split the idempotency key off an input before it goes to core. */
export function splitKey<T extends { idempotencyKey?: string }>(input: T): Omit<T, 'idempotencyKey'> {
  const { idempotencyKey: _key, ...rest } = input;
  return rest;
}

/**
 * Add `ctx.mutation` for core's use cases: the actor and the idempotency scope
 * (key from the input field, which wins inside batches, else the header; keyed
 * per principal and procedure).
 */
const withMutationContext = t.middleware(async ({ ctx, path, getRawInput, next }) => {
  const raw = (await getRawInput()) as { idempotencyKey?: unknown } | undefined;
  const fromInput = typeof raw?.idempotencyKey === 'string' ? raw.idempotencyKey : undefined;
  const key = fromInput ?? ctx.idempotencyHeader;
  if (key !== undefined && !ZIdempotencyKey.safeParse(key).success) {
    throw new MappedError({
      appCode: 'VALIDATION_FAILED',
      message: 'Idempotency key must be 1–200 printable ASCII characters without spaces',
      details: { field: 'idempotencyKey' },
    });
  }
  const actor = ctx.actor as Actor;
  const mutation: MutationContext = {
    db: ctx.db,
    actor,
    idempotency: key ? { principal: actorLabel(actor), procedure: path, key } : null,
  };
  return next({ ctx: { mutation } });
});

/** A mutation these principals may call, with `ctx.mutation` ready for core. */
export const mutationFor = (...principals: Principal[]) => allow(...principals).use(withMutationContext);

export { TRPCError };
