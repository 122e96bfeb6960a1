/**
 * Holds: the low-level operations on reservations that every use case shares —
 * reserve in this transaction (one request or a batch), lock a hold, end it
 * (returning what it freed), the buyer caps and the allocation of warehouses.
 * The use cases (reservations, orders, waitlist) live in their own folders.
 */

export { pinnedWarehouses, sortLines } from './demand.js';
export {
  endHold,
  endHolds,
  loadReservation,
  lockReservation,
  pastExpiry,
} from './hold.js';
export {
  assertBuyerMayWait,
  type BuyerLimits,
  type BuyerUsage,
  buyerCapRefusal,
  buyerLimitsOf,
  buyerUsage,
  configureBuyerLimits,
  holdBounds,
  MAX_HOLD_SECONDS,
  type ReserveOptions,
} from './limits.js';
export { reserveInTrx, reserveOne } from './reserve.js';
export { type ReserveInput, ZReserveInput } from './schemas.js';
export type { HoldOutcome, HoldRequest } from './write.js';
