import type { Role } from '@stockroom/db';

/**
 * Who is acting. Every ledger row and event records it as a label
 * (`user:<id>`, `service:<id>`, `system:<name>`).
 */
export type Actor =
  | { kind: 'user'; id: string; role: Role; warehouseIds: string[] }
  /**
   * A service token: `scopes` say what it may call (the API checks them per
   * procedure), `warehouseIds` where it may act (null = every warehouse).
   */
  | { kind: 'service'; id: string; name: string; scopes: string[]; warehouseIds: string[] | null }
  | { kind: 'system'; name: string };

export function actorLabel(actor: Actor): string {
  return actor.kind === 'system' ? `system:${actor.name}` : `${actor.kind}:${actor.id}`;
}

export const SYSTEM_SWEEPER: Actor = { kind: 'system', name: 'sweeper' };
