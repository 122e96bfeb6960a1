import { sql } from 'kysely';
import { z } from 'zod';
import { ZHealthOut } from '../schemas.js';
import { publicProcedure } from '../trpc.js';

export const healthProcedure = publicProcedure
  .meta({
    openapi: {
      method: 'GET',
      path: '/health',
      tags: ['health'],
      summary: 'Service and database health',
      protect: false,
    },
  })
  .input(z.void())
  .output(ZHealthOut)
  .query(async ({ ctx }) => {
    await sql`select 1`.execute(ctx.db);
    return { status: 'ok' as const, now: new Date().toISOString(), database: 'ok' as const };
  });
