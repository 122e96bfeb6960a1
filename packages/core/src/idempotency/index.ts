/** Exactly-once mutations: the one place idempotency records are claimed, answered and purged. */
export {
  type AnswerStore,
  claimInsert,
  claimOutcomes,
  inTransaction,
  type KeyClaim,
  purgeExpiredIdempotencyRecords,
  requestHash,
  runMutation,
  scopeKey,
  settleKeysCtes,
} from './idempotency.js';
