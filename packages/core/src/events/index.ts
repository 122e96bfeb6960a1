/** The outbox: writing events with the change that causes them, and reading them in commit order. */
export { reservationCreated, reservationEnded, reservationExtended, stockChanged } from './builders.js';
export {
  EVENT_CATALOGUE,
  EVENT_TYPES,
  type EventCatalogue,
  type EventType,
  type EventTypeAbout,
  eventTypesAbout,
  type NewEvent,
  newEvent,
  type OrderEventBase,
  type StockroomEvent,
  WEBHOOK_EVENT_TYPES,
  type WebhookEventType,
} from './catalogue.js';
export {
  latestPosition,
  listEvents,
  parsePosition,
  readEventsAfter,
  ZEventsListInput,
  ZEventTypes,
} from './events.js';
export { appendEvents, insertEvents } from './outbox.js';
