import type { Database } from '@stockroom/db';
import type { Kysely } from 'kysely';

export interface NewEvent {
  type: string;
  aggregateType: string;
  aggregateId: string;
  payload: Record<string, unknown>;
}

/**
 * Append events to the outbox. Call it with the transaction that makes the
 * change, so the event exists exactly when the change does.
 */
export async function appendEvents(trx: Kysely<Database>, events: NewEvent[]): Promise<void> {
  if (events.length === 0) return;
  await trx
    .insertInto('events')
    .values(events.map((e) => ({ ...e, payload: JSON.stringify(e.payload) })))
    .execute();
}
