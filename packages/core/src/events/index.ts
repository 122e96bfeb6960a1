/** The outbox: writing events with the change that causes them, and reading them in commit order. */
export {
  reservationCreated,
  reservationEnded,
  reservationExtended,
  stockChanged,
} from './builders.js';
export {
  latestPosition,
  listEvents,
  parsePosition,
  readEventsAfter,
  type StockroomEvent,
  ZEventsListInput,
  ZEventTypes,
} from './events.js';
export { appendEvents, insertEvents, type NewEvent } from './outbox.js';
