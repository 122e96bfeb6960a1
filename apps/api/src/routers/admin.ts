import { runRace, verifyLedger, ZRaceInput } from '@stockroom/core';
import { rest, ZAuditOut } from '../schemas.js';
import { allow, idempotentMutation, router } from '../trpc.js';

export const auditRouter = router({
  verify: allow('admin')
    .meta({ openapi: rest('GET', '/audit/ledger', 'audit', 'Check the ledger against the stock levels') })
    .output(ZAuditOut)
    .query(({ ctx }) => verifyLedger(ctx.db)),
});

export const demoRouter = router({
  race: idempotentMutation({
    allow: ['admin'],
    input: ZRaceInput,
    run: (mutation, input, ctx) => runRace(ctx.services.reservations, mutation, input),
  }),
});
