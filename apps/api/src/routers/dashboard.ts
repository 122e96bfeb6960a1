import { dashboardSummary, ZDashboardSummary, ZDashboardSummaryInput } from '@stockroom/core';
import { lagTolerant } from '../reads.js';
import { rest } from '../schemas.js';
import { allow, router } from '../trpc.js';

export const dashboardRouter = router({
  summary: allow('staff', 'admin', 'service')
    .meta({
      scope: 'stock:read',
      openapi: rest(
        'GET',
        '/dashboard/summary',
        'stock',
        'Stock and order figures over every row, in your scope',
      ),
    })
    .input(ZDashboardSummaryInput)
    .output(ZDashboardSummary)
    .query(({ ctx, input }) => lagTolerant(ctx, (db) => dashboardSummary(db, ctx.actor, input))),
});
