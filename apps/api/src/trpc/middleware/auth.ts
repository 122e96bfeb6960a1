/**
 * Who may call a procedure: a signed-in principal (SPEC §5), of the kinds the
 * procedure names, and for service tokens the scope its meta declares (a
 * procedure that admits services without declaring one refuses them: fail
 * closed).
 */
import type { Actor } from '@stockroom/core';
import { MappedError } from '../../errors.js';
import { type Context, type Meta, t } from '../init.js';
import { observe } from './observation.js';
import { assertServiceScope } from './service-scope.js';
import { preparedInput } from './warehouse-refs.js';

export type Principal = 'admin' | 'staff' | 'seller' | 'buyer' | 'service';

function principalOf(actor: Actor): Principal | 'system' {
  return actor.kind === 'user' ? actor.role : actor.kind;
}

/** The signed-in actor (a refused credential is named, not ignored). */
function signedInActor(ctx: Context): Actor {
  if (ctx.refusal) {
    throw new MappedError({ appCode: 'FORBIDDEN', message: ctx.refusal, details: {} });
  }
  if (!ctx.actor) {
    throw new MappedError({
      appCode: 'UNAUTHENTICATED',
      message: 'Sign in first (Authorization: Bearer <token>)',
      details: {},
    });
  }
  return ctx.actor;
}

/** Only these kinds of principal; a service also needs the scope the procedure declares. */
function assertPrincipal(actor: Actor, allowed: Principal[], scope: Meta['scope']): void {
  if (!allowed.includes(principalOf(actor) as Principal)) {
    throw new MappedError({
      appCode: 'FORBIDDEN',
      message: `This needs one of: ${allowed.join(', ')}`,
      details: { allowed },
    });
  }
  assertServiceScope(actor, scope, true);
}

/**
 * Who may call, then what they sent (who is asking is settled before what they
 * sent is judged): anyone, any signed-in principal, or only the kinds named.
 * One middleware for both steps (see observation.ts for why levels cost).
 */
export const admitAnyone = t.middleware((opts) =>
  observe(opts, async () => {
    await preparedInput(opts.ctx, opts.getRawInput);
    return opts.next();
  }),
);

/** Who is asking, checked against `allowed` (any signed-in principal when absent), then what they sent. */
export async function admitted(
  opts: { ctx: Context; meta: Meta | undefined; getRawInput: () => Promise<unknown> },
  allowed?: Principal[],
): Promise<Actor> {
  const actor = signedInActor(opts.ctx);
  if (allowed) assertPrincipal(actor, allowed, opts.meta?.scope);
  await preparedInput(opts.ctx, opts.getRawInput);
  return actor;
}

export function admitSignedIn(allowed?: Principal[]) {
  return t.middleware((opts) =>
    observe(opts, async () => opts.next({ ctx: { actor: await admitted(opts, allowed) } })),
  );
}
