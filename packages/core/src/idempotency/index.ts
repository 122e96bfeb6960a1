/** Exactly-once mutations: the one place idempotency records are claimed, answered and purged. */
export {
  type ClaimOutcome,
  claimKeys,
  inTransaction,
  type KeyClaim,
  type MutationResult,
  purgeExpiredIdempotencyRecords,
  requestHash,
  runMutation,
  scopeKey,
  settleKeysCtes,
} from './idempotency.js';
