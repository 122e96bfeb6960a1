import { createHash, randomBytes } from 'node:crypto';
import { hash, verify } from '@node-rs/argon2';
import pLimit, { type LimitFunction } from 'p-limit';

// argon2id (algorithm 2 in @node-rs/argon2; its enum is a const enum we cannot import)
// with OWASP's recommended cost: 19 MiB, 2 iterations, 1 lane.
const ARGON2 = { algorithm: 2 as const, memoryCost: 19_456, timeCost: 2, parallelism: 1 };

/** Thrown when too many password hashes are already running or waiting: answer 429, retry soon. */
export class PasswordHashBusyError extends Error {
  readonly retryAfterSeconds = 1;
  constructor() {
    super('Too many passwords are being checked right now');
    this.name = 'PasswordHashBusyError';
  }
}

export interface BoundedRunner {
  /** Runs `work` when a slot is free; refuses at once (PasswordHashBusyError) when the queue is full. */
  run<T>(work: () => Promise<T>): Promise<T>;
  stats(): { active: number; waiting: number; maxActive: number; started: number; refused: number };
}

/**
 * At most `concurrency` jobs at once and at most `queue` waiting for a slot; any
 * more are refused rather than queued without bound (p-limit does the queueing).
 */
export function createBoundedRunner(options: { concurrency: number; queue: number }): BoundedRunner {
  const limit: LimitFunction = pLimit(options.concurrency);
  let active = 0;
  let maxActive = 0;
  let started = 0;
  let refused = 0;
  return {
    run(work) {
      if (limit.activeCount + limit.pendingCount >= options.concurrency + options.queue) {
        refused += 1;
        return Promise.reject(new PasswordHashBusyError());
      }
      return limit(async () => {
        active += 1;
        started += 1;
        maxActive = Math.max(maxActive, active);
        try {
          return await work();
        } finally {
          active -= 1;
        }
      });
    },
    stats: () => ({ active, waiting: limit.pendingCount, maxActive, started, refused }),
  };
}

// argon2 costs ~100 ms of CPU and 19 MiB per hash: a burst of sign-ups or sign-ins
// must not take every core from the rest of the process (the API sets its own bound).
let hashing = createBoundedRunner({ concurrency: 2, queue: 32 });

/** Bound the password hashes this process runs at once, and how many may wait. */
export function configurePasswordHashing(options: { concurrency: number; queue: number }): void {
  hashing = createBoundedRunner(options);
}

/** Hashes (and verifications) started and refused in this process, for tests and metrics. */
export function passwordHashStats(): ReturnType<BoundedRunner['stats']> {
  return hashing.stats();
}

/** An argon2id hash (PHC string) of a password, as stored in users.password_hash. */
export function hashPassword(password: string): Promise<string> {
  return hashing.run(() => hash(password, ARGON2));
}

/** Whether `password` matches; false for a malformed hash. May throw PasswordHashBusyError. */
export function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  return hashing.run(() => verify(passwordHash, password).catch(() => false));
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
