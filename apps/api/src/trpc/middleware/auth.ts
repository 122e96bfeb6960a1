/**
 * Who may call a procedure: a signed-in principal (SPEC §5), of the kinds the
 * procedure names, and for service tokens the scope its meta declares (a
 * procedure that admits services without declaring one refuses them: fail
 * closed).
 */
import type { Actor } from '@stockroom/core';
import { MappedError } from '../../errors.js';
import { type Meta, t } from '../init.js';

export type Principal = 'admin' | 'staff' | 'seller' | 'buyer' | 'service';

function principalOf(actor: Actor): Principal | 'system' {
  return actor.kind === 'user' ? actor.role : actor.kind;
}

/** A service token without the procedure's scope is refused, naming the scope. */
function assertServiceScope(actor: Actor | null, scope: Meta['scope'], required: boolean): void {
  if (actor?.kind !== 'service' || scope === 'any' || (scope === undefined && !required)) return;
  if (scope === undefined) {
    throw new MappedError({
      appCode: 'FORBIDDEN',
      message: 'Service tokens cannot call this procedure',
      details: {},
    });
  }
  if (!actor.scopes.includes(scope)) {
    throw new MappedError({
      appCode: 'FORBIDDEN',
      message: `This service token lacks the scope "${scope}"`,
      details: { missingScope: scope, scopes: actor.scopes },
    });
  }
}

/** Every procedure: a service token calling one that declares a scope must hold it. */
export const serviceScope = t.middleware(({ ctx, meta, next }) => {
  assertServiceScope(ctx.actor, meta?.scope, false);
  return next();
});

/** A principal is required (and a refused credential is named, not ignored). */
export const signedIn = t.middleware(({ ctx, next }) => {
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
  return next({ ctx: { actor: ctx.actor } });
});

/** Only these kinds of principal (after `signedIn`); a service also needs the declared scope. */
export const principals = (allowed: Principal[]) =>
  t.middleware(({ ctx, meta, next }) => {
    if (!ctx.actor || !allowed.includes(principalOf(ctx.actor) as Principal)) {
      throw new MappedError({
        appCode: 'FORBIDDEN',
        message: `This needs one of: ${allowed.join(', ')}`,
        details: { allowed },
      });
    }
    assertServiceScope(ctx.actor, meta?.scope, true);
    return next();
  });
