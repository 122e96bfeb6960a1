/**
 * tRPC building blocks: the context, the error formatter, and the procedure
 * kinds every router uses (public, signed in, by role, mutation with
 * idempotency). No data transformer: the wire format is plain JSON.
 */
import type { ServerResponse } from 'node:http';
import { SpanStatusCode, trace } from '@opentelemetry/api';
import { type Actor, actorLabel, type MutationContext } from '@stockroom/core';
import type { Db, ServiceScope } from '@stockroom/db';
import { initTRPC, TRPCError } from '@trpc/server';
import type { FastifyBaseLogger } from 'fastify';
import type { OpenApiMeta } from 'trpc-to-openapi';
import { z } from 'zod';
import { domainToTRPC, ERROR_TABLE, isDataException, MappedError, toAppError } from './errors.js';
import type { Services } from './services.js';

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

const tracer = trace.getTracer('@stockroom/api');

/**
 * Every call is a span, `trpc <path>`, under the HTTP request's span and above
 * its SQL. Without OTEL_EXPORTER_OTLP_ENDPOINT no SDK is started (see
 * instrumentation.ts) and this is the API's no-op tracer.
 */
const traced = t.middleware(({ ctx, path, type, next }) =>
  tracer.startActiveSpan(
    `trpc ${path}`,
    {
      attributes: {
        'rpc.system': 'trpc',
        'rpc.method': path,
        'trpc.type': type,
        'stockroom.request_id': ctx.requestId,
      },
    },
    async (span) => {
      try {
        const result = await next();
        if (result.ok) {
          span.setAttribute('stockroom.app_code', 'OK');
        } else {
          const { appCode } = (
            result.error instanceof MappedError ? result.error : domainToTRPC(result.error)
          ).info;
          span.setAttribute('stockroom.app_code', appCode);
          if (appCode === 'INTERNAL' || appCode === 'UNAVAILABLE') {
            span.recordException(result.error.cause ?? result.error);
            span.setStatus({ code: SpanStatusCode.ERROR, message: appCode });
          }
        }
        return result;
      } finally {
        span.end();
      }
    },
  ),
);

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
    } else if (isDataException(result.error.cause)) {
      // Answered as bad input, but worth a look: validation should have caught it first.
      ctx.log.warn({ err: result.error.cause, path, requestId: ctx.requestId }, 'database refused a value');
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

// PostgreSQL text cannot hold NUL, and an unpaired UTF-16 surrogate is not Unicode
// (it would be stored as U+FFFD, or break a jsonb payload).
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const unstorable = (text: string) => text.includes('\u0000') || LONE_SURROGATE.test(text);

/** The path of the first string (value or key) in `input` that no database column can store. */
export function findUnstorableText(input: unknown): string | undefined {
  const stack: { value: unknown; path: string }[] = [{ value: input, path: '' }];
  while (stack.length > 0) {
    const { value, path } = stack.pop() as { value: unknown; path: string };
    if (typeof value === 'string') {
      if (unstorable(value)) return path || 'input';
    } else if (Array.isArray(value)) {
      value.forEach((item, i) => {
        stack.push({ value: item, path: path ? `${path}.${i}` : String(i) });
      });
    } else if (typeof value === 'object' && value !== null) {
      for (const [key, item] of Object.entries(value)) {
        const at = path ? `${path}.${key}` : key;
        if (unstorable(key)) return at;
        stack.push({ value: item, path: at });
      }
    }
  }
  return undefined;
}

/** Refuse text no column can store before any work starts (SPEC §2 rule 9), naming the field. */
const storableInput = t.middleware(async ({ getRawInput, next }) => {
  const field = findUnstorableText(await getRawInput());
  if (field !== undefined) {
    throw new MappedError({
      appCode: 'VALIDATION_FAILED',
      message: `${field}: text must not contain NUL characters or unpaired surrogates`,
      details: { issues: [{ path: field === 'input' ? '' : field, message: 'unstorable character' }] },
    });
  }
  return next();
});

/** A service token without the procedure's scope is refused, naming the scope. */
function assertServiceScope(actor: Actor | null, scope: Meta['scope'], required: boolean): void {
  if (actor?.kind !== 'service' || scope === 'any' || (scope === undefined && !required)) return;
  if (scope === undefined) {
    throw new MappedError({
      appCode: 'FORBIDDEN',
      message: 'Service tokens cannot call this procedure',
      details: {},
    });
  }
  if (!actor.scopes.includes(scope)) {
    throw new MappedError({
      appCode: 'FORBIDDEN',
      message: `This service token lacks the scope "${scope}"`,
      details: { missingScope: scope, scopes: actor.scopes },
    });
  }
}

const serviceScope = t.middleware(({ ctx, meta, next }) => {
  assertServiceScope(ctx.actor, meta?.scope, false);
  return next();
});

const baseProcedure = t.procedure.use(traced).use(observed).use(rateLimited).use(serviceScope);

export const publicProcedure = baseProcedure.use(storableInput);

const signedIn = baseProcedure.use(({ ctx, next }) => {
  if (ctx.refusal) {
    throw new MappedError({ appCode: 'FORBIDDEN', message: ctx.refusal, details: {} });
  }
  if (!ctx.actor) {
    throw new MappedError({
      appCode: 'UNAUTHENTICATED',
      message: 'Sign in first (Authorization: Bearer <token>)',
      details: {},
    });
  }
  return next({ ctx: { actor: ctx.actor } });
});

// Who is asking is settled before what they sent is judged.
export const authedProcedure = signedIn.use(storableInput);

export type Principal = 'admin' | 'staff' | 'seller' | 'buyer' | 'service';

export function principalOf(actor: Actor): Principal | 'system' {
  return actor.kind === 'user' ? actor.role : actor.kind;
}

/** Only these kinds of principal may call the procedure (SPEC §5). */
export function allow(...principals: Principal[]) {
  return signedIn
    .use(({ ctx, meta, next }) => {
      if (!principals.includes(principalOf(ctx.actor) as Principal)) {
        throw new MappedError({
          appCode: 'FORBIDDEN',
          message: `This needs one of: ${principals.join(', ')}`,
          details: { allowed: principals },
        });
      }
      assertServiceScope(ctx.actor, meta?.scope, true);
      return next();
    })
    .use(storableInput);
}

/**
 * A live subscription these principals may open: counted per principal (at most
 * SSE_STREAMS_PER_PRINCIPAL at once) and closed when the principal loses access.
 */
export function liveFor(...principals: Principal[]) {
  return allow(...principals).use(({ ctx, next }) => {
    if (ctx.response && ctx.token) {
      const opened = ctx.services.streams.open({
        token: ctx.token,
        actor: ctx.actor,
        response: ctx.response,
      });
      if (!opened) {
        const limit = ctx.services.env.SSE_STREAMS_PER_PRINCIPAL;
        throw new MappedError({
          appCode: 'RATE_LIMITED',
          message: `At most ${limit} live streams may be open at once; close one first`,
          details: { limit, retryAfterSeconds: 5 },
          retryAfter: 5,
        });
      }
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

/**
 * A mutation's input: the schema plus the optional idempotency key, refusing
 * fields nobody asked for (a misspelt optional field must not be dropped
 * silently), and never coercing types (see `withoutCoercion`).
 */
export function withIdempotencyKey<Shape extends z.core.$ZodShape, Config extends z.core.$ZodObjectConfig>(
  schema: z.ZodObject<Shape, Config>,
) {
  return withoutCoercion(schema.extend({ idempotencyKey: ZIdempotencyKey.optional() }).strict());
}

/**
 * trpc-to-openapi turns on `coerce` in place on every number and boolean of a
 * REST procedure's input schema at its first REST call (for query strings).
 * Those schema objects are shared (core's ZQuantity and friends, and the same
 * procedure over /trpc), so from then on `null`, `""`, `[]` or `true` would pass
 * as 0 or 1: `{ onHand: null }` would set stock to zero. JSON bodies never need
 * coercion, so pin it off for every number/boolean/bigint/date a mutation's
 * input schema reaches.
 */
export function withoutCoercion<S extends z.ZodType>(schema: S): S {
  const seen = new Set<unknown>();
  const visit = (node: unknown) => {
    if (typeof node !== 'object' || node === null || seen.has(node)) return;
    seen.add(node);
    const def = (node as { _zod?: { def?: Record<string, unknown> } })._zod?.def;
    if (!def) return;
    switch (def.type) {
      case 'number':
      case 'boolean':
      case 'bigint':
      case 'date':
        if (Object.getOwnPropertyDescriptor(def, 'coerce')?.set === undefined) {
          Object.defineProperty(def, 'coerce', { get: () => false, set: () => {}, enumerable: true });
        }
        return;
      case 'object':
        for (const child of Object.values((def.shape ?? {}) as Record<string, unknown>)) visit(child);
        visit(def.catchall);
        return;
      case 'array':
        visit(def.element);
        return;
      case 'tuple':
        for (const item of (def.items ?? []) as unknown[]) visit(item);
        visit(def.rest);
        return;
      case 'union':
        for (const option of (def.options ?? []) as unknown[]) visit(option);
        return;
      case 'intersection':
        visit(def.left);
        visit(def.right);
        return;
      case 'record':
      case 'map':
        visit(def.keyType);
        visit(def.valueType);
        return;
      case 'set':
        visit(def.valueType);
        return;
      case 'pipe':
        visit(def.in);
        visit(def.out);
        return;
      default:
        // optional, nullable, default, prefault, readonly, catch, nonoptional, success…
        visit(def.innerType);
    }
  };
  visit(schema);
  return schema;
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
