/**
 * Reservations, the use cases: create (alone, or coalesced with others),
 * read, confirm, release, extend, expire (lazily and by the sweeper), and the
 * race demo. The hold operations they share live in `holds/`.
 */
export { type ReserveInput, ZReserveInput } from '../holds/index.js';
export { type CoalescerOptions, ReservationCoalescer } from './coalescer.js';
export { createReservation } from './create.js';
export { type RaceResult, type Reserver, runRace, ZRaceInput } from './race.js';
export { type ExtendInput, ZExtendInput, ZReservationId } from './schemas.js';
export { type Sweeper, type SweeperOptions, startSweeper, sweepExpiredReservations } from './sweeper.js';
export {
  confirmReservation,
  extendReservation,
  getReservation,
  releaseReservation,
} from './transitions.js';
