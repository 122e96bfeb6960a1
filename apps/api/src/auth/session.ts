/**
 * Who a bearer token (or the console's session cookie) belongs to, checked
 * against the principal's *current* state on every request.
 *
 * Sessions are signed JWTs (HS256, jose) that carry only the user and a session
 * id; role, warehouses and whether the account and session are still good are
 * read from PostgreSQL. Service tokens are opaque and checked against their
 * stored hash. Either answer is cached per process for PRINCIPAL_CACHE_MS, and
 * the cache is dropped whenever PostgreSQL announces a change to users, their
 * warehouses, sessions or service tokens (see the principals listener in
 * events/bus.ts): disabling, demoting, re-scoping, signing out or revoking takes
 * effect in every process at once, and within PRINCIPAL_CACHE_MS even if a
 * notification is lost. The signature is checked before any database read, so a
 * forged token costs no query.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { type Actor, openSession, revokeSession, serviceTokenPrincipal, sessionActor } from '@stockroom/core';
import type { Db } from '@stockroom/db';
import { jwtVerify, SignJWT } from 'jose';

const ISSUER = 'stockroom';
/** How long a resolved principal may be reused before PostgreSQL is asked again. */
export const PRINCIPAL_CACHE_MS = 2_000;
const CACHE_LIMIT = 10_000;

export interface Principal {
  actor: Actor;
  /** The session a user's token names; null for service tokens. */
  sessionId: string | null;
}

export interface SessionTokens {
  /** Open a session for a signed-in user and sign its token. */
  issue(
    user: { id: string },
    meta?: { ip?: string; userAgent?: string },
  ): Promise<{ token: string; expiresAt: string; sessionId: string }>;
  /** The principal for a bearer token now (cached briefly unless `fresh`), or null when it is not good. */
  resolve(token: string, options?: { fresh?: boolean }): Promise<Principal | null>;
  /** Sign out: the session of this token is refused from now on (no-op for other tokens). */
  revoke(token: string): Promise<void>;
  /** The CSRF token that goes with a cookie session. */
  csrfToken(sessionId: string): string;
  /** True when `given` is the CSRF token of this session. */
  csrfMatches(sessionId: string, given: string | undefined): boolean;
  /**
   * Forget what is cached of the principal `subject` (a user's or a service token's
   * id, as announced), or of everyone (no subject, '*': announcements may have been missed).
   */
  invalidate(subject?: string): void;
}

/** What a token resolves to; `validUntil` (ms): when the token stops being good by itself, if ever. */
type Lookup = { principal: Principal | null; subject?: string; validUntil?: number };

/**
 * Principals by token, reused for PRINCIPAL_CACHE_MS, never past the token's own expiry. Each entry keeps whose it is (the
 * user or token id it names, also for a refusal, so re-enabling someone is noticed too).
 * Requests arriving together when an entry runs out share one lookup instead of each
 * asking PostgreSQL; an invalidation empties those, and a lookup that started before
 * one does not fill the cache.
 */
function createPrincipalCache(lookup: (token: string) => Promise<Lookup>) {
  const cache = new Map<
    string,
    { principal: Principal | null; subject: string | undefined; until: number }
  >();
  let generation = 0;
  const inflight = new Map<string, Promise<Lookup>>();

  function shared(token: string): Promise<Lookup> {
    const pending = inflight.get(token);
    if (pending) return pending;
    const query = lookup(token);
    inflight.set(token, query);
    const forget = () => {
      if (inflight.get(token) === query) inflight.delete(token);
    };
    query.then(forget, forget);
    return query;
  }

  return {
    async resolve(token: string, fresh: boolean): Promise<Principal | null> {
      const now = Date.now();
      if (!fresh) {
        const cached = cache.get(token);
        if (cached && cached.until > now) return cached.principal;
      }
      const started = generation;
      const { principal, subject, validUntil } = await (fresh ? lookup(token) : shared(token));
      if (started === generation) {
        if (cache.size >= CACHE_LIMIT) cache.clear();
        const until = Math.min(now + PRINCIPAL_CACHE_MS, validUntil ?? Number.POSITIVE_INFINITY);
        cache.set(token, { principal, subject, until });
      }
      return principal;
    },
    forget(token: string) {
      cache.delete(token);
    },
    invalidate(subject?: string) {
      generation++;
      inflight.clear();
      if (!subject || subject === '*') {
        cache.clear();
        return;
      }
      for (const [token, entry] of cache) if (entry.subject === subject) cache.delete(token);
    },
  };
}

/** The session a signed token names (and when it ends, ms), or null when the signature or claims are not good. */
async function sessionOf(
  key: Uint8Array,
  token: string,
): Promise<{ userId: string; sessionId: string; expiresAtMs?: number } | null> {
  try {
    const { payload } = await jwtVerify(token, key, { issuer: ISSUER, algorithms: ['HS256'] });
    if (typeof payload.sub !== 'string' || typeof payload.sid !== 'string') return null;
    const expiresAtMs = typeof payload.exp === 'number' ? payload.exp * 1000 : undefined;
    return { userId: payload.sub, sessionId: payload.sid, ...(expiresAtMs ? { expiresAtMs } : {}) };
  } catch {
    return null;
  }
}

export function createSessionTokens(db: Db, secret: string, ttlSeconds: number): SessionTokens {
  const key = new TextEncoder().encode(secret);

  async function lookup(token: string): Promise<Lookup> {
    if (token.split('.').length === 3) {
      const session = await sessionOf(key, token);
      if (!session) return { principal: null };
      const actor = await sessionActor(db, session.sessionId, session.userId);
      return {
        principal: actor ? { actor, sessionId: session.sessionId } : null,
        subject: session.userId,
        ...(session.expiresAtMs ? { validUntil: session.expiresAtMs } : {}),
      };
    }
    if (token.length > 512) return { principal: null };
    const found = await serviceTokenPrincipal(db, token);
    if (!found) return { principal: null };
    const { actor, validUntil } = found;
    return {
      principal: { actor, sessionId: null },
      subject: actor.kind === 'system' ? undefined : actor.id,
      ...(validUntil ? { validUntil: validUntil.getTime() } : {}),
    };
  }

  const principals = createPrincipalCache(lookup);
  const csrfToken = (sessionId: string) =>
    createHmac('sha256', key).update(`csrf:${sessionId}`).digest('base64url');

  return {
    async issue(user, meta = {}) {
      const expiresAtSeconds = Math.floor(Date.now() / 1000) + ttlSeconds;
      const sessionId = await openSession(db, {
        userId: user.id,
        expiresAt: new Date(expiresAtSeconds * 1000),
        ...meta,
      });
      const token = await new SignJWT({ sid: sessionId })
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject(user.id)
        .setIssuer(ISSUER)
        .setIssuedAt()
        .setExpirationTime(expiresAtSeconds)
        .sign(key);
      return { token, expiresAt: new Date(expiresAtSeconds * 1000).toISOString(), sessionId };
    },

    resolve(token, options = {}) {
      return principals.resolve(token, options.fresh === true);
    },

    async revoke(token) {
      const session = await sessionOf(key, token);
      if (session) await revokeSession(db, session.sessionId);
      principals.forget(token);
    },

    csrfToken,
    csrfMatches(sessionId, given) {
      if (!given) return false;
      const expected = Buffer.from(csrfToken(sessionId));
      const actual = Buffer.from(given);
      return actual.length === expected.length && timingSafeEqual(actual, expected);
    },

    invalidate(subject) {
      principals.invalidate(subject);
    },
  };
}
