import { type Database, OUTBOX_MARK } from '@stockroom/db';
import { type Kysely, type RawBuilder, sql } from 'kysely';
import type { EventType, NewEvent } from './catalogue.js';

/**
 * Append events to the outbox. Call it with the transaction that makes the
 * change, so the event exists exactly when the change does.
 */
export async function appendEvents<T extends EventType>(
  trx: Kysely<Database>,
  events: NewEvent<T>[],
): Promise<void> {
  if (events.length === 0) return;
  await sql`${insertEvents(events)}`.execute(trx);
}

/**
 * The insert behind `appendEvents`, as one statement to run inside a larger
 * one (a `with … as (…)` step of the statement that makes the change). It
 * carries OUTBOX_MARK: the API announces the events once the transaction commits.
 */
export function insertEvents<T extends EventType>(events: NewEvent<T>[]): RawBuilder<unknown> {
  const rows = JSON.stringify(events);
  return sql`
    ${sql.raw(OUTBOX_MARK)} insert into events (type, aggregate_type, aggregate_id, payload)
    select type, "aggregateType", "aggregateId", payload
    from jsonb_to_recordset(${rows}::jsonb)
      as x(type text, "aggregateType" text, "aggregateId" text, payload jsonb)`;
}
