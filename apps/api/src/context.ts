/**
 * Each request's tRPC context: who is asking (resolved against their current
 * state, see auth/session.ts) and what came with the request.
 *
 * Credentials, in order: `Authorization: Bearer <token>`; for subscriptions
 * only, a `token` connection param (EventSource cannot set headers); the
 * console's httpOnly session cookie. A cookie is honoured on a request that can
 * change anything (not GET/HEAD) only with its CSRF token in `x-csrf-token`.
 */
import type { ServerResponse } from 'node:http';
import type { FastifyRequest } from 'fastify';
import type { Principal } from './auth/session.js';
import { domainToTRPC } from './errors.js';
import type { Services } from './services.js';
import type { Context } from './trpc.js';

export const SESSION_COOKIE = 'sr_session';
export const CSRF_COOKIE = 'sr_csrf';
export const CSRF_HEADER = 'x-csrf-token';

export function headerValue(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function bearer(value: string | undefined): string | undefined {
  if (!value) return undefined;
  const match = /^Bearer\s+(\S+)$/i.exec(value.trim());
  return match?.[1];
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export interface RequestInfo {
  /** Set for tRPC calls: whether they are subscriptions, and their connection params. */
  type?: string;
  connectionParams?: Record<string, string | undefined> | null;
  /** The raw response of the request (a live stream is closed through it). */
  response?: ServerResponse;
}

export async function createRequestContext(
  services: Services,
  req: FastifyRequest,
  info: RequestInfo = {},
): Promise<Context> {
  const base = {
    db: services.db,
    services,
    requestId: String(req.id),
    ip: req.ip,
    userAgent: headerValue(req, 'user-agent'),
    idempotencyHeader: headerValue(req, 'idempotency-key'),
    log: req.log,
    response: info.type === 'subscription' ? info.response : undefined,
  };
  const fromHeader = bearer(headerValue(req, 'authorization'));
  const fromParams = info.type === 'subscription' ? info.connectionParams?.token || undefined : undefined;
  const fromCookie = req.cookies?.[SESSION_COOKIE] || undefined;
  const token = fromHeader ?? fromParams ?? fromCookie;
  let principal: Principal | null = null;
  try {
    principal = token ? await services.sessions.resolve(token) : null;
  } catch (error) {
    // The database is away (or refused): answer in the contract (503 + Retry-After), not as a crash.
    throw domainToTRPC(error);
  }
  let refusal: string | undefined;
  if (principal && token === fromCookie && !fromHeader && !fromParams && !SAFE_METHODS.has(req.method)) {
    const given = headerValue(req, CSRF_HEADER);
    if (!principal.sessionId || !services.sessions.csrfMatches(principal.sessionId, given)) {
      refusal = `A signed-in browser must send its CSRF token in ${CSRF_HEADER}`;
    }
  }
  return {
    ...base,
    actor: refusal ? null : (principal?.actor ?? null),
    token: refusal ? undefined : token,
    refusal,
  };
}
