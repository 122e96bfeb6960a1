/**
 * Sessions are signed, expiring JWTs (HS256, jose). The token carries the role
 * and warehouse scope, so a request needs no database read to know who acts;
 * scope changes take effect at the next sign-in (tokens live JWT_TTL_SECONDS).
 * Service tokens are opaque and checked against their stored hash (cached
 * briefly per process).
 */
import { type Actor, authenticateServiceToken, type UserDto } from '@stockroom/core';
import type { Db, Role } from '@stockroom/db';
import { jwtVerify, SignJWT } from 'jose';

const ISSUER = 'stockroom';
const ROLES = new Set<Role>(['admin', 'staff', 'seller', 'buyer']);

export interface SessionTokens {
  issue(user: UserDto): Promise<{ token: string; expiresAt: string }>;
  /** The actor for a bearer token (JWT or service token), or null when it is not valid. */
  resolve(token: string): Promise<Actor | null>;
}

export function createSessionTokens(db: Db, secret: string, ttlSeconds: number): SessionTokens {
  const key = new TextEncoder().encode(secret);
  const serviceCache = new Map<string, { actor: Actor | null; until: number }>();

  return {
    async issue(user) {
      const expiresAtSeconds = Math.floor(Date.now() / 1000) + ttlSeconds;
      const token = await new SignJWT({ role: user.role, wh: user.warehouseIds })
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject(user.id)
        .setIssuer(ISSUER)
        .setIssuedAt()
        .setExpirationTime(expiresAtSeconds)
        .sign(key);
      return { token, expiresAt: new Date(expiresAtSeconds * 1000).toISOString() };
    },

    async resolve(token) {
      if (token.split('.').length === 3) {
        try {
          const { payload } = await jwtVerify(token, key, { issuer: ISSUER, algorithms: ['HS256'] });
          const role = payload.role as Role;
          const wh = payload.wh;
          if (!payload.sub || !ROLES.has(role) || !Array.isArray(wh)) return null;
          return { kind: 'user', id: payload.sub, role, warehouseIds: wh.map(String) };
        } catch {
          return null;
        }
      }
      if (token.length > 512) return null;
      const cached = serviceCache.get(token);
      if (cached && cached.until > Date.now()) return cached.actor;
      const actor = (await authenticateServiceToken(db, token)) ?? null;
      if (serviceCache.size > 10_000) serviceCache.clear();
      serviceCache.set(token, { actor, until: Date.now() + 2_000 });
      return actor;
    },
  };
}
