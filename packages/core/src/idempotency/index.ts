/** Exactly-once mutations: the one place idempotency records are claimed, answered and purged. */
export {
  type ClaimOutcome,
  claimKeys,
  IDEMPOTENCY_TTL_SECONDS,
  inTransaction,
  type KeyClaim,
  type MutationResult,
  purgeExpiredIdempotencyRecords,
  requestHash,
  runMutation,
  scopeKey,
  settleKeys,
  settleKeysCtes,
} from './idempotency.js';
