import type { Db } from '@stockroom/db';
import type { IdempotencyScope } from '../idempotency/idempotency.js';
import type { Actor } from './actor.js';

/**
 * What every mutation use case needs: the database (the use case opens and owns
 * its transaction), who acts, and optionally the idempotency key of the call.
 */
export interface MutationContext {
  db: Db;
  actor: Actor;
  idempotency?: IdempotencyScope | null;
}
