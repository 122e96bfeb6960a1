import { createHash, randomBytes } from 'node:crypto';
import { hash, verify } from '@node-rs/argon2';

// argon2id (algorithm 2 in @node-rs/argon2; its enum is a const enum we cannot import)
// with OWASP's recommended cost: 19 MiB, 2 iterations, 1 lane.
const ARGON2 = { algorithm: 2 as const, memoryCost: 19_456, timeCost: 2, parallelism: 1 };

/** An argon2id hash (PHC string) of a password, as stored in users.password_hash. */
export function hashPassword(password: string): Promise<string> {
  return hash(password, ARGON2);
}

export function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  return verify(passwordHash, password).catch(() => false);
}

/**
 * Service tokens are long random strings, so a fast hash is enough: the database
 * stores sha256(token) and lookups are by that hash.
 */
export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export function generateToken(): string {
  return randomBytes(32).toString('base64url');
}
