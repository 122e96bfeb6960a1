import { runRace, verifyLedger, ZRaceInput } from '@stockroom/core';
import { allow, router } from '../trpc.js';

export const auditRouter = router({
  verify: allow('admin').query(({ ctx }) => verifyLedger(ctx.db)),
});

export const demoRouter = router({
  race: allow('admin')
    .input(ZRaceInput)
    .mutation(({ ctx, input }) => runRace(ctx.services.reservations, ctx.db, ctx.actor, input)),
});
