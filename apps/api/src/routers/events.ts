import { listEvents, ZEventsListInput, ZEventTypes } from '@stockroom/core';
import { tracked } from '@trpc/server';
import { z } from 'zod';
import { lagTolerant } from '../reads.js';
import { rest, ZEventsPageOut } from '../schemas.js';
import { allow, liveFor, router } from '../trpc.js';

export const eventsRouter = router({
  list: allow('staff', 'admin')
    .meta({ openapi: rest('GET', '/events', 'events', 'The event log, a page at a time') })
    .input(ZEventsListInput)
    .output(ZEventsPageOut)
    .query(({ ctx, input }) => lagTolerant(ctx, (db) => listEvents(db, input))),
  /**
   * Live events over SSE. Each event's id is its outbox position: a client that
   * reconnects sends the last one it saw (`lastEventId`) and misses nothing.
   */
  onEvent: liveFor('staff', 'admin')
    .input(
      z
        .object({ types: ZEventTypes.optional(), lastEventId: z.string().max(64).nullish() })
        .strict()
        .optional(),
    )
    .subscription(async function* ({ ctx, input, signal }) {
      for await (const event of ctx.services.bus.stream({
        after: input?.lastEventId,
        types: input?.types,
        signal,
      })) {
        yield tracked(event.position, event);
      }
    }),
});
