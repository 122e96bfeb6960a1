/** What the core tests call: the package's public surface, plus the internals they test directly. */

export { isCommonPassword, isContextPassword, ZPassword } from '../src/auth/index.js';
export { queryWords } from '../src/catalog/index.js';
export { endHold, lockReservation } from '../src/holds/index.js';
export * from '../src/index.js';
export { type Order, priceLines } from '../src/orders/index.js';
export { createReservation, sweepExpiredReservations } from '../src/reservations/index.js';
export type { Reservation } from '../src/shared/dto.js';
