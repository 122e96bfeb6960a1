/**
 * The tables of the event log (events.list; the live subscriptions are checked
 * over SSE in http.test.ts): who may call each procedure, and the malformed
 * input each one refuses. Run through createCaller by events.test.ts; the REST
 * routes and raw bodies are sent over HTTP by http.test.ts.
 */
import { forgedCursorRefusals, type QueryRefusal } from './kit/inputs.js';
import type { Row } from './kit/roles.js';

const staffOrAdmin = ['staff', 'admin'] as const;

/** Who may call the event log. */
export const ROWS: Row[] = [
  { procedure: 'events.list', allowed: staffOrAdmin, call: (c) => c.events.list({ limit: 5 }) },
];

/** Query inputs refused with VALIDATION_FAILED. */
export const QUERIES: QueryRefusal[] = [...forgedCursorRefusals('events.list', (cursor) => ({ cursor }))];
