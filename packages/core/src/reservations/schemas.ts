import { z } from 'zod';
import { MAX_HOLD_SECONDS } from '../holds/index.js';
import { ZUuid } from '../shared/schemas.js';

export const ZReservationId = z.object({ id: ZUuid }).strict();
export const ZExtendInput = z
  .object({ id: ZUuid, ttlSeconds: z.number().int().min(1).max(MAX_HOLD_SECONDS) })
  .strict();

export type ExtendInput = z.input<typeof ZExtendInput>;
