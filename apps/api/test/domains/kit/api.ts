/**
 * The domain tests' way in: one real API (services, database, event bus,
 * sweeper, webhook dispatcher) per test file, and procedures called through
 * tRPC's `createCaller` with a context built exactly as a request's is
 * (`createRequestContext`: the bearer token is resolved against the
 * principal's current state on every call). HTTP is not involved; the wire
 * format has its own tests (test/http.test.ts).
 */
import { randomUUID } from 'node:crypto';
import { TRPCError } from '@trpc/server';
import type { FastifyRequest } from 'fastify';
import { afterAll, beforeAll } from 'vitest';
import { createRequestContext } from '../../../src/context.js';
import { ERROR_TABLE, toAppError } from '../../../src/errors.js';
import { appRouter } from '../../../src/router.js';
import { createCallerFactory } from '../../../src/trpc.js';
import { startTestApi, type TestApi } from '../../harness.js';

const createCaller = createCallerFactory(appRouter);
export type Caller = ReturnType<typeof createCaller>;

/** What a request would carry, as Fastify hands it to `createRequestContext`. */
function requestWith(api: TestApi, headers: Record<string, string>): FastifyRequest {
  return {
    id: randomUUID(),
    ip: '127.0.0.1',
    method: 'POST',
    headers: { 'user-agent': 'stockroom-domain-tests', ...headers },
    cookies: {},
    log: api.app.log,
  } as unknown as FastifyRequest;
}

/** A caller sending `token` as the bearer (anonymous without one); a fresh context for every call. */
export function callerFor(api: TestApi, token?: string, headers: Record<string, string> = {}): Caller {
  const all = { ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers };
  return createCaller(() => createRequestContext(api.services, requestWith(api, all)));
}

/** Sign in through the procedure and return the session token. */
export async function signIn(api: TestApi, email: string, password = 'stockroom'): Promise<string> {
  return (await callerFor(api).auth.login({ email, password })).token;
}

export interface Outcome {
  /** 'ok', or the error's appCode. */
  outcome: string;
  /** tRPC's code (UNAUTHORIZED, FORBIDDEN, BAD_REQUEST…). */
  trpcCode?: string;
  /** The HTTP status the wire would carry (errors.ts ERROR_TABLE; checked over HTTP in http.test.ts). */
  status?: number;
  message?: string;
  details?: Record<string, unknown>;
  retryAfter?: number;
  /** What the error formatter would put on the wire: the text checked for leaks. */
  wire?: string;
}

/** Run a call; an error is read the way the error formatter reads it (`toAppError`). */
export async function attempt(run: () => Promise<unknown>): Promise<Outcome> {
  try {
    await run();
    return { outcome: 'ok' };
  } catch (error) {
    if (!(error instanceof TRPCError)) throw error;
    const info = toAppError(error);
    return {
      outcome: info.appCode,
      trpcCode: error.code,
      status: ERROR_TABLE[info.appCode].http,
      message: `${info.appCode}: ${info.message}`,
      details: info.details,
      ...(info.retryAfter !== undefined ? { retryAfter: info.retryAfter } : {}),
      wire: JSON.stringify({ message: info.message, data: { appCode: info.appCode, details: info.details } }),
    };
  }
}

/**
 * One API over one test database for the whole file (started in beforeAll,
 * stopped in afterAll). Sign-in limits are raised unless overridden: tables
 * sign in and fail sign-ins many times from one address.
 */
export function useApi(overrides: Record<string, string> = {}): { readonly api: TestApi } {
  let api: TestApi | undefined;
  beforeAll(async () => {
    api = await startTestApi({
      LOGIN_LIMIT_PER_IP: '100000',
      LOGIN_LIMIT_PER_ACCOUNT: '100000',
      ...overrides,
    });
  });
  afterAll(() => api?.stop());
  return {
    get api() {
      if (!api) throw new Error('the API is not started yet');
      return api;
    },
  };
}
