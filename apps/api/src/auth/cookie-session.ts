/**
 * The console's sign-in: the same `auth.login` procedure, with the session
 * token put in an httpOnly, SameSite=Strict cookie (Secure in production)
 * instead of the answer, so no script in the page can read it. A second,
 * readable cookie carries the CSRF token the console sends back in
 * `x-csrf-token` on every request that changes something.
 *
 *   POST   /auth/session  { email, password } → { expiresAt, user, csrfToken } + cookies
 *   DELETE /auth/session  (with x-csrf-token) → 204, session revoked, cookies cleared
 *
 * API clients keep using `auth.login` / `auth.logout` with bearer tokens.
 */
import type { CookieSerializeOptions } from '@fastify/cookie';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { CSRF_COOKIE, createRequestContext, SESSION_COOKIE } from '../context.js';
import { ERROR_TABLE, MappedError, restErrorBody, toAppError } from '../errors.js';
import { appRouter } from '../router.js';
import type { Services } from '../services.js';
import { createCallerFactory } from '../trpc.js';

const createCaller = createCallerFactory(appRouter);

function sendError(reply: FastifyReply, request: FastifyRequest, error: unknown) {
  const info = toAppError(error);
  if (info.retryAfter) reply.header('retry-after', String(info.retryAfter));
  return reply
    .code(ERROR_TABLE[info.appCode].http)
    .send(restErrorBody(info.appCode, info.message, { details: info.details, requestId: request.id }));
}

export async function cookieSessionRoutes(app: FastifyInstance, services: Services): Promise<void> {
  const production = services.env.NODE_ENV === 'production';
  const cookie = (maxAgeSeconds: number, httpOnly: boolean): CookieSerializeOptions => ({
    path: '/',
    httpOnly,
    sameSite: 'strict',
    secure: production,
    maxAge: maxAgeSeconds,
  });

  app.post('/auth/session', async (request, reply) => {
    const body = (request.body ?? {}) as { email?: unknown; password?: unknown };
    try {
      const caller = createCaller(await createRequestContext(services, request));
      const signedIn = await caller.auth.login({
        email: body.email as string,
        password: body.password as string,
      });
      const principal = await services.sessions.resolve(signedIn.token);
      if (!principal?.sessionId) throw new Error('a session just opened did not resolve');
      const csrfToken = services.sessions.csrfToken(principal.sessionId);
      const maxAge = Math.max(1, Math.floor((Date.parse(signedIn.expiresAt) - Date.now()) / 1000));
      reply.setCookie(SESSION_COOKIE, signedIn.token, cookie(maxAge, true));
      reply.setCookie(CSRF_COOKIE, csrfToken, cookie(maxAge, false));
      reply.header('cache-control', 'no-store');
      return { expiresAt: signedIn.expiresAt, user: signedIn.user, csrfToken };
    } catch (error) {
      return sendError(reply, request, error);
    }
  });

  app.delete('/auth/session', async (request, reply) => {
    try {
      const context = await createRequestContext(services, request);
      if (context.refusal) {
        throw new MappedError({ appCode: 'FORBIDDEN', message: context.refusal, details: {} });
      }
      if (context.token) await services.sessions.revoke(context.token);
    } catch (error) {
      return sendError(reply, request, error);
    }
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
    reply.clearCookie(CSRF_COOKIE, { path: '/' });
    return reply.code(204).send();
  });
}
