import { z } from 'zod';
import { MAX_HOLD_SECONDS } from '../holds/index.js';
import { ZReason, ZUuid } from '../shared/schemas.js';

export const ZReservationId = z.object({ id: ZUuid }).strict();
/** A release may say why (a stuck hold released by staff): recorded on the ledger's release movements. */
export const ZReleaseInput = z.object({ id: ZUuid, reason: ZReason.optional() }).strict();
export const ZExtendInput = z
  .object({ id: ZUuid, ttlSeconds: z.number().int().min(1).max(MAX_HOLD_SECONDS) })
  .strict();

export type ExtendInput = z.input<typeof ZExtendInput>;
export type ReleaseInput = z.input<typeof ZReleaseInput>;
