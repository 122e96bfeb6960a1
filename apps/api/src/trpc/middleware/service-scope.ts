/**
 * A service token's scope: a procedure that admits services names the scope a
 * token needs; one that names none refuses tokens (fail closed). Checked first
 * for every call (observation.ts), and again where services are admitted (auth.ts).
 */
import type { Actor } from '@stockroom/core';
import { MappedError } from '../../errors.js';
import type { Meta } from '../init.js';

/** A service token without the procedure's scope is refused, naming the scope. */
export function assertServiceScope(actor: Actor | null, scope: Meta['scope'], required: boolean): void {
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
