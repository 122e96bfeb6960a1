import type { Db } from '@stockroom/db';
import type { Actor } from './actor.js';

/** Which call an idempotency key belongs to: keys are per principal and per procedure. */
export interface IdempotencyScope {
  /** Who calls (actor label). */
  principal: string;
  /** Which procedure. */
  procedure: string;
  key: string;
}

/**
 * What every mutation use case needs: the database (the use case opens and owns
 * its transaction), who acts, and optionally the idempotency key of the call.
 */
export interface MutationContext {
  db: Db;
  actor: Actor;
  idempotency?: IdempotencyScope | null;
}
