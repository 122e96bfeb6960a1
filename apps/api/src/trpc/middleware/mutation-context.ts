/**
 * Add `ctx.mutation` for core's use cases: the actor and the idempotency scope
 * (key from the input field, which wins inside batches, else the
 * Idempotency-Key header; keyed per principal and procedure).
 */
import { type Actor, actorLabel, type MutationContext } from '@stockroom/core';
import { z } from 'zod';
import { MappedError } from '../../errors.js';
import { t } from '../init.js';

/** The optional idempotency key field every mutation input accepts. */
export const ZIdempotencyKey = z
  .string()
  .trim()
  .min(1)
  .max(200)
  .regex(/^[\x21-\x7e]+$/, 'printable ASCII without spaces');

export const withMutationContext = t.middleware(async ({ ctx, path, getRawInput, next }) => {
  const raw = (await getRawInput()) as { idempotencyKey?: unknown } | undefined;
  const fromInput = typeof raw?.idempotencyKey === 'string' ? raw.idempotencyKey : undefined;
  const key = fromInput ?? ctx.idempotencyHeader;
  if (key !== undefined && !ZIdempotencyKey.safeParse(key).success) {
    throw new MappedError({
      appCode: 'VALIDATION_FAILED',
      message: 'Idempotency key must be 1–200 printable ASCII characters without spaces',
      details: { field: 'idempotencyKey' },
    });
  }
  const actor = ctx.actor as Actor;
  const mutation: MutationContext = {
    db: ctx.db,
    actor,
    idempotency: key ? { principal: actorLabel(actor), procedure: path, key } : null,
  };
  const result = await next({ ctx: { mutation } });
  // Answered: this principal's next reads must see it, wherever they are served from.
  if (result.ok) await ctx.services.reads.wrote(actor);
  return result;
});
