/**
 * Admit a write and add `ctx.mutation` for core's use cases: the actor and the idempotency scope
 * (key from the input field, which wins inside batches, else the
 * Idempotency-Key header; keyed per principal and procedure).
 */
import { type Actor, actorLabel, type MutationContext } from '@stockroom/core';
import { z } from 'zod';
import { MappedError } from '../../errors.js';
import { type Context, t } from '../init.js';
import { admitted, type Principal } from './auth.js';
import { observe } from './observation.js';

/** The optional idempotency key field every mutation input accepts. */
export const ZIdempotencyKey = z
  .string()
  .min(1)
  .max(200)
  .regex(/^[\x21-\x7e]+$/, 'printable ASCII without spaces');

/**
 * A write's admission (auth.ts `admitted`: who is asking, then what they sent)
 * and its `ctx.mutation`, in one middleware (see observation.ts for why).
 */
export const admitWriter = (allowed: Principal[]) =>
  t.middleware((opts) =>
    observe(opts, async () => {
      const { ctx, path, getRawInput, next } = opts;
      const actor = await admitted(opts, allowed);
      const mutation = mutationContext(ctx, actor, path, await getRawInput());
      const result = await next({ ctx: { actor, mutation } });
      // Answered: this principal's next reads must see it, wherever they are served from.
      if (result.ok) await ctx.services.reads.wrote(actor);
      return result;
    }),
  );

function mutationContext(ctx: Context, actor: Actor, path: string, input: unknown): MutationContext {
  const raw = input as { idempotencyKey?: unknown } | undefined;
  const fromInput = typeof raw?.idempotencyKey === 'string' ? raw.idempotencyKey : undefined;
  const key = fromInput ?? ctx.idempotencyHeader;
  if (key !== undefined && !ZIdempotencyKey.safeParse(key).success) {
    throw new MappedError({
      appCode: 'VALIDATION_FAILED',
      message: 'Idempotency key must be 1–200 printable ASCII characters without spaces',
      details: { field: 'idempotencyKey' },
    });
  }
  return {
    db: ctx.db,
    actor,
    idempotency: key ? { principal: actorLabel(actor), procedure: path, key } : null,
  };
}
