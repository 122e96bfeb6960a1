/**
 * Reservations, the use cases: create (alone, or coalesced with others),
 * read, confirm, release, extend, expire (lazily and by the sweeper), and the
 * race demo. The hold operations they share live in `holds/`.
 */
export { ZReserveInput } from '../holds/index.js';
export { ReservationCoalescer } from './coalescer.js';
export { createReservation } from './create.js';
export {
  type HoldOwner,
  type ListedReservation,
  listReservations,
  ZReservationsListInput,
} from './list.js';
export { runRace, ZRaceInput } from './race.js';
export { ZExtendInput, ZReleaseInput, ZReservationId } from './schemas.js';
export { type Sweeper, startSweeper, sweepExpiredReservations } from './sweeper.js';
export {
  confirmReservation,
  extendReservation,
  getReservation,
  releaseReservation,
} from './transitions.js';
